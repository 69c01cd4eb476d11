/**
 * Nearest-neighbour alignment of two representations (Huh, Cheung, Wang & Isola 2024, "The
 * Platonic Representation Hypothesis", ICML): mutual k-NN alignment and CKNNA. Both compare which
 * stimuli each representation puts next to each other, not the geometry at large.
 *
 * Rows of X (n × p) and Y (n × q) are the same n stimuli. With `normalize` (default, as the paper's
 * `compute_score(..., normalize=True)`), every row is first divided by max(‖row‖₂, 1e-12)
 * (torch's F.normalize), so the kernels K = XXᵀ, L = YYᵀ hold cosine similarities.
 *
 * Mutual k-NN:  N_K(i) = the k stimuli j with the largest K_ij, self excluded
 *               score = (1/n) Σ_i |N_K(i) ∩ N_L(i)| / k                      ∈ [0, 1]
 *   Chance level for unrelated representations is about k/(n−1).
 *
 * CKNNA (centred kernel nearest-neighbour alignment): CKA restricted to mutual neighbour pairs.
 *   M_ij = 1 when j ∈ N_K(i) and j ∈ N_L(i) (not symmetric in general), K' = M∘K, L' = M∘L
 *   s(K, L) = HSIC_u(K', L'), the unbiased estimator of Song et al. (2012, JMLR) written for
 *     possibly non-symmetric matrices exactly as the peer evaluates it (K̃ = K' with zero diagonal):
 *     [Σ_ij K̃_ij L̃_ji + (1ᵀK̃1)(1ᵀL̃1)/((n−1)(n−2)) − (2/(n−2))·1ᵀK̃L̃1] / (n(n−3))
 *   s(K, K) uses M = M_K (the K-neighbour mask), likewise s(L, L).
 *   CKNNA = s(K, L) / (√(s(K, K)·s(L, L)) + ε),   ε = 1e-6 (`epsilon: platonic`) or 0 (`none`)
 *   With `unbiased: false`: neighbours may include self and s = tr(K'HL'H), H = I − 11ᵀ/n.
 *   With k = n − 1 every off-diagonal pair is a neighbour and CKNNA is unbiased linear CKA of the
 *   (normalised) rows, up to ε.
 *
 * Invariances: both scores depend on the data only through the ranking of each row of K and L
 * (mutual k-NN) or through K and L (CKNNA), so they are invariant to rotations/reflections of either
 * side's features, to isotropic scaling of either side (CKNNA with `normalize: false`: up to ε), and
 * (with `normalize`) to scaling any single stimulus by a positive factor. Not invariant to feature shifts (cosines depend on the origin) or
 * to general linear maps. A stimulus permutation applied to both sides leaves both unchanged except
 * where ties are broken by index. Similarities, not metrics. Mutual k-NN is symmetric in X ↔ Y;
 * CKNNA is not quite: the unbiased HSIC formula assumes symmetric matrices but the mask M is not,
 * and 1ᵀK̃L̃1 ≠ 1ᵀL̃K̃1 (the peer gives 0.78177 and 0.78210 on knn_cknna_n100_k10 and its swap). We
 * follow the peer: X (feats_A) is the model, Y (feats_B) the brain.
 *
 * Peer: minyoungg/platonic-rep `metrics.py` (AlignmentMetrics.mutual_knn, .cknna). Conventions
 * followed [parity], see docs/metrics.md §5.3:
 *  - mutual k-NN ranks each row of XXᵀ with the diagonal set to −1e8 (so self is excluded) by a
 *    descending argsort and keeps the first k.
 *  - CKNNA ranks each row with torch.topk, the diagonal set to −∞ (unbiased: self excluded) or
 *    left as it is (biased: self is usually its own first neighbour).
 *  - the 1e-6 added to the CKNNA denominator; `epsilon: none` drops it (then identical inputs give
 *    exactly 1; with it the value is s/(s + 1e-6), visibly below 1 when s is small, i.e. for k ≪ n).
 * Deviations [choose], each for a reason:
 *  - ties: equal similarities go to the lower stimulus index. torch's CPU argsort and topk order
 *    equal values by their sort algorithm, not by index (on knn_mutual_ties_boundary torch 1.13
 *    gives 0.2833 where lower-index-first gives 0.3083; GPU kernels and other versions may differ
 *    again), so the peer's value with ties at the k-th neighbour is implementation-defined; ours is
 *    deterministic. Reference
 *    cases with such ties state the rule (test/fixtures/reference/README.md, knn section).
 *  - the peer's `topk=None` default crashes (it compares None < 2 before replacing it), so k is
 *    required in effect; here k defaults to 10, the paper's value and `measure_alignment.py`'s.
 *  - k outside 1..n−1 (mutual k-NN), 2..n−1 (CKNNA) or 2..n (biased CKNNA) is refused: the peer
 *    silently scores 1 when k ≥ n (mutual k-NN) or fails inside torch.topk.
 *  - a non-positive s(K, K)·s(L, L) is refused as degenerate (the peer returns NaN when negative).
 *  - the peer's `distance_agnostic=True` returns a matrix and then fails in `.item()`; not offered
 *    (mutual k-NN is the distance-agnostic score).
 *  - `measure_alignment.py` clips features at their 95th |value| percentile and keeps the best layer
 *    pair before scoring; that is preprocessing and layer search, not the metric, and is not applied.
 *  - float64 throughout (the peer runs float32 on GPU); only near-ties can rank differently.
 *
 * Cost: O(n²(p + q)) for the two Grams (engine/linalg `gram`), O(n² log k) for the neighbour
 * selection (a size-k heap per row), O(nk) for the scores; memory n² doubles per Gram plus n² bytes.
 *
 * The family definition (`metric: knn`, one defaults table, schema properties, parse, check, the
 * pair score through the generic runner, case handlers) is at the end of this file; the family is
 * registered by one line in engine/families/index.ts — nothing else in the code base names it.
 */
import { SimspecError } from '../core/errors';
import { ndarrayToMatrix, type Matrix } from '../core/matrix';
import { gram } from '../linalg';
import type { CaseHandlers, ReferenceCase } from '../cases/types';
import { pairRunner } from './runner';
import type { FamilyDefinition } from './types';

export type KnnMethod = 'mutual-knn' | 'cknna';
export type KnnEpsilon = 'platonic' | 'none';

export interface KnnOptions {
  /** Neighbours per stimulus. */
  k: number;
  /** Divide each row by its 2-norm first (cosine neighbourhoods). */
  normalize?: boolean;
}

export interface CknnaOptions extends KnnOptions {
  /** Unbiased HSIC with self excluded from the neighbours (the paper), or biased tr(KHLH). */
  unbiased?: boolean;
  epsilon?: KnnEpsilon;
}

/** The diagonal value the peer's mutual k-NN ranks self with (`fill_diagonal_(-1e8)`). */
const SELF_SIMILARITY_MUTUAL_KNN = -1e8;
/** The peer's CKNNA denominator epsilon. */
const PLATONIC_EPSILON = 1e-6;
/** torch.nn.functional.normalize's default eps. */
const NORMALIZE_EPSILON = 1e-12;

/** Each row divided by max(‖row‖₂, 1e-12), as torch's F.normalize(x, p=2, dim=-1). */
export function normalizeRows(x: Matrix): Matrix {
  const out = new Float64Array(x.data.length);
  for (let i = 0; i < x.rows; i++) {
    const offset = i * x.cols;
    let sumOfSquares = 0;
    for (let j = 0; j < x.cols; j++) sumOfSquares += x.data[offset + j]! ** 2;
    const divisor = Math.max(Math.sqrt(sumOfSquares), NORMALIZE_EPSILON);
    for (let j = 0; j < x.cols; j++) out[offset + j] = x.data[offset + j]! / divisor;
  }
  return { rows: x.rows, cols: x.cols, data: out };
}

/** K = XXᵀ on the (optionally row-normalised) data. */
export function similarityKernel(x: Matrix, normalize: boolean): Matrix {
  return gram(normalize ? normalizeRows(x) : x);
}

/**
 * For every row i of the n × n kernel, the k column indices with the largest values, where the
 * diagonal entry counts as `selfValue` (−1e8, −∞; `undefined` takes K_ii as it is). Equal values go
 * to the lower index (a stable descending sort, as the peer's argsort/topk on CPU). Result: n × k
 * row-major, each row in no particular order.
 */
export function nearestNeighbours(kernel: Matrix, k: number, selfValue: number | undefined): Int32Array {
  const n = kernel.rows;
  const out = new Int32Array(n * k);
  const heapValues = new Float64Array(k);
  const heapIndices = new Int32Array(k);
  // A min-heap of the k best so far; its root is the worst kept: smallest value, and among equal
  // values the largest index. Columns are visited in increasing order, so a later column with a
  // value equal to the root's never displaces it (the lower index wins, as in a stable sort).
  const worse = (a: number, b: number) =>
    heapValues[a]! < heapValues[b]! || (heapValues[a] === heapValues[b] && heapIndices[a]! > heapIndices[b]!);
  const swap = (a: number, b: number) => {
    const v = heapValues[a]!;
    heapValues[a] = heapValues[b]!;
    heapValues[b] = v;
    const t = heapIndices[a]!;
    heapIndices[a] = heapIndices[b]!;
    heapIndices[b] = t;
  };
  const siftDown = (start: number) => {
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= k) return;
      const right = left + 1;
      const child = right < k && worse(right, left) ? right : left;
      if (!worse(child, i)) return;
      swap(i, child);
      i = child;
    }
  };
  for (let i = 0; i < n; i++) {
    const row = i * n;
    let size = 0;
    for (let j = 0; j < n; j++) {
      const value = j === i && selfValue !== undefined ? selfValue : kernel.data[row + j]!;
      if (size < k) {
        heapValues[size] = value;
        heapIndices[size] = j;
        size++;
        if (size === k) for (let s = (k >> 1) - 1; s >= 0; s--) siftDown(s);
      } else if (value > heapValues[0]!) {
        heapValues[0] = value;
        heapIndices[0] = j;
        siftDown(0);
      }
    }
    out.set(heapIndices, i * k);
  }
  return out;
}

/** Mutual k-NN alignment (1/n) Σ_i |N_X(i) ∩ N_Y(i)| / k; see the header. */
export function mutualKnnAlignment(x: Matrix, y: Matrix, options: KnnOptions): number {
  checkKnnInputs(x, y, 'mutual-knn', options.k, true);
  const normalize = options.normalize ?? true;
  const n = x.rows;
  const k = options.k;
  const neighboursX = nearestNeighbours(similarityKernel(x, normalize), k, SELF_SIMILARITY_MUTUAL_KNN);
  const neighboursY = nearestNeighbours(similarityKernel(y, normalize), k, SELF_SIMILARITY_MUTUAL_KNN);
  const markedFor = new Int32Array(n).fill(-1);
  let shared = 0;
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < k; t++) markedFor[neighboursX[i * k + t]!] = i;
    for (let t = 0; t < k; t++) if (markedFor[neighboursY[i * k + t]!] === i) shared++;
  }
  return shared / k / n;
}

/** Bit flags in the n × n neighbour mask: j ∈ N_K(i), j ∈ N_L(i). */
const IN_K = 1;
const IN_L = 2;

/**
 * s(A, B) of the header for the pairs (i, j) whose mask flags contain all of `required`, visiting
 * candidate pairs from `neighbours` (a superset of the masked pairs: the K or L neighbour lists).
 */
function maskedHsic(
  a: Matrix,
  b: Matrix,
  flags: Uint8Array,
  required: number,
  neighbours: Int32Array,
  k: number,
  unbiased: boolean,
): number {
  const n = a.rows;
  const rowSumA = new Float64Array(n);
  const columnSumA = new Float64Array(n);
  const rowSumB = new Float64Array(n);
  const columnSumB = new Float64Array(n);
  let sumA = 0;
  let sumB = 0;
  let traceAB = 0; // Σ_ij A'_ij B'_ji
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < k; t++) {
      const j = neighbours[i * k + t]!;
      if ((flags[i * n + j]! & required) !== required) continue;
      if (unbiased && j === i) continue; // zeroed diagonal (only reachable when k = n)
      const aij = a.data[i * n + j]!;
      const bij = b.data[i * n + j]!;
      rowSumA[i] += aij;
      columnSumA[j] += aij;
      rowSumB[i] += bij;
      columnSumB[j] += bij;
      sumA += aij;
      sumB += bij;
      if ((flags[j * n + i]! & required) === required) traceAB += aij * b.data[j * n + i]!;
    }
  }
  if (unbiased) {
    let sumAB = 0; // 1ᵀA'B'1
    for (let m = 0; m < n; m++) sumAB += columnSumA[m]! * rowSumB[m]!;
    return (traceAB + (sumA * sumB) / ((n - 1) * (n - 2)) - (2 * sumAB) / (n - 2)) / (n * (n - 3));
  }
  // tr(A'HB'H) = tr(A'B') − (1ᵀB'A'1 + 1ᵀA'B'1)/n + (1ᵀA'1)(1ᵀB'1)/n²
  let sumBA = 0;
  let sumAB = 0;
  for (let m = 0; m < n; m++) {
    sumBA += columnSumB[m]! * rowSumA[m]!;
    sumAB += columnSumA[m]! * rowSumB[m]!;
  }
  return traceAB - (sumBA + sumAB) / n + (sumA * sumB) / (n * n);
}

/** CKNNA (centred kernel nearest-neighbour alignment); see the header. */
export function cknna(x: Matrix, y: Matrix, options: CknnaOptions): number {
  const unbiased = options.unbiased ?? true;
  checkKnnInputs(x, y, 'cknna', options.k, unbiased);
  const normalize = options.normalize ?? true;
  const epsilon = (options.epsilon ?? 'platonic') === 'platonic' ? PLATONIC_EPSILON : 0;
  const n = x.rows;
  const k = options.k;
  const kernelX = similarityKernel(x, normalize);
  const kernelY = similarityKernel(y, normalize);
  const selfValue = unbiased ? Number.NEGATIVE_INFINITY : undefined;
  const neighboursX = nearestNeighbours(kernelX, k, selfValue);
  const neighboursY = nearestNeighbours(kernelY, k, selfValue);
  const flags = new Uint8Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < k; t++) {
      flags[i * n + neighboursX[i * k + t]!]! |= IN_K;
      flags[i * n + neighboursY[i * k + t]!]! |= IN_L;
    }
  }
  const cross = maskedHsic(kernelX, kernelY, flags, IN_K | IN_L, neighboursX, k, unbiased);
  const selfX = maskedHsic(kernelX, kernelX, flags, IN_K, neighboursX, k, unbiased);
  const selfY = maskedHsic(kernelY, kernelY, flags, IN_L, neighboursY, k, unbiased);
  const product = selfX * selfY;
  if (!(product > 0)) {
    throw new SimspecError(
      `the neighbour-restricted self-similarity of a representation is not positive (${selfX.toPrecision(3)} and ${selfY.toPrecision(3)}), so CKNNA is undefined`,
      { expected: 'more stimuli or a larger k, and representations that vary across stimuli', code: 'metric.degenerate' },
    );
  }
  return cross / (Math.sqrt(product) + epsilon);
}

/** The range of k each method accepts for n stimuli. */
export function knnRange(method: KnnMethod, n: number, unbiased = true): { min: number; max: number } {
  if (method === 'mutual-knn') return { min: 1, max: n - 1 };
  return { min: 2, max: unbiased ? n - 1 : n };
}

function checkKnnInputs(x: Matrix, y: Matrix, method: KnnMethod, k: number, unbiased: boolean): void {
  if (x.rows !== y.rows) {
    throw new SimspecError(`X has ${x.rows} rows but Y has ${y.rows}`, {
      variable: 'Y',
      expected: `${x.rows} rows (one per stimulus, in the same order)`,
      code: 'data.rows',
    });
  }
  const n = x.rows;
  const minimumRows = method === 'cknna' && unbiased ? 4 : 2;
  if (n < minimumRows) {
    throw new SimspecError(`only ${n} stimuli`, { variable: 'X', expected: `at least ${minimumRows} stimuli for ${method}`, code: 'data.rows' });
  }
  const { min, max } = knnRange(method, n, unbiased);
  if (!Number.isInteger(k) || k < min || k > max) {
    throw new SimspecError(`k = ${k} neighbours with ${n} stimuli`, {
      variable: 'k',
      expected: `an integer from ${min} to ${max} for ${method}${method === 'cknna' && !unbiased ? ' (biased)' : ''}`,
      code: 'param.k',
    });
  }
  for (const [m, label] of [[x, 'X'], [y, 'Y']] as const) {
    for (let t = 0; t < m.data.length; t++) {
      if (!Number.isFinite(m.data[t]!)) {
        throw new SimspecError(`non-finite value at row ${Math.floor(t / m.cols)}, column ${t % m.cols}`, {
          variable: label,
          expected: 'finite numbers',
          code: 'data.nonfinite',
        });
      }
    }
  }
}

// ─── Family definition (engine/families/types.ts) ───

export interface KnnParams {
  method: KnnMethod;
  k: number;
  normalize: boolean;
  unbiased: boolean;
  epsilon: KnnEpsilon;
}

/** The one table of defaults (k = 10 as in the paper and `measure_alignment.py --topk`). */
export const knnDefaults = { method: 'mutual-knn', k: 10, normalize: true, unbiased: true, epsilon: 'platonic' } as const;

const citation = 'Huh, Cheung, Wang & Isola 2024, *The Platonic Representation Hypothesis*, ICML';

/** Markdown for `metric: knn` (hover, completion, README). */
export const knnDescription =
  `**Nearest-neighbour alignment** (${citation}): do the two representations give each stimulus the same k nearest neighbours ` +
  '(cosine similarity)? `mutual-knn` is the mean shared fraction; `cknna` is CKA restricted to mutually neighbouring pairs. ' +
  'Invariant to rotations and isotropic scaling of either side (and to rescaling single stimuli); not to shifts. Similarities, not metrics.';

export const knnSummary = 'nearest-neighbour alignment: mutual k-NN or CKNNA (Huh et al. 2024)';

/** JSON-schema properties of the family's keys (no `default`: those come from knnDefaults). */
export const knnProperties = {
  method: {
    enum: ['mutual-knn', 'cknna'],
    markdownDescription: `Which nearest-neighbour score (${citation}; the paper's code, minyoungg/platonic-rep \`metrics.py\`). N_K(i) = the k stimuli most similar to stimulus i by cosine, itself excluded.`,
    markdownEnumDescriptions: [
      '**Mutual k-NN alignment**: (1/n) Σ_i |N_X(i) ∩ N_Y(i)| / k, in [0, 1]; chance ≈ k/(n − 1). Depends only on the neighbour rankings: invariant to rotations and isotropic scaling of either side.',
      '**CKNNA**: unbiased-HSIC CKA of the kernels K = XXᵀ, L = YYᵀ masked to pairs (i, j) with j a neighbour of i in both: s(K, L)/(√(s(K, K)·s(L, L)) + ε). Invariant to rotations and isotropic scaling; with k = n − 1 it is unbiased linear CKA of the normalised rows. Can be negative; needs ≥ 4 stimuli.',
    ],
  },
  k: {
    type: 'integer',
    minimum: 1,
    markdownDescription: 'Neighbours per stimulus (the paper uses k = 10). 1 ≤ k ≤ n − 1 for `mutual-knn`, 2 ≤ k ≤ n − 1 for `cknna` (n for `unbiased: false`). Equal similarities go to the lower stimulus index, as in the paper\'s code.',
  },
  normalize: {
    type: 'boolean',
    markdownDescription: 'Divide every stimulus row by its 2-norm first, so neighbours are by cosine (the paper\'s `normalize=True`). `false` ranks by raw inner product.',
  },
  unbiased: {
    type: 'boolean',
    markdownDescription: '`cknna` only: the unbiased HSIC of Song et al. (2012) with self excluded from the neighbours (the paper), or the biased tr(K′HL′H) with self allowed as a neighbour.',
  },
  epsilon: {
    enum: ['platonic', 'none'],
    markdownDescription: '`cknna` only: the denominator convention.',
    markdownEnumDescriptions: [
      '√(s(K, K)·s(L, L)) + 1e-6, as the paper\'s code (values sit slightly below 1 for identical inputs when k ≪ n).',
      'No epsilon: identical inputs give exactly 1.',
    ],
  },
} as const;

/** Raw (schema-valid) comparison keys → typed params with every default filled, once. */
export function parseKnnParams(raw: Record<string, unknown>): KnnParams {
  return {
    method: raw.method === 'cknna' ? 'cknna' : knnDefaults.method,
    k: typeof raw.k === 'number' ? raw.k : knnDefaults.k,
    normalize: typeof raw.normalize === 'boolean' ? raw.normalize : knnDefaults.normalize,
    unbiased: typeof raw.unbiased === 'boolean' ? raw.unbiased : knnDefaults.unbiased,
    epsilon: raw.epsilon === 'none' ? 'none' : knnDefaults.epsilon,
  };
}

/** Problem reporter with the registry's CheckReport argument order (message, key path, code). */
export type KnnCheckReport = (message: string, key: (string | number)[], code: string, extra?: { severity?: 'error' | 'warning' }) => void;

/** Every rule the computation enforces that the stimulus count reveals before any data is read. */
export function checkKnnParams(params: KnnParams, context: { stimuli?: number }, report: KnnCheckReport): void {
  if (params.method === 'mutual-knn') {
    if (params.unbiased !== knnDefaults.unbiased) report('`unbiased` applies to `method: cknna` only.', ['unbiased'], 'spec.knn-unused', { severity: 'warning' });
    if (params.epsilon !== knnDefaults.epsilon) report('`epsilon` applies to `method: cknna` only.', ['epsilon'], 'spec.knn-unused', { severity: 'warning' });
  }
  if (params.method === 'cknna' && params.k < 2) report('CKNNA needs k ≥ 2 neighbours.', ['k'], 'spec.knn-k');
  const n = context.stimuli;
  if (n === undefined) return;
  const minimumRows = params.method === 'cknna' && params.unbiased ? 4 : 2;
  if (n < minimumRows) {
    report(`${params.method} needs at least ${minimumRows} stimuli; there are ${n}.`, ['method'], 'spec.knn-stimuli');
    return;
  }
  const { min, max } = knnRange(params.method, n, params.unbiased);
  if (params.k < min || params.k > max) report(`k = ${params.k}, but with ${n} stimuli ${params.method} needs ${min} ≤ k ≤ ${max}.`, ['k'], 'spec.knn-k');
}

/** The score of one (model, brain subject) pair. */
export function knnScore(params: KnnParams, x: Matrix, y: Matrix): number {
  if (params.method === 'mutual-knn') return mutualKnnAlignment(x, y, params);
  return cknna(x, y, params);
}

export const knnHigherIsBetter = (_params: KnnParams): boolean => true;

/** What `value` is, in words (results table, panel). */
export function knnMeasure(params: KnnParams, subjects: number): string {
  const neighbourhood = params.normalize ? 'cosine' : 'inner-product';
  const name =
    params.method === 'mutual-knn'
      ? `mutual k-NN alignment (k = ${params.k}, ${neighbourhood} neighbours)`
      : `${params.unbiased ? '' : 'biased '}CKNNA (k = ${params.k}, ${neighbourhood} neighbours, ${params.epsilon === 'platonic' ? '+1e-6 ε' : 'no ε'})`;
  return `${name}${subjects > 1 ? ` (mean over ${subjects} subjects)` : ''}`;
}

function caseMatrix(c: ReferenceCase, name: string): Matrix {
  const a = c.inputs[name];
  if (!a) throw new SimspecError(`case ${c.name} has no input '${name}'`, { file: c.dir, variable: name, code: 'case.input' });
  return ndarrayToMatrix(a);
}

/** Reference cases (group `knn`) use the peer's argument names: `topk`, `normalize`, `unbiased`. */
function caseOptions(c: ReferenceCase): CknnaOptions {
  const p = c.params;
  if (typeof p.topk !== 'number') {
    throw new SimspecError(`case ${c.name}: params.topk is missing`, { file: c.dir, variable: 'params.topk', expected: 'an integer number of neighbours', code: 'case.params' });
  }
  return {
    k: p.topk,
    normalize: p.normalize === undefined ? true : Boolean(p.normalize),
    unbiased: p.unbiased === undefined ? true : Boolean(p.unbiased),
    epsilon: 'platonic',
  };
}

export const knnCaseHandlers: CaseHandlers = {
  mutual_knn: (c) => mutualKnnAlignment(caseMatrix(c, 'X'), caseMatrix(c, 'Y'), caseOptions(c)),
  cknna: (c) => cknna(caseMatrix(c, 'X'), caseMatrix(c, 'Y'), caseOptions(c)),
};

/** `metric: knn` — mutual k-NN alignment or CKNNA of one model layer with one brain region, mean over brain subjects. */
export const knn: FamilyDefinition<'knn', KnnParams> = {
  id: 'knn',
  summary: knnSummary,
  description: knnDescription,
  defaults: knnDefaults,
  properties: knnProperties,
  parse: parseKnnParams,
  check: (params, context, report) => checkKnnParams(params, context, report),
  run: pairRunner<KnnParams>({
    metricName: 'nearest-neighbour alignment',
    scorePair: (p, x, y) => ({ value: knnScore(p, x, y) }),
    higherIsBetter: knnHigherIsBetter,
    measure: knnMeasure,
    details: (p) => ({ method: p.method, k: p.k, normalize: p.normalize, ...(p.method === 'cknna' ? { unbiased: p.unbiased, epsilon: p.epsilon } : {}) }),
  }),
  caseHandlers: knnCaseHandlers,
};
