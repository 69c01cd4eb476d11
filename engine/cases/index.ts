/**
 * `simspec score --case DIR`: run a reference case folder (the format of the peers' fixtures).
 * `DIR/case.json`, or `DIR/expected.json` when there is none, names the metric id, the params and
 * the input .npy files. The expected `value` is never read: the case is rebuilt from metric, params
 * and inputs only, so that anyone can check simspec against another tool's numbers.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SimspecError } from '../core/errors';
import type { NDArray } from '../core/matrix';
import { readArray } from '../io';
import { caseHandlers as regressionHandlers } from './regression';
import { caseHandlers as rsaHandlers } from './rsa';
import { caseHandlers as shapeHandlers } from './shape';
import { knnCaseHandlers } from '../families/knn';
import type { CaseHandlers, ReferenceCase } from './types';

export const allCaseHandlers: CaseHandlers = { ...rsaHandlers, ...regressionHandlers, ...shapeHandlers, ...knnCaseHandlers };

export async function loadCase(dir: string): Promise<ReferenceCase> {
  const caseFile = existsSync(join(dir, 'case.json')) ? join(dir, 'case.json') : join(dir, 'expected.json');
  if (!existsSync(caseFile)) throw new SimspecError('no case.json or expected.json in the case folder', { file: dir, expected: 'a reference case folder', code: 'case.missing' });
  let description: Record<string, unknown>;
  try {
    description = JSON.parse(readFileSync(caseFile, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new SimspecError(`not valid JSON: ${(e as Error).message}`, { file: caseFile, code: 'case.json' });
  }
  const { value: _ignored, ...rest } = description;
  void _ignored;
  if (typeof rest.metric !== 'string') throw new SimspecError('the case names no metric', { file: caseFile, expected: 'a "metric" field', code: 'case.metric' });
  const inputs: Record<string, NDArray> = {};
  for (const [role, spec] of Object.entries((rest.inputs ?? {}) as Record<string, { file?: string } | string>)) {
    const file = typeof spec === 'string' ? spec : spec.file ?? `${role}.npy`;
    inputs[role] = await readArray(join(dir, file));
  }
  return { name: String(rest.name ?? dir), group: String(rest.group ?? ''), metric: rest.metric, params: (rest.params ?? {}) as Record<string, unknown>, inputs, dir };
}

export async function runCase(dir: string): Promise<unknown> {
  const referenceCase = await loadCase(dir);
  const handler = allCaseHandlers[referenceCase.metric];
  if (!handler) {
    throw new SimspecError(`unknown metric id '${referenceCase.metric}'`, { file: dir, expected: `one of ${Object.keys(allCaseHandlers).sort().join(', ')}`, code: 'case.unknown-metric' });
  }
  return handler(referenceCase);
}
