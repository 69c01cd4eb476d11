/**
 * The on-disk cache under a run: a second run serves every score from the cache with identical
 * numbers; editing one comparison recomputes only that comparison; changing a data file's content
 * recomputes the scores that read it — never a stale score.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runSpec } from '../../../engine/run/execute';
import { toJson } from '../../../engine/run/results';

function workspace(): { dir: string; spec: string; cache: string } {
  const dir = mkdtempSync(join(tmpdir(), 'simspec-cache-run-'));
  cpSync(resolve('samples/algonauts2019/data/alexnet_rdms_78images'), join(dir, 'model'), { recursive: true });
  cpSync(resolve('samples/algonauts2019/data/78images'), join(dir, 'brain'), { recursive: true });
  const spec = join(dir, 'cached.simspec.yaml');
  writeFileSync(spec, `simspec: 1
model:
  layers:
    conv1: { file: model/features.0.npz, key: arr_0, kind: rdm }
    conv5: { file: model/features.10.npz, key: arr_0, kind: rdm }
brain:
  EVC: { file: brain/fmri_EVC_RDMs.npz, key: arr_0, kind: rdm, subjects: 0 }
  IT: { file: brain/fmri_IT_RDMs.npz, key: arr_0, kind: rdm, subjects: 0 }
comparisons:
  - name: spearman
    metric: rsa
    compare: spearman
  - name: tau
    metric: rsa
    compare: tau-a
`);
  return { dir, spec, cache: join(dir, 'cache') };
}

const strip = (scores: { milliseconds?: number; fromCache?: boolean }[]) => JSON.parse(toJson(scores.map(({ milliseconds: _m, fromCache: _c, ...rest }) => rest)));

test('a second run reads every score from the cache, with the same numbers', async () => {
  const { spec, cache } = workspace();
  const first = await runSpec(spec, { write: false, cacheFolder: cache });
  assert.ok(first.scores.every((s) => !s.fromCache));
  const second = await runSpec(spec, { write: false, cacheFolder: cache });
  assert.ok(second.scores.every((s) => s.fromCache));
  assert.deepEqual(strip(second.scores), strip(first.scores));
  assert.deepEqual(second.rdms, first.rdms);
});

test('editing one comparison recomputes only that comparison', async () => {
  const { spec, cache } = workspace();
  await runSpec(spec, { write: false, cacheFolder: cache });
  writeFileSync(spec, readFileSync(spec, 'utf8').replace('compare: tau-a', 'compare: tau-b'));
  const edited = await runSpec(spec, { write: false, cacheFolder: cache });
  assert.deepEqual(edited.scores.filter((s) => !s.fromCache).map((s) => s.comparison), ['tau', 'tau', 'tau', 'tau']);
  assert.ok(edited.scores.filter((s) => s.comparison === 'spearman').every((s) => s.fromCache));
  const fresh = await runSpec(spec, { write: false });
  assert.deepEqual(strip(edited.scores), strip(fresh.scores));
});

test('a data file whose content changes is read again: no stale score', async () => {
  const { dir, spec, cache } = workspace();
  const before = await runSpec(spec, { write: false, cacheFolder: cache });
  // Same size, different content: the IT file now holds the EVC RDMs.
  cpSync(join(dir, 'brain', 'fmri_EVC_RDMs.npz'), join(dir, 'brain', 'fmri_IT_RDMs.npz'));
  const after = await runSpec(spec, { write: false, cacheFolder: cache });
  // Keys follow content, not names: IT's scores must now be EVC's (and differ from IT's before).
  const value = (r: typeof before, comparison: string, layer: string, region: string) => r.scores.find((x) => x.comparison === comparison && x.layer === layer && x.region === region)!.value;
  for (const comparison of ['spearman', 'tau']) {
    for (const layer of ['conv1', 'conv5']) {
      assert.equal(value(after, comparison, layer, 'IT'), value(before, comparison, layer, 'EVC'));
      assert.notEqual(value(after, comparison, layer, 'IT'), value(before, comparison, layer, 'IT'));
    }
  }
  const itNow = after.scores.find((s) => s.comparison === 'spearman' && s.layer === 'conv1' && s.region === 'IT')!;
  const evc = before.scores.find((s) => s.comparison === 'spearman' && s.layer === 'conv1' && s.region === 'EVC')!;
  assert.equal(itNow.value, evc.value);
});
