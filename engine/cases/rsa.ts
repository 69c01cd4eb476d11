/**
 * `simspec score --case` handlers for the RSA family: metric ids `rdm`, `rdm_compare`,
 * `noise_ceiling` (groups of the same names in test/fixtures/reference/).
 *  - rdm: rsatoolbox `calc_rdm` params (`method`, `descriptor`, `cv_descriptor`, `noise`,
 *    `prior_lambda`, `prior_weight`) or scipy `pdist` params (`metric`); inputs X, cond, run, precision.
 *  - rdm_compare: rsatoolbox `method`, or scipy `function` ('spearmanr' | 'kendalltau', `variant` 'b'
 *    or 'a'); inputs rdm1, rdm2.
 *  - noise_ceiling: rsatoolbox `boot_noise_ceiling` (`method`; optional `convention`); input rdms.
 */
import { SimspecError } from '../core/errors';
import { identity } from '../linalg';
import { ndarrayToMatrix, type Matrix, type NDArray } from '../core/matrix';
import { compareRdms, noiseCeiling, rdmFromResponses, type NoiseCeilingConvention, type RdmOptions } from '../metrics/rsa';
import type { CaseHandlers, ReferenceCase } from './types';

function input(c: ReferenceCase, name: string): NDArray {
  const a = c.inputs[name];
  if (!a) throw new SimspecError(`case ${c.name} has no input '${name}'`, { file: c.dir, variable: name, code: 'case.input' });
  return a;
}

function rdmCase(c: ReferenceCase): number[] {
  const p = c.params;
  const x = ndarrayToMatrix(input(c, 'X'));
  if (typeof p.metric === 'string') {
    return Array.from(rdmFromResponses(x, p.metric, { convention: 'scipy' }).condensed);
  }
  const method = String(p.method);
  const options: RdmOptions = { convention: 'rsatoolbox' };
  if (p.descriptor !== undefined && p.descriptor !== null) options.conditions = input(c, String(p.descriptor)).data;
  if (p.cv_descriptor !== undefined && p.cv_descriptor !== null) options.runs = input(c, String(p.cv_descriptor)).data;
  if (p.noise === 'identity') options.precision = identity(x.cols);
  else if (typeof p.noise === 'string') options.precision = ndarrayToMatrix(input(c, p.noise.replace(/\.npy$/, '')));
  if (typeof p.prior_lambda === 'number') options.priorLambda = p.prior_lambda;
  if (typeof p.prior_weight === 'number') options.priorWeight = p.prior_weight;
  return Array.from(rdmFromResponses(x, method, options).condensed);
}

function compareCase(c: ReferenceCase): number {
  const p = c.params;
  const a = input(c, 'rdm1').data;
  const b = input(c, 'rdm2').data;
  let method: string;
  if (typeof p.function === 'string') {
    if (p.function === 'spearmanr') method = 'spearman';
    else if (p.function === 'kendalltau') method = p.variant === 'a' ? 'tau-a' : 'tau-b';
    else if (p.function === 'pearsonr') method = 'corr';
    else throw new SimspecError(`unknown scipy function '${p.function}'`, { file: c.dir, expected: 'spearmanr, kendalltau or pearsonr', code: 'case.params' });
  } else method = String(p.method);
  return compareRdms(a, b, method).value;
}

function noiseCeilingCase(c: ReferenceCase): { lower: number; upper: number } {
  const p = c.params;
  const rdms: Matrix = ndarrayToMatrix(input(c, 'rdms'));
  const convention = (typeof p.convention === 'string' ? p.convention : 'rsatoolbox') as NoiseCeilingConvention;
  const nc = noiseCeiling(rdms, String(p.method ?? 'spearman'), convention);
  return { lower: nc.lower, upper: nc.upper };
}

export const caseHandlers: CaseHandlers = {
  rdm: rdmCase,
  rdm_compare: compareCase,
  noise_ceiling: noiseCeilingCase,
};
