/**
 * Crossnobis RDM: cross-validated squared Mahalanobis distance / P (docs/metrics.md §2.1).
 *
 * Folds are runs (rsatoolbox `cv_descriptor`); without run labels the k-th occurrence of a condition
 * goes to fold k, and every condition must occur equally often. For fold m, A_m = condition means
 * over the other runs and B_m = condition means within run m:
 *   d_ij(m) = (a_i − a_j) Λ (b_i − b_j)ᵀ / P,   result = plain mean over folds   [parity]
 * (for balanced data, the mean over ordered run pairs m ≠ m′). Unbiased, hence can be negative.
 * Per-run precisions Λ_m (our extension, docs/metrics.md §2.1): each unordered run pair uses
 * Λ_mm′ = inv((inv Λ_m + inv Λ_m′)/2) and d_ij(m, m′) = (b_i^m − b_j^m) Λ_mm′ (b_i^m′ − b_j^m′)ᵀ / P,
 * averaged over pairs.
 * Invariances: adding a constant vector to all patterns of a run (we centre A and B separately).
 * Peer: rsatoolbox `calc_rdm(method='crossnobis', descriptor=, cv_descriptor=, noise=)`.
 */
import { SimspecError } from '../../core/errors';
import type { Matrix } from '../../core/matrix';
import { centerColumns, identity, multiply, multiplyTransposed, solve } from '../../linalg';
import { distancesFromKernel, pairCount, type Origin } from './condensed';
import { groupLabels, groupMeans, type ConditionLabel, type ConditionLabels } from './conditions';

export interface CrossnobisInput {
  conditions: ConditionLabels | undefined;
  runs: ConditionLabels | undefined;
  precision: Matrix | readonly Matrix[] | undefined;
  origin: Origin;
}

export function crossnobisRdm(x: Matrix, input: CrossnobisInput): { condensed: Float64Array; labels: ConditionLabel[]; runLabels: ConditionLabel[] } {
  const { origin } = input;
  if (input.conditions === undefined) {
    throw new SimspecError('crossnobis needs a condition label per observation', { ...origin, expected: 'a `conditions` descriptor', code: 'rdm.crossnobis-conditions' });
  }
  if (input.conditions.length !== x.rows) {
    throw new SimspecError(`${input.conditions.length} condition labels for ${x.rows} observations`, { ...origin, expected: 'one label per row', code: 'rdm.label-count' });
  }
  const conditions = groupLabels(input.conditions, origin);
  const nCond = conditions.labels.length;
  const runOf = input.runs !== undefined ? groupRuns(input.runs, x.rows, origin) : occurrenceFolds(conditions.groupOf, conditions.counts, origin);
  const nRuns = runOf.labels.length;
  if (nRuns < 2) {
    throw new SimspecError(`crossnobis needs at least 2 runs, got ${nRuns}`, { ...origin, expected: 'repeated measurements in ≥ 2 runs', code: 'rdm.crossnobis-runs' });
  }
  const P = x.cols;
  const runMeans = (filter: (row: number) => boolean, what: string): Matrix => {
    const { means, counts } = groupMeans(x, conditions.groupOf, nCond, filter);
    const missing = counts.findIndex((c) => c === 0);
    if (missing >= 0) {
      throw new SimspecError(`condition ${String(conditions.labels[missing])} has no observation in ${what}`, {
        ...origin,
        expected: 'every condition measured in every run',
        code: 'rdm.crossnobis-missing',
      });
    }
    return centerColumns(means).centered;
  };

  const total = new Float64Array(pairCount(nCond));
  const precisions = input.precision;
  if (Array.isArray(precisions)) {
    if (precisions.length !== nRuns) {
      throw new SimspecError(`${precisions.length} per-run precisions for ${nRuns} runs`, { ...origin, expected: 'one precision per run', code: 'rdm.precision' });
    }
    const perRun = precisions.map((p: Matrix) => checkPrecision(p, P, origin));
    const covariances = perRun.map((p) => solve(p, identity(P)));
    const means = runOf.labels.map((_, m) => runMeans((r) => runOf.groupOf[r] === m, `run ${String(runOf.labels[m])}`));
    let pairs = 0;
    for (let m = 0; m < nRuns; m++) {
      for (let q = m + 1; q < nRuns; q++) {
        const avg = covariances[m]!.data.map((v, k) => (v + covariances[q]!.data[k]!) / 2);
        const pooled = solve({ rows: P, cols: P, data: avg }, identity(P));
        accumulate(total, distancesFromKernel(multiplyTransposed(multiply(means[m]!, pooled), means[q]!), false));
        pairs++;
      }
    }
    for (let k = 0; k < total.length; k++) total[k]! /= pairs * P;
  } else {
    const precision = precisions === undefined ? undefined : checkPrecision(precisions as Matrix, P, origin);
    for (let m = 0; m < nRuns; m++) {
      const other = runMeans((r) => runOf.groupOf[r] !== m, `the runs other than ${String(runOf.labels[m])}`);
      const within = runMeans((r) => runOf.groupOf[r] === m, `run ${String(runOf.labels[m])}`);
      const left = precision ? multiply(other, precision) : other;
      accumulate(total, distancesFromKernel(multiplyTransposed(left, within), false));
    }
    for (let k = 0; k < total.length; k++) total[k]! /= nRuns * P;
  }
  return { condensed: total, labels: conditions.labels, runLabels: runOf.labels };
}

function accumulate(total: Float64Array, add: Float64Array): void {
  for (let k = 0; k < total.length; k++) total[k]! += add[k]!;
}

function checkPrecision(p: Matrix, P: number, origin: Origin): Matrix {
  if (p.rows !== P || p.cols !== P) {
    throw new SimspecError(`the noise precision is ${p.rows}×${p.cols}`, { ...origin, expected: `${P}×${P} (channels × channels)`, code: 'rdm.precision' });
  }
  return p;
}

function groupRuns(runs: ConditionLabels, rows: number, origin: Origin): { labels: ConditionLabel[]; groupOf: Int32Array } {
  if (runs.length !== rows) {
    throw new SimspecError(`${runs.length} run labels for ${rows} observations`, { ...origin, expected: 'one run label per row', code: 'rdm.label-count' });
  }
  const g = groupLabels(runs, origin);
  return { labels: g.labels, groupOf: g.groupOf };
}

/** rsatoolbox's default folds: the k-th occurrence of each condition goes to fold k. */
function occurrenceFolds(groupOf: Int32Array, counts: Int32Array, origin: Origin): { labels: ConditionLabel[]; groupOf: Int32Array } {
  const k = counts[0]!;
  if (counts.some((c) => c !== k)) {
    throw new SimspecError('without run labels every condition must occur equally often', {
      ...origin,
      expected: `the same number of repetitions per condition (found ${Math.min(...counts)} to ${Math.max(...counts)})`,
      code: 'rdm.crossnobis-unbalanced',
    });
  }
  const seen = new Int32Array(counts.length);
  const fold = new Int32Array(groupOf.length);
  for (let r = 0; r < groupOf.length; r++) fold[r] = seen[groupOf[r]!]!++;
  return { labels: Array.from({ length: k }, (_, i) => i), groupOf: fold };
}
