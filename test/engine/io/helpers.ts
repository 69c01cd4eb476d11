import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SimspecError } from '../../../engine/core/errors';

export const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'io');
export const fixture = (...parts: string[]): string => join(FIXTURES, ...parts);
export const KRIEGESKORTE = join(__dirname, '..', '..', '..', 'samples', 'kriegeskorte2008', 'data');
export const ALGONAUTS = join(__dirname, '..', '..', '..', 'samples', 'algonauts2019', 'data');

/** What numpy/scipy reported for each fixture when writing it (make_fixtures.py). */
export interface Expectation { shape: number[]; dtype?: string; data: number[] }
export const expected: Record<string, Expectation> = JSON.parse(readFileSync(fixture('expected.json'), 'utf-8'), (_key, v) =>
  v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v);

/** Assert that `promise` rejects with a SimspecError whose message matches every pattern. */
export async function rejectsWith(promise: Promise<unknown>, code: string, ...patterns: RegExp[]): Promise<SimspecError> {
  let error: unknown;
  try { await promise; } catch (e) { error = e; }
  assert.ok(error instanceof SimspecError, `expected a SimspecError, got ${String(error)}`);
  assert.equal(error.code, code, error.message);
  for (const p of patterns) assert.match(error.message, p);
  return error;
}

export function assertClose(got: ArrayLike<number>, want: ArrayLike<number>, atol = 0): void {
  assert.equal(got.length, want.length, 'length');
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!, w = want[i]!;
    if (Number.isNaN(w)) { assert.ok(Number.isNaN(g), `entry ${i}: ${g} is not NaN`); continue; }
    if (g === w) continue;
    assert.ok(Math.abs(g - w) <= atol, `entry ${i}: got ${g}, want ${w}`);
  }
}
