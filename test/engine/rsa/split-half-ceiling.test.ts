// The RSA ceiling from repeats (split-half over repeats, Spearman–Brown) against rsatoolbox's own
// calc_rdm and compare on the fixture test/fixtures/rsa-ceiling (generate.py, README.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readArray } from '../../../engine/io';
import { splitHalfRdmCeiling } from '../../../engine/metrics/rsa';
import { brainScoreSplitHalfSplits } from '../../../engine/stats/reliability';

const folder = join(__dirname, '..', '..', 'fixtures', 'rsa-ceiling');
const reference = JSON.parse(readFileSync(join(folder, 'reference.json'), 'utf8')) as {
  shape: number[];
  cases: { rdm: string; compare: string; ceiling: number; splits: { halfA: number[]; halfB: number[]; r: number; spearmanBrown: number }[] }[];
};

test('our repeat splits are the halves scikit-learn ShuffleSplit drew for the fixture', () => {
  const ours = brainScoreSplitHalfSplits(reference.shape[1]!, 10, 1);
  reference.cases[0]!.splits.forEach((s, k) => {
    assert.deepEqual(Array.from(ours[k]!.halfA).sort((a, b) => a - b), s.halfA, `split ${k} half A`);
    assert.deepEqual(Array.from(ours[k]!.halfB).sort((a, b) => a - b), s.halfB, `split ${k} half B`);
  });
});

for (const c of reference.cases) {
  test(`split-half RDM ceiling (${c.rdm} RDM, ${c.compare}) equals rsatoolbox per split and overall`, async () => {
    const repeats = await readArray(join(folder, 'repeats.npy'));
    const ours = splitHalfRdmCeiling(repeats, { rdm: c.rdm, compare: c.compare });
    assert.equal(ours.skipped, 0);
    c.splits.forEach((s, k) => {
      assert.ok(Math.abs(ours.splits[k]!.r - s.r) < 1e-12, `split ${k}: r ${ours.splits[k]!.r} vs rsatoolbox ${s.r}`);
      assert.ok(Math.abs(ours.splits[k]!.spearmanBrown - s.spearmanBrown) < 1e-12, `split ${k}: corrected`);
    });
    assert.ok(Math.abs(ours.ceiling - c.ceiling) < 1e-12, `ceiling ${ours.ceiling} vs rsatoolbox ${c.ceiling}`);
  });
}

test('a split whose half has no repeat of some stimulus is left out and counted, not NaN for the whole ceiling', async () => {
  const repeats = await readArray(join(folder, 'repeats.npy'));
  const [n, r, u] = repeats.shape as [number, number, number];
  const data = Float64Array.from(repeats.data);
  // Stimulus 0 keeps only repeat 0: every split whose other half lacks repeat 0 has no pattern for it.
  for (let k = 1; k < r; k++) for (let j = 0; j < u; j++) data[(0 * r + k) * u + j] = NaN;
  const ours = splitHalfRdmCeiling({ ...repeats, shape: [n, r, u], data }, { rdm: 'correlation', compare: 'spearman' });
  assert.equal(ours.skipped, ours.splits.length, 'repeat 0 is in one half only, so every split lacks stimulus 0 in the other');
  assert.ok(Number.isNaN(ours.ceiling));
});

test('the ceiling is unchanged by permuting units and by reordering stimuli consistently (invariance)', async () => {
  const repeats = await readArray(join(folder, 'repeats.npy'));
  const [n, r, u] = repeats.shape as [number, number, number];
  const base = splitHalfRdmCeiling(repeats, { rdm: 'correlation', compare: 'spearman' }).ceiling;
  const order = Array.from({ length: n }, (_, i) => (i * 5) % n);
  const units = Array.from({ length: u }, (_, j) => u - 1 - j);
  const data = new Float64Array(repeats.data.length);
  for (let i = 0; i < n; i++) for (let k = 0; k < r; k++) for (let j = 0; j < u; j++) data[(i * r + k) * u + j] = repeats.data[(order[i]! * r + k) * u + units[j]!]!;
  const moved = splitHalfRdmCeiling({ ...repeats, shape: [n, r, u], data }, { rdm: 'correlation', compare: 'spearman' }).ceiling;
  assert.ok(Math.abs(moved - base) < 1e-12);
});

// The run path: spec → loader → RSA family → results, against the same rsatoolbox values.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { writeNpy } from '../../../engine/io/npyWriter';
import { runSpec } from '../../../engine/run/execute';
import { checkSpec } from '../../../engine/spec';
import { createFileIntrospector } from '../../../engine/spec/introspector';

function runFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'simspec-rsa-ceiling-'));
  const [n] = reference.shape as [number];
  const model = Float64Array.from({ length: n * 5 }, (_, k) => Math.sin(k * 1.7) + Math.cos(k * 0.3));
  writeNpy(join(dir, 'model.npy'), [n, 5], model);
  writeFileSync(join(dir, 'plain.npy'), readFileSync(join(folder, 'repeats.npy')));
  return dir;
}

function spec(dir: string, statistics: string, compare = 'spearman', region = `{ file: ${join(folder, 'repeats.npy')}, kind: repeats }`): string {
  const file = join(dir, 'ceiling.simspec.yaml');
  writeFileSync(file, `simspec: 1\nmodel:\n  layers:\n    m: { file: model.npy }\nbrain:\n  region: ${region}\ncomparisons:\n  - name: rsa\n    metric: rsa\n    compare: ${compare}\n${statistics}`);
  return file;
}

test('a run gives the split-half ceiling of a single subject with repeats, by default and by name, equal to rsatoolbox', async () => {
  const dir = runFolder();
  try {
    for (const statistics of ['', '    statistics: { noise_ceiling: split-half }\n', '    statistics: { noise_ceiling: true }\n']) {
      for (const compare of ['spearman', 'corr']) {
        const results = await runSpec(spec(dir, statistics, compare), { write: false });
        const want = reference.cases.find((c) => c.rdm === 'correlation' && c.compare === compare)!.ceiling;
        const ceiling = results.scores[0]!.noiseCeiling;
        assert.ok(ceiling, `a ceiling with statistics '${statistics.trim()}'`);
        assert.ok(Math.abs(ceiling.lower - want) < 1e-12 && ceiling.upper === ceiling.lower, `${ceiling.lower} vs rsatoolbox ${want}`);
        assert.match(ceiling.convention, /split-half over repeats, Spearman–Brown/);
      }
    }
    const none = await runSpec(spec(dir, '    statistics: { noise_ceiling: leave-one-subject-out }\n'), { write: false });
    assert.equal(none.scores[0]!.noiseCeiling, undefined, 'leave-one-subject-out by name does not switch to split-half');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('noise_ceiling: split-half on a region without repeats: check warns, and the run warns with the same words', async () => {
  const dir = runFolder();
  try {
    // The repeats file read as a plain response matrix (stimuli × (repeats·units)): no repeats axis.
    writeFileSync(join(dir, 'flat.npy'), Buffer.alloc(0));
    const [n, r, u] = reference.shape as [number, number, number];
    const flat = await readArray(join(folder, 'repeats.npy'));
    writeNpy(join(dir, 'flat.npy'), [n, r * u], Float64Array.from(flat.data, (v) => (Number.isNaN(v) ? 0 : v)));
    const file = spec(dir, '    statistics: { noise_ceiling: split-half }\n', 'spearman', '{ file: flat.npy }');
    const text = readFileSync(file, 'utf8');
    const problems = (await checkSpec(text, file, createFileIntrospector())).problems.filter((p) => p.code === 'spec.ceiling-split-half');
    assert.equal(problems.length, 1);
    assert.equal(problems[0]!.severity, 'warning');
    const results = await runSpec(file, { write: false });
    assert.equal(results.scores[0]!.noiseCeiling, undefined);
    assert.ok(results.scores[0]!.warnings?.includes(problems[0]!.message), `run warnings ${JSON.stringify(results.scores[0]!.warnings)} include '${problems[0]!.message}'`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
