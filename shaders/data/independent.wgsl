// Data kind `independent` (src/science/data/independent.ts): feature i is on with probability
// p_i = f.x, values U[0, 1). Provides the data interface of shaders/autoencoder.wgsl.
fn dataFeature(stream: vec2u, step: u32, example: u32, i: u32, f: vec4f) -> f32 {
  let r = draw4(stream, step, example, i >> 1u);
  let odd = (i & 1u) == 1u;
  let gate = unit(select(r.x, r.z, odd));
  return select(0.0, unit(select(r.y, r.w, odd)), gate < f.x);
}
