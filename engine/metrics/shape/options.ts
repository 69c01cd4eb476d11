/**
 * Options of the generalised shape metrics and their validation. Defaults follow netrep
 * (centred columns, zero padding, netrep whitening) with the angular score (recommended,
 * docs/metrics.md §4.2).
 */
import type { Matrix } from '../../core/matrix';
import { SimspecError } from '../../core/errors';
import type { RouteChoice } from '../common/factor';
import type { ShapeScore } from './linearShape';

export type ShapeGroup = 'permutation' | 'orthogonal' | 'linear';

export type Reduction =
  | { method: 'pca'; components: number }
  | { method: 'random-projection'; components: number; seed: number };

export interface ShapeOptions {
  /** Default 'orthogonal'. */
  group?: ShapeGroup;
  /** Partial whitening for the linear group, in [0, 1] (default 0 = full whitening); 'orthogonal' means α = 1. */
  alpha?: number;
  /** Default 'angular'. */
  score?: ShapeScore;
  /** Subtract column means (training means under CV). Default true. */
  center?: boolean;
  /** 'netrep' (default, [parity]: depends on data scale for 0 < α < 1) or 'scale-free' (X̃/‖X̃‖ first). */
  whitening?: 'netrep' | 'scale-free';
  /** Append zero columns to the narrower network (netrep). Default true; when false widths must match. */
  zeroPad?: boolean;
  /** PCA (fitted on training rows) or a seeded Gaussian random projection, per network, before the metric. */
  reduce?: Reduction;
  /** Feature-space SVD or n × n Gram route; 'auto' picks the cheaper per network (p < n ⇒ feature). */
  route?: RouteChoice;
  /** Names the inputs in error messages. */
  labels?: { x?: string; y?: string };
}

export interface ResolvedShapeOptions {
  group: ShapeGroup;
  alpha: number;
  score: ShapeScore;
  center: boolean;
  whitening: 'netrep' | 'scale-free';
  zeroPad: boolean;
  reduce: Reduction | null;
  route: RouteChoice;
  labels: { x: string; y: string };
}

export function resolveShapeOptions(options: ShapeOptions = {}): ResolvedShapeOptions {
  const group = options.group ?? 'orthogonal';
  if (!['permutation', 'orthogonal', 'linear'].includes(group)) {
    throw new SimspecError(`unknown shape-metric group '${String(group)}'`, { variable: 'group', expected: 'permutation, orthogonal or linear', code: 'spec.value' });
  }
  let alpha: number;
  if (group === 'linear') alpha = options.alpha ?? 0;
  else if (group === 'orthogonal') alpha = options.alpha ?? 1;
  else alpha = 1;
  if (!(alpha >= 0 && alpha <= 1)) {
    throw new SimspecError(`alpha = ${alpha} is outside [0, 1]`, { variable: 'alpha', expected: 'a number in [0, 1] (1 = orthogonal, 0 = full whitening)', code: 'spec.range' });
  }
  if (group === 'orthogonal' && alpha !== 1) {
    throw new SimspecError(`group 'orthogonal' means alpha = 1, got alpha = ${alpha}`, { variable: 'alpha', expected: "group 'linear' for partial whitening", code: 'spec.value' });
  }
  if (group === 'permutation' && options.alpha !== undefined && options.alpha !== 1) {
    throw new SimspecError('the permutation group takes no whitening alpha', { variable: 'alpha', expected: 'no alpha with group permutation', code: 'spec.value' });
  }
  const score = options.score ?? 'angular';
  if (score !== 'angular' && score !== 'euclidean') {
    throw new SimspecError(`unknown score '${String(score)}'`, { variable: 'score', expected: 'angular or euclidean', code: 'spec.value' });
  }
  const reduce = options.reduce ?? null;
  if (reduce) {
    if (!Number.isInteger(reduce.components) || reduce.components < 1) {
      throw new SimspecError(`reduce.components = ${reduce.components} is not a positive integer`, { variable: 'reduce.components', expected: 'an integer ≥ 1', code: 'spec.range' });
    }
    if (reduce.method === 'random-projection' && !(Number.isInteger(reduce.seed) && reduce.seed >= 0)) {
      throw new SimspecError('a random projection needs an integer seed ≥ 0', { variable: 'reduce.seed', expected: 'an integer ≥ 0', code: 'spec.range' });
    }
  }
  return {
    group,
    alpha,
    score,
    center: options.center ?? true,
    whitening: options.whitening ?? 'netrep',
    zeroPad: options.zeroPad ?? true,
    reduce,
    route: options.route ?? 'auto',
    labels: { x: options.labels?.x ?? 'X', y: options.labels?.y ?? 'Y' },
  };
}

export function checkShapeInputs(x: Matrix, y: Matrix, o: ResolvedShapeOptions): void {
  if (x.rows !== y.rows) {
    throw new SimspecError(`${o.labels.x} has ${x.rows} rows but ${o.labels.y} has ${y.rows}`, {
      variable: o.labels.y,
      expected: `${x.rows} rows (one per stimulus, in the same order)`,
      code: 'data.rows',
    });
  }
  if (x.rows < 2) {
    throw new SimspecError(`${o.labels.x} has ${x.rows} row(s)`, { variable: o.labels.x, expected: 'at least 2 stimuli', code: 'data.rows' });
  }
  for (const [m, label] of [[x, o.labels.x], [y, o.labels.y]] as const) {
    for (let k = 0; k < m.data.length; k++) {
      if (!Number.isFinite(m.data[k]!)) {
        throw new SimspecError(`non-finite value at row ${Math.floor(k / m.cols)}, column ${k % m.cols}`, {
          variable: label,
          expected: 'finite numbers (remove or impute NaN/Inf first)',
          code: 'data.nonfinite',
        });
      }
    }
  }
  if (!o.zeroPad && x.cols !== y.cols && !o.reduce) {
    throw new SimspecError(`${o.labels.x} has ${x.cols} columns but ${o.labels.y} has ${y.cols} and zero padding is off`, {
      variable: o.labels.y,
      expected: `${x.cols} columns, or zeroPad: true, or a reduction to a common width`,
      code: 'data.cols',
    });
  }
}
