// Geometry kernel: feature norms ‖W_i‖, superposition Σ_{j≠i}(Ŵ_i·W_j)², feature dimensionality
// D_i = ‖W_i‖² / Σ_j (Ŵ_i·W_j)², and dimensions per feature m/‖W‖_F² (docs/science.md "Metrics";
// the paper's sections "Superposition as a phase change" and "Feature dimensionality").
// One invocation per instance. Owner: src/engine/evaluate-kernel.ts. Mirrored by src/science/metrics.ts.
// Writes metrics slots 1 and 2 … 2+3N (layout in evaluate.wgsl's header).

override N: u32 = 5u;
override M: u32 = 2u;
override WG: u32 = 64u;

const MAX_N: u32 = 64u;
const MAX_M: u32 = 16u;
const MAX_P: u32 = MAX_M * MAX_N + MAX_N;

struct GeometrySettings {
  instanceCount: u32,
  rowStride: u32,
}

@group(0) @binding(0) var<uniform> settings: GeometrySettings;
@group(0) @binding(1) var<storage, read> theta: array<f32>;
@group(0) @binding(2) var<storage, read_write> metrics: array<f32>;

@compute @workgroup_size(WG)
fn geometry(@builtin(global_invocation_id) gid: vec3u) {
  let instance = gid.y * settings.rowStride + gid.x;
  if (gid.x >= settings.rowStride || instance >= settings.instanceCount) { return; }
  let P = M * N + N;
  let base = instance * P;
  let stride = 2u + 4u * N;
  let out = instance * stride;
  var w = array<f32, MAX_P>();
  for (var k = 0u; k < M * N; k++) { w[k] = theta[base + k]; }
  var norm = array<f32, MAX_N>();
  var frobenius = 0.0;
  for (var i = 0u; i < N; i++) {
    var s = 0.0;
    for (var j = 0u; j < M; j++) { s += w[j * N + i] * w[j * N + i]; }
    norm[i] = sqrt(s);
    frobenius += s;
  }
  metrics[out + 1u] = f32(M) / frobenius;
  for (var i = 0u; i < N; i++) {
    var interference = 0.0;  // Σ_{j≠i} (Ŵ_i·W_j)²
    var dimensionality = 0.0;
    if (norm[i] > 0.0) {
      for (var k = 0u; k < N; k++) {
        if (k == i) { continue; }
        var dot = 0.0;
        for (var j = 0u; j < M; j++) { dot += w[j * N + i] * w[j * N + k]; }
        let projected = dot / norm[i];
        interference += projected * projected;
      }
      // Σ_j over all features includes j = i, whose term is ‖W_i‖².
      let squaredNorm = norm[i] * norm[i];
      dimensionality = squaredNorm / (squaredNorm + interference);
    }
    metrics[out + 2u + i] = norm[i];
    metrics[out + 2u + N + i] = interference;
    metrics[out + 2u + 2u * N + i] = dimensionality;
  }
}
