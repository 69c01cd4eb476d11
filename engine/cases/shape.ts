/**
 * `simspec score --case` handlers for shape metrics, CKA and CCA (reference groups `shape`, `cka`,
 * `cca` in test/fixtures/reference/). Params are netrep's / the generators' names:
 *  - shape_metric: netrep LinearMetric (`alpha`) or PermutationMetric (no `alpha`), with
 *    `center_columns`, `zero_pad`, `score_method`; inputs X, Y. Value: the distance.
 *  - shape_metric_cv: the same fitted on `train_idx`, scored on `test_idx`. Value: test distance.
 *  - angular_cka: netrep LinearCKA.score (`center_columns`). Value: arccos(linear CKA).
 *  - cka_linear_biased / cka_linear_unbiased: Kornblith / Song et al. estimators. Value: CKA.
 *  - cca: `center`. Value: { canonical_correlations, mean_cca, mean_sq_cca }.
 *  - svcca: `variance_kept` or `components`, `center`. Value: { k_x, k_y, canonical_correlations, svcca }.
 */
import { SimspecError } from '../core/errors';
import { ndarrayToMatrix, type Matrix } from '../core/matrix';
import { crossValidatedShapeDistance, shapeDistance, type ShapeOptions } from '../metrics/shape';
import { angularLinearCka, linearCka, unbiasedLinearCka } from '../metrics/cka';
import { canonicalCorrelations, svcca } from '../metrics/cca';
import type { CaseHandlers, ReferenceCase } from './types';

function matrix(c: ReferenceCase, name: string): Matrix {
  const a = c.inputs[name];
  if (!a) throw new SimspecError(`case ${c.name} has no input '${name}'`, { file: c.dir, variable: name, code: 'case.input' });
  return ndarrayToMatrix(a);
}

function indices(c: ReferenceCase, key: string): number[] {
  const v = c.params[key];
  if (!Array.isArray(v) || !v.every((i) => Number.isInteger(i))) {
    throw new SimspecError(`case ${c.name}: params.${key} is not a list of row indices`, { file: c.dir, variable: `params.${key}`, expected: 'a list of 0-based integers', code: 'case.params' });
  }
  return v as number[];
}

/** netrep constructor arguments → ShapeOptions. No `alpha` means PermutationMetric. */
function netrepOptions(p: Record<string, unknown>): ShapeOptions {
  const options: ShapeOptions = {
    center: p.center_columns === undefined ? true : Boolean(p.center_columns),
    zeroPad: p.zero_pad === undefined ? true : Boolean(p.zero_pad),
    score: p.score_method === 'euclidean' ? 'euclidean' : 'angular',
  };
  if (typeof p.alpha === 'number') {
    options.group = p.alpha > 1 - 1e-7 ? 'orthogonal' : 'linear';
    options.alpha = p.alpha > 1 - 1e-7 ? 1 : p.alpha;
  } else {
    options.group = 'permutation';
  }
  return options;
}

export const shapeCaseHandlers: CaseHandlers = {
  shape_metric: (c) => shapeDistance(matrix(c, 'X'), matrix(c, 'Y'), netrepOptions(c.params)).distance,
  shape_metric_cv: (c) =>
    crossValidatedShapeDistance(matrix(c, 'X'), matrix(c, 'Y'), [{ train: indices(c, 'train_idx'), test: indices(c, 'test_idx') }], netrepOptions(c.params)).distance,
};

export const ckaCaseHandlers: CaseHandlers = {
  angular_cka: (c) => angularLinearCka(matrix(c, 'X'), matrix(c, 'Y'), { center: c.params.center_columns === undefined ? true : Boolean(c.params.center_columns) }),
  cka_linear_biased: (c) => linearCka(matrix(c, 'X'), matrix(c, 'Y')),
  cka_linear_unbiased: (c) => unbiasedLinearCka(matrix(c, 'X'), matrix(c, 'Y'), { variant: 'kornblith' }),
};

export const ccaCaseHandlers: CaseHandlers = {
  cca: (c) => {
    const r = canonicalCorrelations(matrix(c, 'X'), matrix(c, 'Y'), { center: c.params.center === undefined ? true : Boolean(c.params.center) });
    return { canonical_correlations: r.canonicalCorrelations, mean_cca: r.meanCca, mean_sq_cca: r.meanSquaredCca };
  },
  svcca: (c) => {
    const p = c.params;
    const r = svcca(matrix(c, 'X'), matrix(c, 'Y'), {
      center: p.center === undefined ? true : Boolean(p.center),
      ...(typeof p.components === 'number' ? { components: p.components } : {}),
      ...(typeof p.variance_kept === 'number' ? { varianceKept: p.variance_kept } : {}),
    });
    return { k_x: r.k.x, k_y: r.k.y, canonical_correlations: r.canonicalCorrelations, svcca: r.svcca };
  },
};

/** Every handler of the reference groups `shape`, `cka` and `cca`. */
export const caseHandlers: CaseHandlers = { ...shapeCaseHandlers, ...ckaCaseHandlers, ...ccaCaseHandlers };
