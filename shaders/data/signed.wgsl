// Data kind `signed` (src/science/data/signed.ts): feature i is on with probability p_i = f.x,
// values U[−1, 1) (2v − 1 is exact in f32 for the 24-bit v). Provides the data interface of
// shaders/autoencoder.wgsl.
fn dataFeature(stream: vec2u, step: u32, example: u32, i: u32, f: vec4f) -> f32 {
  let w = draw4(stream, step, example, i >> 2u)[i & 3u];
  return select(0.0, 2.0 * wordValue(w) - 1.0, unit(w) < f.x);
}
