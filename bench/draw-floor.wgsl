// Bench only (bench/draw-floor.ts): a workload's training data drawn and summed, nothing else: the
// floor under any kernel that trains on the same stream on this device. One invocation per model,
// as the registers layout. Prepended with shaders/prng.wgsl and shaders/blocks.wgsl (whose NB
// registersSource sets to ⌈min(N, 32) / 4⌉), so it draws with the engine's own functions: for
// n ≤ 32 with drawBlocks and each feature's own p, every block written out as the registers kernel
// draws them; beyond, with a loop over drawFour (which indexes no array), every feature at feature
// 0's p: the draw costs the same for every p (a select), and no array of p is read per example.

override N: u32 = 20u;
override M: u32 = 1u;            // unused; blocks.wgsl's forwardRows names it
override LINEAR: bool = false;   // unused; blocks.wgsl's activate names it
override BATCH: u32 = 1024u;
override WG: u32 = 64u;

struct DrawSettings {
  instanceCount: u32,
  firstStep: u32,
  stepCount: u32,
  rowStride: u32,
}

@group(0) @binding(0) var<uniform> settings: DrawSettings;
@group(0) @binding(1) var<storage, read> keys: array<vec2u>;
@group(0) @binding(2) var<storage, read> features: array<vec2f>;  // (p_i, I_i) at [instance · N + i]
@group(0) @binding(3) var<storage, read_write> sums: array<f32>;  // Σ x over the steps, per model
@group(0) @binding(4) var<storage, read> theta: array<f32>;       // unused; blocks.wgsl's thetaRow names it

@compute @workgroup_size(WG)
fn drawOnly(@builtin(global_invocation_id) gid: vec3u) {
  let instance = gid.y * settings.rowStride + gid.x;
  if (gid.x >= settings.rowStride || instance >= settings.instanceCount) { return; }
  let key = keys[instance];
  let p = features[instance * N].x;
  var pb: Blocks;
  for (var c = 0u; c < NB; c++) { pb.c[c] = featureBlock(instance, 4u * c)[0]; }
  let gates = gateThresholds(pb);
  let t = gateThreshold4(vec4f(p));  // the loop path's threshold, computed once
  var acc = vec4f(0.0);
  for (var s = 0u; s < settings.stepCount; s++) {
    let step = settings.firstStep + s;
    for (var e = 0u; e < BATCH; e++) {
      if (N <= 32u) {
        let x = drawBlocks(key, step, e, gates);
        acc += x.c[0];
        if (NB > 1u) { acc += x.c[C1]; }
        if (NB > 2u) { acc += x.c[C2]; }
        if (NB > 3u) { acc += x.c[C3]; }
        if (NB > 4u) { acc += x.c[C4]; }
        if (NB > 5u) { acc += x.c[C5]; }
        if (NB > 6u) { acc += x.c[C6]; }
        if (NB > 7u) { acc += x.c[C7]; }
      } else {
        for (var first = 0u; first < N; first += 4u) {
          acc += drawFour(key, step, e, first, select(t, vec4u(0u), vec4u(first) + vec4u(0u, 1u, 2u, 3u) >= vec4u(N)));
        }
      }
    }
  }
  sums[instance] = (acc.x + acc.y) + (acc.z + acc.w);
}
