// Snapshot kernel: gathers, per instance, the loss and ONE metric (for one feature, or for all N)
// from the metrics buffer into a compact array, so a live diagram reads back a few floats per
// model instead of the weights (docs/architecture.md "data flow"). Regimes are classified here with
// the same rule as src/science/regimes.ts (represented iff ‖W_i‖ > normThreshold; superposed iff
// also Σ_{j≠i}(Ŵ_i·W_j)² > superpositionThreshold).
// One invocation per instance. Owner: src/engine/snapshot-kernel.ts.
//
// out[instance · (1 + F) + 0] = loss (of the snapshot's evaluation batch; NaN when none ran)
// out[instance · (1 + F) + 1 + f] = metric for feature `feature` (F = 1) or feature f (F = N),
// F = settings.featureCount. Metric codes (snapshotCode in src/science/metric-registry.ts):
// 0 regime, 1 norm, 2 superposition, 3 dimensionality, 4 benefit, 5 loss, 6 dims per feature
// (the codes of src/science/metric-registry.ts; test/unit/metric-registry.test.ts checks this line).

override N: u32 = 5u;
override WG: u32 = 64u;

struct SnapshotSettings {
  instanceCount: u32,
  rowStride: u32,
  metric: u32,
  feature: u32,
  featureCount: u32,
  // 0 when no evaluation ran for this snapshot: the loss slot is NaN, not a stale value.
  lossValid: u32,
  normThreshold: f32,
  superpositionThreshold: f32,
}

@group(0) @binding(0) var<uniform> settings: SnapshotSettings;
@group(0) @binding(1) var<storage, read> metrics: array<f32>;
@group(0) @binding(2) var<storage, read_write> gathered: array<f32>;

fn metricValue(record: u32, i: u32) -> f32 {
  let norm = metrics[record + 2u + i];
  let interference = metrics[record + 2u + N + i];
  switch settings.metric {
    case 0u: {
      // A diverged model (NaN norm) is not represented, as on the CPU. Tested on the bits: WGSL
      // lets compilers assume floats are never NaN, so `!(norm > t)` alone is not guaranteed.
      let isNan = (bitcast<u32>(norm) & 0x7fffffffu) > 0x7f800000u;
      if (isNan || !(norm > settings.normThreshold)) { return 0.0; }
      return select(1.0, 2.0, interference > settings.superpositionThreshold);
    }
    case 1u: { return norm; }
    case 2u: { return interference; }
    case 3u: { return metrics[record + 2u + 2u * N + i]; }
    case 4u: { return metrics[record + 2u + 3u * N + i]; }
    case 5u: { return metrics[record]; }
    default: { return metrics[record + 1u]; }
  }
}

@compute @workgroup_size(WG)
fn snapshot(@builtin(global_invocation_id) gid: vec3u) {
  let instance = gid.y * settings.rowStride + gid.x;
  if (gid.x >= settings.rowStride || instance >= settings.instanceCount) { return; }
  let record = instance * (2u + 4u * N);
  let F = settings.featureCount;
  let out = instance * (1u + F);
  // A quiet NaN built at run time (a constant NaN is a WGSL compile error).
  let nan = bitcast<f32>(0x7fc00000u | (settings.lossValid & 0u));
  gathered[out] = select(nan, metrics[record], settings.lossValid != 0u);
  for (var f = 0u; f < F; f++) {
    let i = select(f, settings.feature, F == 1u);
    gathered[out + 1u + f] = metricValue(record, i);
  }
}
