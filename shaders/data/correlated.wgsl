// Data kind `correlated` (src/science/data/correlated.ts): feature i reads its set leader's gate
// (f.z = leader index; i itself outside sets), so a set's members switch on together; values are
// the feature's own, U[0, 1). Provides the data interface of shaders/autoencoder.wgsl.
fn dataFeature(stream: vec2u, step: u32, example: u32, i: u32, f: vec4f) -> f32 {
  let w = draw4(stream, step, example, i >> 2u)[i & 3u];
  let leader = u32(f.z);
  let gate = unit(draw4(stream, step, example, leader >> 2u)[leader & 3u]);
  return select(0.0, wordValue(w), gate < f.x);
}
