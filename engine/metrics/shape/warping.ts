/**
 * Warping index (docs/metrics.md §6.1):  W = d_orth − d_lin
 *   d_orth = angular shape distance at α = 1 (rotations/reflections),
 *   d_lin  = angular shape distance at α = α_lin (0 by default: any invertible linear map),
 * both with the same centring, whitening mode, reduction and CV regime (held-out scores when folds
 * are given). W > 0: allowing linear warps removes part of the distance that rotations leave, i.e.
 * warping is needed. "Linear minus orthogonal" is −W. W is NOT sign-definite: whitening upweights
 * low-variance directions, so two networks that agree where the variance is can give W < 0.
 * Not a metric (a difference of two pseudometrics). Also reported: W/d_orth and d(α) on a grid.
 * Refused on training rows when a (reduced) network has p ≥ n − 1: there d_lin = 0 for any two
 * full-rank networks (§4.3), so W would only restate d_orth.
 */
import type { Matrix } from '../../core/matrix';
import { SimspecError } from '../../core/errors';
import { crossValidatedShapeDistance, type ShapeFold } from './crossValidated';
import { shapeDistance } from './distance';
import type { ShapeOptions } from './options';

export interface WarpingOptions extends Omit<ShapeOptions, 'group' | 'alpha' | 'score'> {
  /** α of d_lin (default 0). */
  linearAlpha?: number;
  /** α values for the curve d(α) (default 0, 0.25, 0.5, 0.75, 1). */
  alphaGrid?: number[];
  /** Held-out regime: every distance is the mean test distance over these folds. */
  folds?: readonly ShapeFold[];
}

export interface WarpingIndexResult {
  warpingIndex: number;
  label: string;
  orthogonalDistance: number;
  linearDistance: number;
  linearAlpha: number;
  /** W / d_orth (NaN when d_orth = 0). */
  relative: number;
  curve: { alpha: number; distance: number }[];
  regime: 'training rows' | 'held-out rows (cross-validated)';
}

export function warpingIndex(x: Matrix, y: Matrix, options: WarpingOptions = {}): WarpingIndexResult {
  const linearAlpha = options.linearAlpha ?? 0;
  const grid = options.alphaGrid ?? [0, 0.25, 0.5, 0.75, 1];
  const { folds, linearAlpha: _a, alphaGrid: _g, ...shape } = options;
  if (!folds) {
    const k = shape.reduce?.components ?? Infinity;
    const widest = Math.max(Math.min(x.cols, k), Math.min(y.cols, k));
    if (widest >= x.rows - 1) {
      throw new SimspecError(
        `a network has ${widest} columns for ${x.rows} stimuli, so the linear-group distance is 0 for any two full-rank networks and the warping index is meaningless`,
        { variable: 'reduce', expected: `PCA to fewer than ${x.rows - 1} components, or cross-validation folds`, code: 'metric.degenerate' },
      );
    }
  }
  const distance = (alpha: number): number => {
    const opts: ShapeOptions = { ...shape, group: alpha === 1 ? 'orthogonal' : 'linear', alpha, score: 'angular' };
    return folds ? crossValidatedShapeDistance(x, y, folds, opts).distance : shapeDistance(x, y, opts).distance;
  };
  const orthogonalDistance = distance(1);
  const linearDistance = distance(linearAlpha);
  const w = orthogonalDistance - linearDistance;
  return {
    warpingIndex: w,
    label: `W = d_orth − d_lin(α=${linearAlpha}) (angular; > 0 means linear warps remove distance that rotations leave)`,
    orthogonalDistance,
    linearDistance,
    linearAlpha,
    relative: orthogonalDistance === 0 ? NaN : w / orthogonalDistance,
    curve: grid.map((alpha) => ({ alpha, distance: alpha === 1 ? orthogonalDistance : alpha === linearAlpha ? linearDistance : distance(alpha) })),
    regime: folds ? 'held-out rows (cross-validated)' : 'training rows',
  };
}
