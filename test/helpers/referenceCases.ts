/**
 * Shared loader for the peers' reference case folders (test/fixtures/reference/<case>/expected.json
 * + .npy inputs) and the tolerance check |got − want| ≤ atol + rtol·|want|, elementwise.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readNpy } from '../../engine/io';
import type { NDArray } from '../../engine/core/matrix';
import type { ReferenceCase } from '../../engine/cases/types';

export const REFERENCE_ROOT = join(__dirname, '..', 'fixtures', 'reference');

export interface ExpectedCase {
  name: string;
  group: string;
  metric: string;
  params: Record<string, unknown>;
  inputs: Record<string, { file: string; shape: number[] }>;
  value: unknown;
  tolerance: { rtol: number; atol: number };
  extra?: Record<string, unknown>;
}

export interface LoadedCase {
  dir: string;
  expected: ExpectedCase;
}

/** Every case folder whose group is one of `groups` (all groups when omitted). */
export function referenceCases(groups?: readonly string[]): LoadedCase[] {
  return readdirSync(REFERENCE_ROOT)
    .filter((d) => existsSync(join(REFERENCE_ROOT, d, 'expected.json')))
    .map((d) => ({ dir: join(REFERENCE_ROOT, d), expected: JSON.parse(readFileSync(join(REFERENCE_ROOT, d, 'expected.json'), 'utf8')) as ExpectedCase }))
    .filter((c) => !groups || groups.includes(c.expected.group));
}

/** The case as a handler sees it: metric, params and inputs — never the expected value. */
export async function toReferenceCase({ dir, expected }: LoadedCase): Promise<ReferenceCase> {
  const inputs: Record<string, NDArray> = {};
  for (const [role, { file }] of Object.entries(expected.inputs)) inputs[role] = await readNpy(join(dir, file));
  return { name: expected.name, group: expected.group, metric: expected.metric, params: expected.params, inputs, dir };
}

export function flattenNumbers(v: unknown, path = ''): Array<[string, number]> {
  if (typeof v === 'number') return [[path, v]];
  if (v === null) return [[path, Number.NaN]];
  if (Array.isArray(v)) return v.flatMap((x, i) => flattenNumbers(x, `${path}[${i}]`));
  if (v && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => flattenNumbers(x, `${path}.${k}`));
  throw new Error(`unexpected value at ${path}: ${String(v)}`);
}

/** Compare every number of `want` (nested lists/objects) with the same path in `got`. */
export function assertWithinTolerance(got: unknown, want: unknown, { rtol, atol }: { rtol: number; atol: number }, label: string): void {
  const gotByPath = new Map(flattenNumbers(got));
  for (const [path, w] of flattenNumbers(want)) {
    const g = gotByPath.get(path);
    assert.ok(g !== undefined, `${label}${path}: missing in the result`);
    if (Number.isNaN(w) && Number.isNaN(g)) continue;
    assert.ok(Math.abs(g - w) <= atol + rtol * Math.abs(w), `${label}${path}: got ${g}, want ${w} (diff ${Math.abs(g - w)})`);
  }
}
