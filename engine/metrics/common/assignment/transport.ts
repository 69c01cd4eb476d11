/**
 * Exact optimal transport between two discrete distributions with INTEGER masses (the
 * transportation problem), by successive shortest augmenting paths with Johnson potentials
 * (min-cost flow; Ahuja, Magnanti & Orlin 1993, ch. 9):
 *
 *   minimise Σ_ij F_ij C_ij  subject to  Σ_j F_ij = supply_i,  Σ_i F_ij = demand_j,  F ≥ 0
 *
 * Exact and combinatorial (no entropic smoothing, unlike Sinkhorn): every augmentation moves an
 * integer amount along a cheapest residual path, so the result is an optimal vertex of the
 * transportation polytope. Uniform marginals 1/p and 1/q are solved as integer masses q and p
 * (total pq) and rescaled. Dense: O(p·q) per shortest path; the number of augmentations is
 * bounded by the number of basic variables reached (about p + q in practice).
 */
import type { Matrix } from '../../../core/matrix';
import { SimspecError } from '../../../core/errors';

export interface TransportResult {
  /** Flow F (rows × cols), in the integer units of supply/demand. */
  flow: Matrix;
  /** Σ F_ij C_ij. */
  cost: number;
  augmentations: number;
}

export function solveTransport(cost: Matrix, supply: ArrayLike<number>, demand: ArrayLike<number>): TransportResult {
  const p = cost.rows;
  const q = cost.cols;
  if (supply.length !== p || demand.length !== q) {
    throw new SimspecError('transport marginals do not match the cost matrix', { expected: `${p} supplies and ${q} demands`, code: 'transport.shape' });
  }
  let totalSupply = 0;
  let totalDemand = 0;
  for (let i = 0; i < p; i++) {
    if (!Number.isInteger(supply[i]!) || supply[i]! < 0) throw new SimspecError('transport supplies must be non-negative integers', { code: 'transport.mass' });
    totalSupply += supply[i]!;
  }
  for (let j = 0; j < q; j++) {
    if (!Number.isInteger(demand[j]!) || demand[j]! < 0) throw new SimspecError('transport demands must be non-negative integers', { code: 'transport.mass' });
    totalDemand += demand[j]!;
  }
  if (totalSupply !== totalDemand) throw new SimspecError(`total supply ${totalSupply} differs from total demand ${totalDemand}`, { code: 'transport.mass' });
  for (const c of cost.data) if (!Number.isFinite(c)) throw new SimspecError('the transport cost matrix has a non-finite entry', { code: 'data.nonfinite' });

  // Shift costs to be ≥ 0 (adds a constant to every feasible plan's cost), so zero potentials start valid.
  let minCost = Infinity;
  for (const c of cost.data) minCost = Math.min(minCost, c);
  const c0 = minCost < 0 ? -minCost : 0;
  const flow = new Float64Array(p * q);
  const remainingSupply = Float64Array.from(supply as ArrayLike<number>);
  const remainingDemand = Float64Array.from(demand as ArrayLike<number>);
  // Nodes: sources 0..p−1, sinks p..p+q−1, plus a super source s (potential fixed at 0) and a super
  // sink t. Residual edges: s→i (supply left, cost 0), i→j (always, C_ij), j→i (flow > 0, −C_ij),
  // j→t (demand left, cost 0). Reduced costs c + π(u) − π(v) stay ≥ 0 (clamped against rounding).
  const n = p + q;
  const potential = new Float64Array(n);
  let potentialT = 0;
  const dist = new Float64Array(n);
  const parent = new Int32Array(n);
  const done = new Uint8Array(n);
  let remaining = totalSupply;
  let augmentations = 0;

  while (remaining > 0) {
    dist.fill(Infinity);
    parent.fill(-1);
    done.fill(0);
    for (let i = 0; i < p; i++) if (remainingSupply[i]! > 0) dist[i] = Math.max(0, -potential[i]!);
    let bestSink = -1;
    let distT = Infinity;
    for (;;) {
      let u = -1;
      let du = Infinity;
      for (let v = 0; v < n; v++) if (!done[v] && dist[v]! < du) { du = dist[v]!; u = v; }
      if (u < 0 || du >= distT) break;
      done[u] = 1;
      if (u < p) {
        const base = u * q;
        for (let j = 0; j < q; j++) {
          const v = p + j;
          if (done[v]) continue;
          const d = du + Math.max(cost.data[base + j]! + c0 + potential[u]! - potential[v]!, 0);
          if (d < dist[v]!) { dist[v] = d; parent[v] = u; }
        }
      } else {
        const j = u - p;
        if (remainingDemand[j]! > 0) {
          const d = du + Math.max(potential[u]! - potentialT, 0);
          if (d < distT) { distT = d; bestSink = j; }
        }
        for (let i = 0; i < p; i++) {
          if (done[i] || flow[i * q + j]! <= 0) continue;
          const d = du + Math.max(-(cost.data[i * q + j]! + c0) + potential[u]! - potential[i]!, 0);
          if (d < dist[i]!) { dist[i] = d; parent[i] = u; }
        }
      }
    }
    if (bestSink < 0) throw new SimspecError('transport problem has no augmenting path (internal error)', { code: 'transport.internal' });
    // Bottleneck along t ← sink ← … ← source ← s.
    let amount = remainingDemand[bestSink]!;
    let v = p + bestSink;
    while (parent[v]! >= 0) {
      const u = parent[v]!;
      if (u >= p) amount = Math.min(amount, flow[v * q + (u - p)]!); // backward edge: sink u → source v
      v = u;
    }
    amount = Math.min(amount, remainingSupply[v]!);
    v = p + bestSink;
    while (parent[v]! >= 0) {
      const u = parent[v]!;
      if (u < p) flow[u * q + (v - p)] = flow[u * q + (v - p)]! + amount;
      else flow[v * q + (u - p)] = flow[v * q + (u - p)]! - amount;
      v = u;
    }
    remainingSupply[v] = remainingSupply[v]! - amount;
    remainingDemand[bestSink] = remainingDemand[bestSink]! - amount;
    remaining -= amount;
    augmentations++;
    // Johnson update, capped at d(t): keeps every residual reduced cost ≥ 0.
    for (let w = 0; w < n; w++) potential[w] = potential[w]! + Math.min(dist[w]!, distT);
    potentialT += distT;
  }
  let total = 0;
  for (let k = 0; k < flow.length; k++) total += flow[k]! * cost.data[k]!;
  return { flow: { rows: p, cols: q, data: flow }, cost: total, augmentations };
}
