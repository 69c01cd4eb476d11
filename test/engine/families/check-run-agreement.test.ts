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
import { random, randomSpec, writeFuzzData, type FuzzData } from './fuzz';
import { writeNpy } from '../../../engine/io/npyWriter';

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
  // SIMSPEC_FUZZ_SEED moves the seeds (1000 + k by default) to try other draws locally.
  const first = Number(process.env.SIMSPEC_FUZZ_SEED ?? 1000);
  for (let k = 0; k < count; k++) {
    const family = FAMILY_IDS[k % FAMILY_IDS.length]!;
    const text = randomSpec(data, family, first + k);
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
        disagreements.push(`seed ${first + k} (${family}): ${e.message} [${(e as { code?: string }).code}] ${(e as { variable?: string }).variable ?? ''}\n${text}`);
        if (disagreements.length >= 5) break;
      } else throw e;
    }
  }
  assert.deepEqual(disagreements, [], disagreements.join('\n---\n'));
  console.log(`# ${clean} of ${count} random specs checked clean and ran; data-dependent refusals: ${JSON.stringify(Object.fromEntries(dataDependent))}`);
  // The fuzz must exercise runs, not only specs the checks refuse.
  assert.ok(clean > count / 4, `only ${clean} of ${count} random specs checked clean`);
});

/** The warnings `check` gives a spec, and those of its run (each as `line:col: message`). */
async function warningsOf(text: string, name: string): Promise<{ check: Problem[]; run: string[] }> {
  const file = join(dir, `${name}.simspec.yaml`);
  writeFileSync(file, text);
  const check = (await checkSpec(text, file, io)).problems.filter((p) => p.severity === 'warning');
  const results = await runSpec(file, { write: false });
  return { check, run: results.warnings };
}

test('guards and dropped statistics: each warning of check appears, in the same words, in the run', async () => {
  const cases: { name: string; text: string; code: string; path: (string | number)[]; pattern: RegExp }[] = [
    {
      name: 'linear-degenerate',
      text: specWith({ metric: 'shape', group: 'linear', layers: ['wide'], regions: ['plain'] }),
      code: 'spec.linear-degenerate',
      path: ['comparisons', 0, 'group'],
      pattern: /`group: linear` \(α = 0\) without `reduce` or `cv`: a network of this comparison has 14 units for 10 stimuli .* fixed by the two widths/,
    },
    {
      name: 'ceiling-one-subject',
      text: specWith({ metric: 'rsa', layers: ['narrow'], regions: ['plain'] }, { statistics: { noise_ceiling: 'leave-one-subject-out' } }),
      code: 'spec.ceiling-one-subject',
      path: ['statistics', 'noise_ceiling'],
      pattern: /needs at least 2 subjects, but region `plain` has 1/,
    },
    {
      name: 'regression-bootstrap',
      text: specWith({ metric: 'regression', cv: { scheme: 'kfold', folds: 2 }, layers: ['narrow'], regions: ['plain'], statistics: { bootstrap: { samples: 5 } } }),
      code: 'spec.statistic-unsupported',
      path: ['comparisons', 0, 'statistics', 'bootstrap'],
      pattern: /`metric: regression` computes no bootstrap interval/,
    },
    {
      name: 'regression-permutation',
      text: specWith({ metric: 'regression', cv: { scheme: 'kfold', folds: 2 }, layers: ['narrow'], regions: ['plain'] }, { statistics: { permutation: { samples: 5 } } }),
      code: 'spec.statistic-unsupported',
      path: ['statistics', 'permutation'],
      pattern: /`metric: regression` computes no permutation test/,
    },
    {
      name: 'cka-ceiling',
      text: specWith({ metric: 'cka', layers: ['narrow'], regions: ['subjects'], statistics: { noise_ceiling: true } }),
      code: 'spec.statistic-unsupported',
      path: ['comparisons', 0, 'statistics', 'noise_ceiling'],
      pattern: /`metric: cka` computes no leave-one-subject-out noise ceiling/,
    },
    {
      name: 'shape-cv-bootstrap',
      text: specWith({ metric: 'shape', cv: { scheme: 'kfold', folds: 2 }, layers: ['narrow'], regions: ['plain'], statistics: { bootstrap: { samples: 3 } } }),
      code: 'spec.statistic-unsupported',
      path: ['comparisons', 0, 'statistics', 'bootstrap'],
      pattern: /^bootstrap intervals and permutation tests are not computed with `cv` \(every draw would refit every fold\)\.$/,
    },
    {
      name: 'transpose',
      text: stringify({ simspec: 1, model: { layers: { t: { file: 'wide.npy', transpose: true } } }, brain: { plain: { file: 'wide.npy', axes: ['units', 'stimuli'] } }, comparisons: [{ name: 'c', metric: 'cka' }] }),
      code: 'spec.transpose-deprecated',
      path: ['model', 'layers', 't', 'transpose'],
      pattern: /`transpose` is deprecated: write `axes: \[units, stimuli\]`/,
    },
  ];
  for (const c of cases) {
    const { check, run } = await warningsOf(c.text, c.name);
    const found = check.filter((p) => p.code === c.code);
    assert.equal(found.length, 1, `${c.name}: ${JSON.stringify(check.map((p) => p.message))}`);
    assert.deepEqual(found[0]!.path, c.path, c.name);
    assert.match(found[0]!.message, c.pattern, c.name);
    const at = `${found[0]!.range.start.line + 1}:${found[0]!.range.start.character + 1}: `;
    assert.ok(run.includes(`${at}${found[0]!.message}`), `${c.name}: the run's warnings ${JSON.stringify(run)}`);
  }
});

test('no guard warning where the statistic is computed or the shapes do not fix the value', async () => {
  const quiet = [
    specWith({ metric: 'shape', group: 'linear', reduce: { method: 'pca', components: 3 }, layers: ['wide'], regions: ['plain'] }),
    specWith({ metric: 'shape', group: 'linear', layers: ['narrow'], regions: ['plain'] }),
    specWith({ metric: 'rsa', layers: ['narrow'], regions: ['subjects'] }, { statistics: { noise_ceiling: 'leave-one-subject-out' } }),
    specWith({ metric: 'cka', layers: ['narrow'], regions: ['plain'] }, { statistics: { bootstrap: { samples: 3 }, permutation: { samples: 3 } } }),
    // The ceiling is on by default: only a written `noise_ceiling` counts as asked for.
    specWith({ metric: 'cka', layers: ['narrow'], regions: ['plain'] }),
  ];
  for (const [k, text] of quiet.entries()) {
    const { check } = await warningsOf(text, `quiet-${k}`);
    const guards = check.filter((p) => ['spec.linear-degenerate', 'spec.ceiling-one-subject', 'spec.statistic-unsupported'].includes(p.code));
    assert.deepEqual(guards.map((p) => p.message), [], `case ${k}`);
  }
});

test('the linear-group guard is right: with a network wider than the stimuli span, the distance depends only on the widths', async () => {
  // Two unrelated pairs of random networks of the same widths (14 and 4 units, 10 stimuli) get the same distance.
  const rand = random(99);
  const gaussian = (count: number) => Float64Array.from({ length: count }, () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand()));
  writeNpy(join(dir, 'wide-other.npy'), [10, 14], gaussian(140));
  writeNpy(join(dir, 'plain-other.npy'), [10, 4], gaussian(40));
  const file = join(dir, 'linear-widths.simspec.yaml');
  writeFileSync(file, stringify({ simspec: 1, model: { layers: { a: data.layers.wide, b: { file: 'wide-other.npy' } } }, brain: { x: data.regions.plain, y: { file: 'plain-other.npy' } }, comparisons: [{ name: 'c', metric: 'shape', group: 'linear' }] }));
  const values = (await runSpec(file, { write: false })).scores.map((s) => s.value as number);
  assert.equal(values.length, 4);
  // The value the shapes fix (docs/metrics.md §9.4): cos d = ‖Z_xᵀZ_y‖_* / (‖Z_x‖_F ‖Z_y‖_F) = q / √((n − 1) q).
  for (const v of values) assert.ok(Math.abs(v - Math.acos(Math.sqrt(4 / 9))) < 1e-9, `${values}`);
  // And it is not a constant of the metric: a narrow network (3 units) against the same regions differs by pair.
  writeFileSync(file, stringify({ simspec: 1, model: { layers: { n: data.layers.narrow } }, brain: { x: data.regions.plain, y: { file: 'plain-other.npy' } }, comparisons: [{ name: 'c', metric: 'shape', group: 'linear' }] }));
  const narrow = (await runSpec(file, { write: false })).scores.map((s) => s.value as number);
  assert.ok(Math.abs(narrow[0]! - narrow[1]!) > 1e-6, `${narrow}`);
});
