// Helpers of the `registers` layout shared by train.wgsl and evaluate.wgsl: four features of a
// model as one vec4 (features ≥ N read as p = 0, I = 0, so they are always 0). Prepended after
// prng.wgsl; uses the including kernel's `features` binding and its overrides N and LINEAR
// (WGSL resolves module-scope names in any order).

fn featureBlock(instance: u32, first: u32) -> mat2x4f {
  var p = vec4f(0.0);
  var importance = vec4f(0.0);
  for (var k = 0u; k < 4u; k++) {
    if (first + k < N) {
      let f = features[instance * N + first + k];
      p[k] = f.x;
      importance[k] = f.y;
    }
  }
  return mat2x4f(p, importance);
}

// Features first … first+3 of one example.
fn drawFour(key: vec2u, step: u32, example: u32, first: u32, p: vec4f) -> vec4f {
  let r0 = draw4(key, step, example, first >> 1u);
  let r1 = draw4(key, step, example, (first >> 1u) + 1u);
  let gate = vec4f(vec4u(r0.x, r0.z, r1.x, r1.z) >> vec4u(8u)) * 5.9604644775390625e-8;
  let value = vec4f(vec4u(r0.y, r0.w, r1.y, r1.w) >> vec4u(8u)) * 5.9604644775390625e-8;
  return select(vec4f(0.0), value, gate < p);
}

// The model's output activation: ReLU, or the identity for the linear model.
fn activate(pre: vec4f) -> vec4f {
  return select(max(pre, vec4f(0.0)), pre, LINEAR);
}
