// Data kind `signed` (src/science/data/signed.ts): feature i is on with probability p_i = f.x,
// values U[−1, 1) (2u − 1 is exact in f32 for the 24-bit u). Provides the data interface of
// shaders/autoencoder.wgsl.
fn dataFeature(stream: vec2u, step: u32, example: u32, i: u32, f: vec4f) -> f32 {
  let r = draw4(stream, step, example, i >> 1u);
  let odd = (i & 1u) == 1u;
  let gate = unit(select(r.x, r.z, odd));
  return select(0.0, 2.0 * unit(select(r.y, r.w, odd)) - 1.0, gate < f.x);
}
