// Data kind `anticorrelated` (src/science/data/anticorrelated.ts): feature i is on when its set
// leader's gate u lies in [lower_i, lower_i + p_i) (f.w = lower_i), so at most one member of a
// set is on; values U[0, 1). Provides the data interface of shaders/autoencoder.wgsl.
fn dataFeature(stream: vec2u, step: u32, example: u32, i: u32, f: vec4f) -> f32 {
  let w = draw4(stream, step, example, i >> 2u)[i & 3u];
  let leader = u32(f.z);
  let u = unit(draw4(stream, step, example, leader >> 2u)[leader & 3u]);
  let on = u >= f.w && u < f.w + f.x;
  return select(0.0, wordValue(w), on);
}
