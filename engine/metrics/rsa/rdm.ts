/**
 * RDMs from response matrices (conditions × channels), condensed in squareform order.
 *
 * rsatoolbox `calc_rdm` conventions (docs/metrics.md §2.1) [parity], b_i = pattern of
 * condition i, P = number of channels:
 *   euclidean    d_ij = ‖b_i − b_j‖² / P                  (squared AND divided by P; "squared euclidean")
 *   correlation  d_ij = 1 − r(b_i, b_j)                    (not divided by P)
 *   mahalanobis  d_ij = (b_i − b_j) Λ (b_i − b_j)ᵀ / P     (Λ a noise PRECISION; none → euclidean)
 *   poisson      d_ij = Σ_k (λ̃_ik − λ̃_jk)(log λ̃_ik − log λ̃_jk) / P,
 *                λ̃ = (λ + prior_lambda·prior_weight)/(1 + prior_weight)   (no ½ [parity], §8 item 11)
 *   crossnobis   see crossnobis.ts
 * scipy `pdist` conventions: euclidean ‖b_i − b_j‖, sqeuclidean ‖b_i − b_j‖², cosine 1 − cos,
 * correlation 1 − r (identical to rsatoolbox's correlation).
 * Invariances: euclidean/mahalanobis/crossnobis/pdist-euclidean are invariant to adding a constant
 * vector to every pattern (we centre the columns before forming the Gram matrix, §8 item 29, which
 * keeps the K_ii + K_jj − 2K_ij route accurate); correlation is invariant to per-pattern shift and
 * positive scaling; cosine to per-pattern positive scaling.
 * With `conditions`, observations are first averaged per label and the RDM follows ascending labels.
 */
import { isNearlyConstant } from '../../core/constant';
import { SimspecError } from '../../core/errors';
import type { Matrix } from '../../core/matrix';
import { centerColumns, gram, multiply, multiplyTransposed } from '../../linalg';
import { distancesFromKernel, pairCount, type Origin } from './condensed';
import { averageByCondition, type ConditionLabel, type ConditionLabels } from './conditions';
import { crossnobisRdm } from './crossnobis';

export type RsatoolboxRdmMethod = 'euclidean' | 'correlation' | 'mahalanobis' | 'crossnobis' | 'poisson';
export type PdistMetric = 'euclidean' | 'sqeuclidean' | 'cosine' | 'correlation';

export interface RdmOptions extends Origin {
  /** 'rsatoolbox' (calc_rdm, default) or 'scipy' (pdist). 'euclidean' means different things in each. */
  convention?: 'rsatoolbox' | 'scipy';
  /** Condition label per row; rows are averaged per label (rsatoolbox `descriptor`). */
  conditions?: ConditionLabels;
  /** Run (fold) label per row, crossnobis only (rsatoolbox `cv_descriptor`). */
  runs?: ConditionLabels;
  /** Noise precision Λ (channels × channels) or, for crossnobis, one precision per run (ascending run labels). */
  precision?: Matrix | readonly Matrix[];
  /** Poisson prior (rsatoolbox defaults 1.0 and 0.1). */
  priorLambda?: number;
  priorWeight?: number;
  /** Subtract each pattern's mean over channels first (rsatoolbox `remove_mean`). */
  removeMean?: boolean;
}

export interface RdmResult {
  /** Condensed dissimilarities, pairs (0,1), (0,2), … */
  condensed: Float64Array;
  /** Number of conditions. */
  n: number;
  /** Condition labels in RDM order when `conditions` were given (ascending). */
  labels?: ConditionLabel[];
  /** What the numbers are, in words (e.g. "squared euclidean / P"). */
  measure: string;
}

const RSA_METHODS: readonly string[] = ['euclidean', 'correlation', 'mahalanobis', 'crossnobis', 'poisson'];
const PDIST_METRICS: readonly string[] = ['euclidean', 'sqeuclidean', 'cosine', 'correlation'];

export function rdmFromResponses(responses: Matrix, method: string, options: RdmOptions = {}): RdmResult {
  const origin: Origin = { file: options.file, variable: options.variable };
  const convention = options.convention ?? 'rsatoolbox';
  const known = convention === 'scipy' ? PDIST_METRICS : RSA_METHODS;
  if (!known.includes(method)) {
    throw new SimspecError(`unknown ${convention} RDM method '${method}'`, { ...origin, expected: `one of ${known.join(', ')}`, code: 'rdm.method' });
  }
  checkFinite(responses, origin);
  let x = options.removeMean ? removeRowMeans(responses) : responses;

  if (method === 'crossnobis' && convention === 'rsatoolbox') {
    const r = crossnobisRdm(x, {
      conditions: options.conditions,
      runs: options.runs,
      precision: options.precision,
      origin,
    });
    return { condensed: r.condensed, n: r.labels.length, labels: r.labels, measure: 'crossnobis (cross-validated squared Mahalanobis / P)' };
  }

  let labels: ConditionLabel[] | undefined;
  if (options.conditions !== undefined) {
    const averaged = averageByCondition(x, options.conditions, origin);
    x = averaged.means;
    labels = averaged.labels;
  }
  if (x.rows < 2) {
    throw new SimspecError(`only ${x.rows} condition(s)`, { ...origin, expected: 'at least 2 conditions (rows)', code: 'rdm.too-small' });
  }
  const P = x.cols;
  let condensed: Float64Array;
  let measure: string;
  if (convention === 'scipy') {
    switch (method as PdistMetric) {
      case 'euclidean':
        condensed = squaredDistances(x).map(Math.sqrt);
        measure = 'euclidean';
        break;
      case 'sqeuclidean':
        condensed = squaredDistances(x);
        measure = 'squared euclidean';
        break;
      case 'cosine':
        condensed = oneMinusCosine(x, false);
        measure = '1 − cosine';
        break;
      default:
        condensed = oneMinusCosine(x, true);
        measure = '1 − Pearson r';
    }
  } else {
    switch (method as RsatoolboxRdmMethod) {
      case 'euclidean':
        condensed = scaleInPlace(squaredDistances(x), 1 / P);
        measure = 'squared euclidean / P';
        break;
      case 'correlation':
        condensed = oneMinusCosine(x, true);
        measure = '1 − Pearson r';
        break;
      case 'mahalanobis': {
        const precision = singlePrecision(options.precision, P, origin);
        condensed = scaleInPlace(precision ? mahalanobisDistances(x, precision) : squaredDistances(x), 1 / P);
        measure = precision ? 'squared mahalanobis / P' : 'squared euclidean / P (no precision given)';
        break;
      }
      default:
        condensed = poissonDistances(x, options.priorLambda ?? 1.0, options.priorWeight ?? 0.1, origin);
        measure = 'symmetrised Poisson KL / P';
    }
  }
  return labels ? { condensed, n: x.rows, labels, measure } : { condensed, n: x.rows, measure };
}

function checkFinite(x: Matrix, origin: Origin): void {
  for (let k = 0; k < x.data.length; k++) {
    if (!Number.isFinite(x.data[k]!)) {
      const row = Math.floor(k / x.cols);
      throw new SimspecError(`response (${row}, ${k % x.cols}) is ${x.data[k]}`, { ...origin, expected: 'finite responses', code: 'data.nonfinite' });
    }
  }
}

function removeRowMeans(x: Matrix): Matrix {
  const out = Float64Array.from(x.data);
  for (let i = 0; i < x.rows; i++) {
    let s = 0;
    for (let c = 0; c < x.cols; c++) s += out[i * x.cols + c]!;
    const m = s / x.cols;
    for (let c = 0; c < x.cols; c++) out[i * x.cols + c]! -= m;
  }
  return { rows: x.rows, cols: x.cols, data: out };
}

function scaleInPlace(v: Float64Array, s: number): Float64Array {
  for (let k = 0; k < v.length; k++) v[k]! *= s;
  return v;
}

/**
 * ‖b_i − b_j‖² through the Gram matrix of the column-centred patterns. The Gram route loses relative
 * accuracy when d² ≪ ‖b_i‖² + ‖b_j‖² (rounding ~1e-16·(K_ii + K_jj)), which matters after a square
 * root (scipy 'euclidean' of near-duplicate patterns): such pairs are recomputed from differences.
 */
function squaredDistances(x: Matrix): Float64Array {
  const centred = centerColumns(x).centered;
  const kernel = gram(centred);
  const d = distancesFromKernel(kernel, true);
  const { rows: n, cols, data } = x; // differences of the raw patterns, as scipy computes them
  let p = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++, p++) {
      if (d[p]! > 1e-6 * (kernel.data[i * n + i]! + kernel.data[j * n + j]!)) continue;
      let s = 0;
      for (let c = 0; c < cols; c++) {
        const diff = data[i * cols + c]! - data[j * cols + c]!;
        s += diff * diff;
      }
      d[p] = s;
    }
  }
  return d;
}

/** (b_i − b_j) Λ (b_i − b_j)ᵀ through K = B̃ Λ B̃ᵀ (B̃ column-centred). */
function mahalanobisDistances(x: Matrix, precision: Matrix): Float64Array {
  const centred = centerColumns(x).centered;
  return distancesFromKernel(multiplyTransposed(multiply(centred, precision), centred), false);
}

/** 1 − cos of the rows (centred over channels first when `centre`). */
function oneMinusCosine(x: Matrix, centre: boolean): Float64Array {
  const { rows, cols } = x;
  const unit = Float64Array.from(x.data);
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    // A constant pattern has no direction: 1 − r is undefined (NaN), as in scipy — constant within
    // the relative tolerance of engine/core/constant.ts, since centring leaves rounding residue.
    const constant = centre && isNearlyConstant(x.data.subarray(o, o + cols));
    if (centre) {
      let s = 0;
      for (let c = 0; c < cols; c++) s += unit[o + c]!;
      const m = s / cols;
      for (let c = 0; c < cols; c++) unit[o + c]! -= m;
    }
    let ss = 0;
    for (let c = 0; c < cols; c++) ss += unit[o + c]! * unit[o + c]!;
    const inv = constant ? Number.NaN : 1 / Math.sqrt(ss);
    for (let c = 0; c < cols; c++) unit[o + c]! *= inv;
  }
  const k = gram({ rows, cols, data: unit });
  const out = new Float64Array(pairCount(rows));
  let p = 0;
  for (let i = 0; i < rows; i++) for (let j = i + 1; j < rows; j++) out[p++] = 1 - k.data[i * rows + j]!;
  return out;
}

function poissonDistances(x: Matrix, priorLambda: number, priorWeight: number, origin: Origin): Float64Array {
  const { rows, cols } = x;
  const lam = new Float64Array(x.data.length);
  const logLam = new Float64Array(x.data.length);
  for (let k = 0; k < lam.length; k++) {
    const v = (x.data[k]! + priorLambda * priorWeight) / (1 + priorWeight);
    if (!(v > 0)) {
      throw new SimspecError(`Poisson rate (${Math.floor(k / cols)}, ${k % cols}) is ${v} after the prior`, {
        ...origin,
        expected: 'non-negative counts or rates',
        code: 'rdm.poisson-negative',
      });
    }
    lam[k] = v;
    logLam[k] = Math.log(v);
  }
  const out = new Float64Array(pairCount(rows));
  let p = 0;
  for (let i = 0; i < rows; i++) {
    for (let j = i + 1; j < rows; j++) {
      let s = 0;
      for (let c = 0; c < cols; c++) {
        s += (lam[i * cols + c]! - lam[j * cols + c]!) * (logLam[i * cols + c]! - logLam[j * cols + c]!);
      }
      out[p++] = s / cols;
    }
  }
  return out;
}

function singlePrecision(precision: Matrix | readonly Matrix[] | undefined, P: number, origin: Origin): Matrix | undefined {
  if (precision === undefined) return undefined;
  if (Array.isArray(precision)) {
    throw new SimspecError('per-run precisions are only meaningful for crossnobis', { ...origin, expected: 'one precision matrix', code: 'rdm.precision' });
  }
  const m = precision as Matrix;
  if (m.rows !== P || m.cols !== P) {
    throw new SimspecError(`the noise precision is ${m.rows}×${m.cols}`, { ...origin, expected: `${P}×${P} (channels × channels)`, code: 'rdm.precision' });
  }
  return m;
}
