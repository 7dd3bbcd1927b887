// Data kind `correlated` (src/science/data/correlated.ts): feature i reads its set leader's gate
// (f.z = leader index; i itself outside sets), so a set's members switch on together; values are
// the feature's own, U[0, 1). Provides the data interface of shaders/autoencoder.wgsl.
fn dataFeature(stream: vec2u, step: u32, example: u32, i: u32, f: vec4f) -> f32 {
  let r = draw4(stream, step, example, i >> 1u);
  let leader = u32(f.z);
  let g = draw4(stream, step, example, leader >> 1u);
  let gate = unit(select(g.x, g.z, (leader & 1u) == 1u));
  return select(0.0, unit(select(r.y, r.w, (i & 1u) == 1u)), gate < f.x);
}
