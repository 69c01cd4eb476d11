/**
 * Convolutional shape metric (netrep `convolve_metric`, docs/metrics.md §4.6; Williams et al. 2021
 * §"convolutional layers"). Inputs are n × h × w × c (channels last); channels are the units and
 * every (stimulus, position) is a row. For each circular spatial shift (Δi, Δj) = (i − ⌊h/2⌋,
 * j − ⌊w/2⌋), X is rolled by (Δi, Δj) and both are flattened to (n·h·w) × c, then fitted and
 * scored with the chosen shape metric. Result: an h × w map with zero shift at the centre; the
 * translation-invariant distance is its MINIMUM (a metric up to the min over the shift group).
 * The map of X vs X is 0 only at the centre (its mean is not 0).
 * Efficiency: a shift only permutes the rows of X, which leaves its column means and scatter —
 * hence its factor U diag(σ)Vᵀ up to a row permutation — unchanged; each network is factorised
 * once and every shift costs one (r_x × r_y) alignment instead of a full netrep fit.
 */
import type { Matrix, NDArray } from '../../core/matrix';
import { SimspecError } from '../../core/errors';
import { crossProduct } from '../../linalg';
import { factorizeNetwork, scaleFreeFactor, type NetworkFactor } from '../common/factor';
import { alignFactors, trainingLinearScore } from './linearShape';
import { resolveShapeOptions, type ShapeOptions } from './options';
import { centredData } from './distance';
import { solveLinearAssignment } from '../common/assignment';
import { frobenius, scoreFromInner } from './permutationShape';

export interface ConvolutionalShapeResult {
  /** h × w distances; entry [i][j] is the shift (i − ⌊h/2⌋, j − ⌊w/2⌋) of X. */
  map: number[][];
  distance: number;
  /** Shift (Δi, Δj) attaining the minimum. */
  bestShift: [number, number];
}

function check4d(a: NDArray, label: string): [number, number, number, number] {
  if (a.shape.length !== 4) {
    throw new SimspecError(`${label} has shape (${a.shape.join(', ')})`, { variable: label, expected: 'a 4-D array stimuli × height × width × channels', code: 'data.shape' });
  }
  return a.shape as unknown as [number, number, number, number];
}

/** Row index of (stimulus s, position (i, j)) after rolling by (di, dj): np.roll semantics. */
function rolledRowOrder(n: number, h: number, w: number, di: number, dj: number): Int32Array {
  const order = new Int32Array(n * h * w);
  for (let s = 0; s < n; s++) {
    for (let i = 0; i < h; i++) {
      for (let j = 0; j < w; j++) {
        // rolled[s, i, j] = original[s, (i − di) mod h, (j − dj) mod w]
        const si = (((i - di) % h) + h) % h;
        const sj = (((j - dj) % w) + w) % w;
        order[(s * h + i) * w + j] = (s * h + si) * w + sj;
      }
    }
  }
  return order;
}

function permuteRows(m: Matrix, order: Int32Array): Matrix {
  const out = new Float64Array(m.data.length);
  for (let r = 0; r < m.rows; r++) out.set(m.data.subarray(order[r]! * m.cols, (order[r]! + 1) * m.cols), r * m.cols);
  return { rows: m.rows, cols: m.cols, data: out };
}

export function convolutionalShapeDistance(x: NDArray, y: NDArray, options: ShapeOptions = {}): ConvolutionalShapeResult {
  const o = resolveShapeOptions(options);
  const [n, h, w, c] = check4d(x, o.labels.x);
  const [n2, h2, w2, c2] = check4d(y, o.labels.y);
  if (n !== n2 || h !== h2 || w !== w2) {
    throw new SimspecError(`${o.labels.x} is ${n}×${h}×${w}×${c} but ${o.labels.y} is ${n2}×${h2}×${w2}×${c2}`, {
      variable: o.labels.y,
      expected: `the same stimuli, height and width (${n}×${h}×${w}×…)`,
      code: 'data.shape',
    });
  }
  if (o.reduce) throw new SimspecError('reduce is not supported with the convolutional metric', { variable: 'reduce', code: 'spec.value' });
  const xm: Matrix = { rows: n * h * w, cols: c, data: x.data };
  const ym: Matrix = { rows: n * h * w, cols: c2, data: y.data };
  const map: number[][] = [];
  let best = Infinity;
  let bestShift: [number, number] = [0, 0];
  let scoreShift: (order: Int32Array) => number;
  if (o.group === 'permutation') {
    const xc = centredData(xm, o.center);
    const yc = centredData(ym, o.center);
    const nx = frobenius(xc);
    const ny = frobenius(yc);
    scoreShift = (order) => {
      const cross = crossProduct(permuteRows(xc, order), yc);
      const a = solveLinearAssignment(cross, { maximize: true });
      return scoreFromInner(a.total, nx, ny, o.score);
    };
  } else {
    let fx: NetworkFactor = factorizeNetwork(xm, { center: o.center, route: o.route });
    let fy: NetworkFactor = factorizeNetwork(ym, { center: o.center, route: o.route });
    if (o.whitening === 'scale-free') {
      fx = scaleFreeFactor(fx);
      fy = scaleFreeFactor(fy);
    }
    const width = Math.max(c, c2);
    scoreShift = (order) => trainingLinearScore(alignFactors({ ...fx, u: permuteRows(fx.u, order) }, fy, o.alpha, width), o.score);
  }
  for (let i = 0; i < h; i++) {
    const row: number[] = [];
    for (let j = 0; j < w; j++) {
      const shift: [number, number] = [i - Math.floor(h / 2), j - Math.floor(w / 2)];
      const d = scoreShift(rolledRowOrder(n, h, w, shift[0], shift[1]));
      row.push(d);
      if (d < best) {
        best = d;
        bestShift = shift;
      }
    }
    map.push(row);
  }
  return { map, distance: best, bestShift };
}
