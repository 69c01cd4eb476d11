// Permutation p-values follow `statistics.test` for every family (issue 14, problem 7): the
// two-sided p is recomputed here from the run's own null distribution by its definition
// (docs/metrics.md §2.6), and a negative effect flips the one-sided p while the two-sided stays small.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runnerFor } from '../../../engine/families';
import { permutationPValue } from '../../../engine/inference/permutation';
import type { LoadedRepresentation, RunContext } from '../../../engine/run/types';
import type { ComparisonSpec, MetricFamily, Spec } from '../../../engine/spec/types';
import type { Matrix } from '../../../engine/core/matrix';
import { simulatedPair } from '../../helpers/coverage';
import { numpyStandardNormal } from '../../../engine/metrics/shape';

function representation(name: string, role: 'model' | 'brain', m: Matrix): LoadedRepresentation {
  return { name, role, kind: 'responses', stimuli: m.rows, subjects: [{ responses: m }], hasSubjects: false, file: `${name}.npy` };
}

function context(): RunContext {
  const cache = new Map<string, unknown>();
  return {
    spec: { baseDir: '/tmp' } as Spec,
    signal: new AbortController().signal,
    progress: () => {},
    shared: { get: <T>(key: string, compute: () => T): T => (cache.has(key) ? (cache.get(key) as T) : (cache.set(key, compute()), cache.get(key) as T)) },
    warn: () => {},
  };
}

function comparison(metric: MetricFamily, params: Record<string, unknown>, sides: 'one-sided' | 'two-sided', samples = 199): ComparisonSpec {
  return { name: 'c', metric, params, layers: [], regions: [], statistics: { noiseCeiling: false, test: sides, permutation: { samples, seed: 3 } }, index: 0 };
}

/** p = (1 + #{null at least as extreme})/(1 + B) counted directly, and the two-sided p by its definition. */
function byDefinition(nulls: number[], observed: number) {
  const greater = (1 + nulls.filter((v) => v >= observed).length) / (1 + nulls.length);
  const less = (1 + nulls.filter((v) => v <= observed).length) / (1 + nulls.length);
  return { greater, less, twoSided: Math.min(1, 2 * Math.min(greater, less)) };
}

test('permutationPValue: two-sided is twice the smaller tail, at most 1; NaN observed gives NaN', () => {
  const nulls = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
  assert.equal(permutationPValue(nulls, 0.85, 'greater'), 2 / 10);
  assert.equal(permutationPValue(nulls, 0.85, 'less'), 9 / 10);
  assert.equal(permutationPValue(nulls, 0.85, 'two-sided'), 4 / 10);
  assert.equal(permutationPValue(nulls, 0.5, 'two-sided'), 1);
  assert.ok(Number.isNaN(permutationPValue(nulls, Number.NaN, 'two-sided')));
});

test('shape, CKA, CCA and k-NN: the p-value follows statistics.test, equal to the definition on the run\'s null', async () => {
  const mixing = numpyStandardNormal(77, 8 * 8);
  const { x, y } = simulatedPair(30, 8, 0.35, 5, mixing);
  const cases: [MetricFamily, Record<string, unknown>][] = [
    ['shape', { group: 'orthogonal' }],
    ['cka', {}],
    ['cca', { method: 'svcca', components: 3 }],
    ['knn', { k: 4 }],
  ];
  for (const [metric, params] of cases) {
    const runner = runnerFor(metric)!;
    const two = await runner.run(comparison(metric, params, 'two-sided'), representation('m', 'model', x), representation('b', 'brain', y), context());
    const one = await runner.run(comparison(metric, params, 'one-sided'), representation('m', 'model', x), representation('b', 'brain', y), context());
    assert.deepEqual(one.nullDistribution, two.nullDistribution, `${metric}: same permutations`);
    const want = byDefinition(two.nullDistribution!, two.value);
    assert.equal(two.p!.value, want.twoSided, `${metric} two-sided`);
    assert.equal(one.p!.value, two.higherIsBetter ? want.greater : want.less, `${metric} one-sided`);
    assert.match(two.p!.test, /two-sided/);
    assert.match(one.p!.test, /one-sided/);
    // A real effect is in the metric's own tail: the two-sided p is twice the one-sided one (unless capped).
    assert.equal(two.p!.value, Math.min(1, 2 * one.p!.value), `${metric}: effect in the expected tail`);
  }
});

test('a negative effect flips the one-sided p to ~1 while the two-sided p stays at its minimum (RSA, Pearson)', async () => {
  // Two RDMs over 12 stimuli (66 pairs): a random one and its negation (plus a constant), so
  // Pearson r = −1 exactly, the far lower tail.
  const condensed = Float64Array.from(numpyStandardNormal(9, 66), (v) => Math.abs(v) + 1);
  const rdmSource = (name: string, role: 'model' | 'brain', rdm: Float64Array): LoadedRepresentation => ({ name, role, kind: 'rdm', stimuli: 12, subjects: [{ rdm }], hasSubjects: false, file: `${name}.npy` });
  const runner = runnerFor('rsa')!;
  const model = rdmSource('m', 'model', condensed);
  const brain = rdmSource('b', 'brain', Float64Array.from(condensed, (v) => 100 - v));
  const params = { compare: 'pearson' };
  const B = 99;
  const one = await runner.run(comparison('rsa', params, 'one-sided', B), model, brain, context());
  const two = await runner.run(comparison('rsa', params, 'two-sided', B), model, brain, context());
  assert.ok(Math.abs(one.value + 1) < 1e-12, `r = ${one.value}`);
  const p = (s: typeof one) => ((s.details?.permutation as { p: number } | undefined)?.p ?? s.p!.value);
  assert.equal(p(one), 1, 'one-sided: every permutation is ≥ −1');
  assert.equal(p(two), 2 / (1 + B), 'two-sided: twice the lower tail 1/(1 + B)');
});
