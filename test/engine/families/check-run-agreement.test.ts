/**
 * `simspec check` and `simspec run` agree: a spec the checks pass never fails at run time with a
 * spec or parameter error. First the disagreements that were reported (soft matching with `alpha`,
 * an RSA bootstrap of 1 sample, a split-half ceiling on a plain response matrix, a typo inside
 * `reduce:`), then a seeded fuzz of 2000 specs drawn from each family's schema on tiny data.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { CancelledError, isSimspecError } from '../../../engine/core/errors';
import { FAMILY_IDS } from '../../../engine/families';
import { runSpec, SpecProblemsError } from '../../../engine/run/execute';
import { checkSpec, type Problem } from '../../../engine/spec';
import { createFileIntrospector } from '../../../engine/spec/introspector';
import { randomSpec, writeFuzzData, type FuzzData } from './fuzz';

/**
 * Run-time refusals that depend on the data's values, not on the spec and the data's layout, so no
 * check can foresee them; the fuzz counts them separately. Each is a data problem with its own clear
 * SimspecError.
 */
const DATA_DEPENDENT: Record<string, string> = {
  'rdm.poisson-negative': 'the Poisson RDM needs non-negative rates; the fuzz data are Gaussian',
  'metric.degenerate': 'SVCCA by `variance_kept` keeps as many components as the spectrum needs, which can reach n − 1',
};

const dir = mkdtempSync(join(tmpdir(), 'simspec-agreement-'));
const data: FuzzData = writeFuzzData(dir);
const io = createFileIntrospector();
test.after(() => rmSync(dir, { recursive: true, force: true }));

async function errorsOf(text: string, name = 'spec'): Promise<Problem[]> {
  const file = join(dir, `${name}.simspec.yaml`);
  writeFileSync(file, text);
  return (await checkSpec(text, file, io)).problems.filter((p) => p.severity === 'error');
}

function specWith(comparison: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  return stringify({ simspec: 1, model: { layers: data.layers }, brain: data.regions, comparisons: [{ name: 'c', ...comparison }], ...extra });
}

test('group: soft-matching with alpha, cv, reduce, warping or mds is reported on the key', async () => {
  for (const [key, value] of [['alpha', 0.5], ['cv', { scheme: 'kfold', folds: 2 }], ['reduce', { method: 'pca', components: 2 }], ['warping', true], ['mds', true]] as const) {
    const errors = await errorsOf(specWith({ metric: 'shape', group: 'soft-matching', [key]: value, layers: ['narrow'], regions: ['plain'] }));
    assert.deepEqual(errors.map((e) => [e.code, e.path?.at(-1)]), [['spec.soft-matching-option', key]], key);
  }
});

test('an RSA bootstrap of 1 sample is an error on `samples`; with square: true (no bootstrap) it is not', async () => {
  const statistics = { statistics: { bootstrap: { samples: 1 } } };
  const errors = await errorsOf(specWith({ metric: 'rsa', layers: ['modelrdm'], regions: ['rdms'] }, statistics));
  assert.deepEqual(errors.map((e) => [e.code, e.path]), [['spec.bootstrap-samples', ['statistics', 'bootstrap', 'samples']]]);
  assert.deepEqual(await errorsOf(specWith({ metric: 'rsa', square: true, layers: ['modelrdm'], regions: ['rdms'] }, statistics)), []);
});

test('ceiling: split-half on a plain response matrix is an error on `ceiling` (or on `preset`)', async () => {
  const plain = await errorsOf(specWith({ metric: 'regression', ceiling: 'split-half', layers: ['narrow'], regions: ['plain'] }));
  assert.deepEqual(plain.map((e) => [e.code, e.path?.at(-1)]), [['spec.ceiling-repeats', 'ceiling']]);
  const preset = await errorsOf(specWith({ metric: 'regression', preset: 'brain-score', components: 2, layers: ['narrow'], regions: ['plain'] }));
  assert.deepEqual(preset.map((e) => [e.code, e.path?.at(-1)]), [['spec.ceiling-repeats', 'preset']]);
  assert.deepEqual(await errorsOf(specWith({ metric: 'regression', ceiling: 'split-half', layers: ['narrow'], regions: ['repeats'] })), []);
});

test('a typo inside `reduce:` is reported there, with no false "unknown key" on group or alpha', async () => {
  const errors = await errorsOf(specWith({ metric: 'shape', group: 'linear', alpha: 0.5, reduce: { methd: 'pca', components: 3 }, layers: ['narrow'], regions: ['plain'] }));
  assert.ok(errors.length > 0);
  for (const e of errors) assert.deepEqual(e.path?.slice(0, 3), ['comparisons', 0, 'reduce'], e.message);
  assert.ok(errors.some((e) => e.code === 'schema.unknown-key' && e.suggestions?.includes('method')));
});

test('seeded fuzz: 2000 random specs; none passes check and then fails run with a spec or parameter error', async () => {
  const disagreements: string[] = [];
  let clean = 0;
  const dataDependent = new Map<string, number>();
  const count = 2000;
  for (let k = 0; k < count; k++) {
    const family = FAMILY_IDS[k % FAMILY_IDS.length]!;
    const text = randomSpec(data, family, 1000 + k);
    const file = join(dir, 'fuzz.simspec.yaml');
    writeFileSync(file, text);
    const errors = (await checkSpec(text, file, io)).problems.filter((p) => p.severity === 'error');
    if (errors.length > 0) continue;
    clean++;
    try {
      await runSpec(file, { write: false });
    } catch (e) {
      if (e instanceof CancelledError) throw e;
      if (isSimspecError(e) && !(e instanceof SpecProblemsError) && e.code !== undefined && e.code in DATA_DEPENDENT && !/^comparisons\[/.test(e.variable ?? '')) {
        dataDependent.set(e.code, (dataDependent.get(e.code) ?? 0) + 1);
        continue;
      }
      if (e instanceof SpecProblemsError || isSimspecError(e)) {
        disagreements.push(`seed ${1000 + k} (${family}): ${e.message} [${(e as { code?: string }).code}] ${(e as { variable?: string }).variable ?? ''}\n${text}`);
        if (disagreements.length >= 5) break;
      } else throw e;
    }
  }
  assert.deepEqual(disagreements, [], disagreements.join('\n---\n'));
  console.log(`# ${clean} of ${count} random specs checked clean and ran; data-dependent refusals: ${JSON.stringify(Object.fromEntries(dataDependent))}`);
  // The fuzz must exercise runs, not only specs the checks refuse.
  assert.ok(clean > count / 4, `only ${clean} of ${count} random specs checked clean`);
});
