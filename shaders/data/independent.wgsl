// Data kind `independent` (src/science/data/independent.ts): feature i is on with probability
// p_i = f.x, values U[0, 1). Provides the data interface of shaders/autoencoder.wgsl.
fn dataFeature(stream: vec2u, step: u32, example: u32, i: u32, f: vec4f) -> f32 {
  return featureFromWord(draw4(stream, step, example, i >> 2u)[i & 3u], f.x);
}
