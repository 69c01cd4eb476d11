/**
 * `simspec check` refuses what `simspec run` refuses in the data (issue 13, item 9): NaN and Inf in
 * responses, a member whose CRC-32 does not match, 0 or 1 stimulus, a zero-width array. Each case:
 * check exits 1 before any run, its diagnostic sits on the layer's `file:` value (line:col), and its
 * message is word for word the one `run` gives. A valid twin of every file passes both, so the
 * checks are not refusing everything.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertClean, npy, npz, scratch, simspec } from './harness';

const STIMULI = 6;
const UNITS = 4;
/** Distinct, non-constant patterns (so the valid spec scores without a degenerate RDM). */
const values = (count: number) => Array.from({ length: count }, (_, i) => ((i * 7) % 11) / 10 + i / 100);

/** A folder with a valid brain file and a spec whose one layer is `layerFile` (`key` for archives). */
function folder(layerName: string, layerContent: Buffer, key?: string): { dir: string; spec: string } {
  const dir = scratch();
  writeFileSync(join(dir, 'brain.npy'), npy([STIMULI, UNITS], values(STIMULI * UNITS)));
  writeFileSync(join(dir, layerName), layerContent);
  const spec = join(dir, 'test.simspec.yaml');
  const source = key === undefined ? `{ file: ${layerName} }` : `{ file: ${layerName}, key: ${key} }`;
  writeFileSync(spec, ['simspec: 1', 'model:', '  layers:', `    m: ${source}`, 'brain:', '  b: { file: brain.npy }', 'comparisons:', '  - name: c', '    metric: rsa', ''].join('\n'));
  return { dir, spec };
}

/** The message after `error: ` on the first error line. */
function errorMessage(output: string): string {
  const match = /error: (.+)/.exec(output);
  assert.ok(match, `no error line in:\n${output}`);
  return match[1]!;
}

async function assertCheckRefusesAsRun(layerName: string, content: Buffer, expected: RegExp[], key?: string): Promise<void> {
  const { dir, spec } = folder(layerName, content, key);
  const checked = await simspec(['check', spec], { cwd: dir });
  // Line 4 is `m: { file: ... }`; the diagnostic is on the file's value (column 16 is where it starts).
  assertClean(checked, 1, /test\.simspec\.yaml:4:16: error:/, ...expected);
  const ran = await simspec(['run', '--no-cache', spec], { cwd: dir });
  assertClean(ran, 1, ...expected);
  // The run's loader may name the file by its absolute path where check names it as the spec does.
  const relative = (message: string) => message.split(`${dir}/`).join('');
  assert.equal(relative(errorMessage(checked.stdout + checked.stderr)), relative(errorMessage(ran.stdout + ran.stderr)), 'check and run word the refusal the same');
}

test('check: NaN in a response matrix → refused as run refuses it, naming file, variable, index and expectation', async () => {
  const data = values(STIMULI * UNITS);
  data[1 * UNITS + 1] = NaN; // row 1, column 1
  await assertCheckRefusesAsRun('layer.npy', npy([STIMULI, UNITS], data), [/layer\.npy, variable '\(the only array\)': NaN at index \[1, 1\]/, /expected finite numbers/]);
});

test('check: +Inf in a response matrix → refused with its index', async () => {
  const data = values(STIMULI * UNITS);
  data[2 * UNITS + 3] = Infinity;
  await assertCheckRefusesAsRun('layer.npy', npy([STIMULI, UNITS], data), [/layer\.npy.*Infinity at index \[2, 3\]/, /expected finite numbers/]);
});

test('check: -Inf in an RDM → refused (an RDM may hold NaN on its diagonal, never an infinity)', async () => {
  const square = Array.from({ length: STIMULI * STIMULI }, (_, k) => Math.abs(Math.floor(k / STIMULI) - (k % STIMULI)));
  for (let i = 0; i < STIMULI; i++) square[i * STIMULI + i] = NaN; // allowed
  square[0 * STIMULI + 4] = -Infinity;
  const { dir, spec } = folder('rdm.npy', npy([STIMULI, STIMULI], square));
  writeFileSync(spec, ['simspec: 1', 'model:', '  layers:', '    m: { file: rdm.npy, kind: rdm }', 'brain:', '  b: { file: brain.npy }', 'comparisons:', '  - name: c', '    metric: rsa', ''].join('\n'));
  const checked = await simspec(['check', spec], { cwd: dir });
  assertClean(checked, 1, /rdm\.npy.*-Infinity at index \[0, 4\]/, /expected no infinite values/);
});

test('check: an .npz member whose CRC-32 does not match → refused as corrupt', async () => {
  const member = npy([STIMULI, UNITS], values(STIMULI * UNITS));
  await assertCheckRefusesAsRun('layer.npz', npz('x.npy', member, { crc: 0x12345678 }), [/layer\.npz/, /fails its CRC-32 check/], 'x');
});

test('check: 1 stimulus → refused (at least 2 stimuli), not only as a count mismatch', async () => {
  await assertCheckRefusesAsRun('layer.npy', npy([1, UNITS], values(UNITS)), [/layer\.npy.*1 stimulus in an array of shape \(1, 4\)/, /expected at least 2 stimuli/]);
});

test('check: 0 stimuli → refused', async () => {
  await assertCheckRefusesAsRun('layer.npy', npy([0, UNITS], []), [/layer\.npy.*0 stimuli in an array of shape \(0, 4\)/, /expected at least 2 stimuli/]);
});

test('check: a zero-width array (6 × 0) → refused (run used to score it NaN with exit 0)', async () => {
  await assertCheckRefusesAsRun('layer.npy', npy([STIMULI, 0], []), [/layer\.npy.*no units \(width 0\) in an array of shape \(6, 0\)/, /expected at least 1 unit per stimulus/]);
});

test('check: the same files without the defect pass check and run', async () => {
  const { dir, spec } = folder('layer.npz', npz('x.npy', npy([STIMULI, UNITS], values(STIMULI * UNITS))), 'x');
  assertClean(await simspec(['check', spec], { cwd: dir }), 0, /no errors/);
  assertClean(await simspec(['run', '--no-cache', spec], { cwd: dir }), 0);
});
