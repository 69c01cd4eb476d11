/**
 * Time-resolved RSA (Cichy, Pantazis & Oliva 2014/2016; docs/timeresolved.md): one brain RDM per
 * (subject, time sample), made once and shared by every model layer, compared with each layer's RDM.
 *
 *  - time axis: the samples inside `window` [start, end] (seconds, inclusive), every `step`-th one;
 *    with `average: w` each kept sample is the mean of samples k … k + w − 1 (clipped to the data).
 *  - brain RDM per time: rsatoolbox `calc_rdm` conventions (correlation: 1 − r; euclidean: squared
 *    distance / P; crossnobis: cross-validated over the repeats as runs, with noise normalisation by
 *    the residual covariance of that time sample (residual = observation − its stimulus' mean over
 *    runs, dof = observations − stimuli), shrunk as rsatoolbox `prec_from_residuals(method=…)`).
 *  - score: Spearman (Pearson of average ranks, ties averaged) or Pearson between the layer's RDM
 *    and the brain RDM, per subject and time.
 */
import { SimspecError } from '../../../core/errors';
import type { Matrix, NDArray } from '../../../core/matrix';
import { gram, identity, multiplyTransposed, solve } from '../../../linalg';
import { averageRanks } from '../../../stats/ranks';
import { rdmFromResponses } from '../rdm';
import { residualCovariance, type NoiseMethod } from './shrinkage';

export interface TimeAxisSpec {
  /** Seconds of every stored sample. */
  times: Float64Array;
  window?: { start: number; end: number };
  step: number;
  average: number;
}

/** The kept samples (indices into the stored time axis) and, per kept sample, the samples averaged. */
export function keptSamples(spec: TimeAxisSpec): { indices: number[]; seconds: number[]; spans: [number, number][] } {
  const T = spec.times.length;
  const inWindow: number[] = [];
  for (let k = 0; k < T; k++) {
    const t = spec.times[k]!;
    if (!spec.window || (t >= spec.window.start - 1e-12 && t <= spec.window.end + 1e-12)) inWindow.push(k);
  }
  const indices = inWindow.filter((_, i) => i % spec.step === 0);
  const last = inWindow.length ? inWindow[inWindow.length - 1]! : -1;
  const spans = indices.map((k): [number, number] => [k, Math.min(k + spec.average - 1, last)]);
  return { indices, seconds: indices.map((k) => spec.times[k]!), spans };
}

export type TimeRdmMethod = 'correlation' | 'euclidean' | 'crossnobis';

/** Per-time condensed RDMs of one subject: kept samples × pairs (row-major). */
export function timeRdms(course: NDArray, spans: readonly [number, number][], method: TimeRdmMethod, noise: NoiseMethod | 'none', origin: { file?: string; variable?: string }): Float64Array {
  const n = course.shape[1]!;
  const pairs = (n * (n - 1)) / 2;
  const out = new Float64Array(spans.length * pairs);
  const per = course.data.length / course.shape[0]!;
  const mean = (a: number, b: number): Float64Array => {
    const m = new Float64Array(per);
    for (let k = a; k <= b; k++) for (let j = 0; j < per; j++) m[j]! += course.data[k * per + j]!;
    for (let j = 0; j < per; j++) m[j]! /= b - a + 1;
    return m;
  };
  spans.forEach(([a, b], i) => {
    const slice = mean(a, b);
    let rdm: Float64Array;
    if (course.shape.length === 2) rdm = slice;
    else if (course.shape.length === 3) rdm = fastRdm(slice, n, course.shape[2]!, method) ?? rdmFromResponses({ rows: n, cols: course.shape[2]!, data: slice }, method === 'crossnobis' ? 'euclidean' : method, origin).condensed;
    else {
      const r = course.shape[2]!;
      const u = course.shape[3]!;
      if (method === 'crossnobis') rdm = crossnobisAtTime(slice, n, r, u, noise, { ...origin, variable: `${origin.variable ?? ''} (time sample ${a})` });
      else rdm = rdmFromResponses(meanOverRepeats(slice, n, r, u), method, origin).condensed;
    }
    out.set(rdm, i * pairs);
  });
  return out;
}

/**
 * Correlation (1 − r) or euclidean (squared / P) RDM of an n × P slice through one Gram product of
 * row-standardised (correlation) or column-centred (euclidean) patterns — the formulas of
 * rdmFromResponses (docs/metrics.md §2.1) without its per-call checks. Undefined when a pattern is
 * (nearly) constant, so that the caller takes the checked path and its NaN reason.
 */
function fastRdm(x: Float64Array, n: number, p: number, method: TimeRdmMethod): Float64Array | undefined {
  const z = new Float64Array(n * p);
  if (method === 'correlation') {
    for (let i = 0; i < n; i++) {
      let mean = 0;
      for (let j = 0; j < p; j++) mean += x[i * p + j]!;
      mean /= p;
      let ss = 0;
      let scale = 0;
      for (let j = 0; j < p; j++) {
        const d = x[i * p + j]! - mean;
        z[i * p + j] = d;
        ss += d * d;
        scale += x[i * p + j]! ** 2;
      }
      if (!(ss > 1e-20 * scale) || ss === 0) return undefined;
      const inv = 1 / Math.sqrt(ss);
      for (let j = 0; j < p; j++) z[i * p + j]! *= inv;
    }
  } else {
    for (let j = 0; j < p; j++) {
      let mean = 0;
      for (let i = 0; i < n; i++) mean += x[i * p + j]!;
      mean /= n;
      for (let i = 0; i < n; i++) z[i * p + j] = x[i * p + j]! - mean;
    }
  }
  const g = gram({ rows: n, cols: p, data: z }).data;
  const out = new Float64Array((n * (n - 1)) / 2);
  let k = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      out[k++] = method === 'correlation' ? 1 - g[i * n + j]! : Math.max(0, g[i * n + i]! + g[j * n + j]! - 2 * g[i * n + j]!) / p;
    }
  }
  return out;
}

function meanOverRepeats(x: Float64Array, n: number, r: number, u: number): Matrix {
  const out = new Float64Array(n * u);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < u; j++) {
      let sum = 0;
      let count = 0;
      for (let k = 0; k < r; k++) {
        const v = x[(i * r + k) * u + j]!;
        if (!Number.isNaN(v)) {
          sum += v;
          count++;
        }
      }
      out[i * u + j] = sum / count;
    }
  }
  return { rows: n, cols: u, data: out };
}

/** Crossnobis RDM of stimuli × runs × sensors at one time sample, noise-normalised by its residual covariance. */
export function crossnobisAtTime(x: Float64Array, n: number, r: number, u: number, noise: NoiseMethod | 'none', origin: { file?: string; variable?: string }): Float64Array {
  for (const v of x) {
    if (Number.isNaN(v)) throw new SimspecError('crossnobis needs every stimulus in every run (a NaN repeat was found)', { ...origin, expected: 'no missing repeats', code: 'data.crossnobis-missing' });
  }
  const rows = n * r;
  const conditions = Float64Array.from({ length: rows }, (_, k) => Math.floor(k / r));
  const runs = Float64Array.from({ length: rows }, (_, k) => k % r);
  const data: Matrix = { rows, cols: u, data: x };
  let precision: Matrix | undefined;
  if (noise !== 'none') {
    const means = meanOverRepeats(x, n, r, u);
    const residuals = new Float64Array(rows * u);
    for (let k = 0; k < rows; k++) for (let j = 0; j < u; j++) residuals[k * u + j] = x[k * u + j]! - means.data[Math.floor(k / r) * u + j]!;
    const { covariance } = residualCovariance({ rows, cols: u, data: residuals }, rows - n, noise);
    precision = solve(covariance, identity(u));
  }
  return rdmFromResponses(data, 'crossnobis', { ...origin, conditions, runs, ...(precision ? { precision } : {}) }).condensed;
}

/** Each row standardised for a dot-product correlation: ranks first for Spearman; mean 0, norm 1. */
export function standardizeRows(m: Float64Array, rows: number, cols: number, spearman: boolean): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const row = m.subarray(i * cols, (i + 1) * cols);
    const v = spearman ? averageRanks(row) : Float64Array.from(row);
    let mean = 0;
    for (const x of v) mean += x;
    mean /= cols;
    let ss = 0;
    for (let j = 0; j < cols; j++) {
      v[j]! -= mean;
      ss += v[j]! ** 2;
    }
    const norm = Math.sqrt(ss);
    for (let j = 0; j < cols; j++) out[i * cols + j] = norm > 0 ? v[j]! / norm : Number.NaN;
  }
  return out;
}

/** Correlation of every row of A (a × p) with every row of B (b × p), both standardised: a × b. */
export function rowCorrelations(a: Float64Array, aRows: number, b: Float64Array, bRows: number, cols: number): Float64Array {
  return multiplyTransposed({ rows: aRows, cols, data: a }, { rows: bRows, cols, data: b }).data as Float64Array;
}
