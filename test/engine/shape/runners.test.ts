// The shape, CKA and CCA runners on in-memory representations: the score equals the metric called
// directly (training and held-out regimes), subjects are averaged, folds are saved, bad kinds refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shapeRunner } from '../../../engine/families/shape';
import { ckaRunner } from '../../../engine/families/cka';
import { ccaRunner } from '../../../engine/families/cca';
import type { LoadedRepresentation, RunContext } from '../../../engine/run/types';
import type { ComparisonSpec, MetricFamily, Spec } from '../../../engine/spec/types';
import type { Matrix } from '../../../engine/core/matrix';
import { crossValidatedShapeDistance, shapeDistance } from '../../../engine/metrics/shape';
import { unbiasedLinearCka } from '../../../engine/metrics/cka';
import { svcca } from '../../../engine/metrics/cca';
import { kFoldSplits } from '../../../engine/stats/cv';
import { SimspecError } from '../../../engine/core/errors';
import { randomMatrix, close } from './helpers';

function representation(name: string, role: 'model' | 'brain', matrices: Matrix[]): LoadedRepresentation {
  return { name, role, kind: 'responses', stimuli: matrices[0]!.rows, subjects: matrices.map((m) => ({ responses: m })), hasSubjects: matrices.length > 1, file: `${name}.npy` };
}

function comparison(metric: MetricFamily, params: Record<string, unknown>): ComparisonSpec {
  return { name: 'c', metric, params, layers: [], regions: [], statistics: { noiseCeiling: true, test: 'two-sided' }, index: 0 };
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

const x = randomMatrix(40, 12, 1, 1);
const y1 = randomMatrix(40, 8, 2);
const y2 = randomMatrix(40, 8, 3);
const model = representation('conv1', 'model', [x]);
const brain = representation('IT', 'brain', [y1, y2]);

test('shape runner: mean over subjects of shapeDistance; cached factors give the same numbers', async () => {
  const ctx = context();
  const params = { group: 'linear', alpha: 0.5, score: 'euclidean' };
  const s = await shapeRunner.run(comparison('shape', params), model, brain, ctx);
  const want = [y1, y2].map((y) => shapeDistance(x, y, { group: 'linear', alpha: 0.5, score: 'euclidean' }).distance);
  close(s.value, (want[0]! + want[1]!) / 2, 1e-12, 'mean');
  assert.deepEqual(s.perSubject!.map((v) => +v.toFixed(12)), want.map((v) => +v.toFixed(12)));
  assert.equal(s.higherIsBetter, false);
  const again = await shapeRunner.run(comparison('shape', params), model, brain, ctx);
  assert.equal(again.value, s.value);
});

test('shape runner with cv: held-out distance, folds saved, warping index in details', async () => {
  const params = { group: 'orthogonal', cv: { scheme: 'kfold', folds: 4, shuffle: true, seed: 3 }, warping: true };
  const s = await shapeRunner.run(comparison('shape', params), model, representation('V4', 'brain', [y1]), context());
  const folds = kFoldSplits(40, 4, { shuffle: true, seed: 3 });
  close(s.value, crossValidatedShapeDistance(x, y1, folds, { group: 'orthogonal' }).distance, 1e-12, 'cv');
  assert.equal(s.folds!.length, 4);
  assert.deepEqual(s.folds![0]!.test, Array.from(folds[0]!.test));
  assert.ok((s.details!.warping as { regime: string }).regime.startsWith('held-out'));
});

test('CKA and CCA runners match the metrics; RDM inputs are refused', async () => {
  const cka = await ckaRunner.run(comparison('cka', {}), model, brain, context());
  close(cka.value, (unbiasedLinearCka(x, y1) + unbiasedLinearCka(x, y2)) / 2, 1e-12, 'cka');
  const cca = await ccaRunner.run(comparison('cca', { method: 'svcca', components: 5 }), model, brain, context());
  close(cca.value, (svcca(x, y1, { components: 5 }).svcca + svcca(x, y2, { components: 5 }).svcca) / 2, 1e-12, 'svcca');
  const rdm: LoadedRepresentation = { ...representation('r', 'brain', [y1]), kind: 'rdm', subjects: [{ rdm: new Float64Array(780) }] };
  await assert.rejects(shapeRunner.run(comparison('shape', {}), model, rdm, context()), SimspecError);
});

test('shape runner finish (mds: true): a K × K distance map of layers and regions with a classical MDS embedding', async () => {
  const layer2 = representation('conv2', 'model', [randomMatrix(40, 10, 9)]);
  const comp = comparison('shape', { group: 'orthogonal', mds: true });
  const records = ['conv1', 'conv2'].flatMap((layer) => ['IT'].map((region) => ({ comparison: 'c', metric: 'shape' as const, layer, region, measure: '', value: 0, higherIsBetter: false, milliseconds: 0 })));
  const extra = (await shapeRunner.finish!(comp, records, [model, layer2, brain], context())) as { mds: { distances: number[][]; coordinates: number[][]; names: string[] } };
  assert.deepEqual(extra.mds.names, ['layer conv1', 'layer conv2', 'region IT']);
  const itMean = { rows: 40, cols: 8, data: y1.data.map((v, t) => (v + y2.data[t]!) / 2) };
  close(extra.mds.distances[0]![2]!, shapeDistance(x, itMean, { group: 'orthogonal' }).distance, 1e-12, 'entry');
  assert.equal(extra.mds.coordinates.length, 3);
  assert.equal(await shapeRunner.finish!(comparison('shape', {}), records, [model, layer2, brain], context()), undefined);
});

test('bootstrap and permutation statistics: seeded, deterministic; a rotated copy gets the smallest possible p', async () => {
  const statistics = { noiseCeiling: false, test: 'two-sided' as const, bootstrap: { over: ['stimuli' as const], samples: 30, ci: 0.9, seed: 5 }, permutation: { samples: 25, seed: 6 } };
  const rotated = representation('copy', 'brain', [randomMatrix(40, 12, 1, 1)]);
  const comp = { ...comparison('shape', { group: 'orthogonal' }), statistics };
  const a = await shapeRunner.run(comp, model, rotated, context());
  const b = await shapeRunner.run(comp, model, rotated, context());
  assert.deepEqual(a.ci, b.ci);
  assert.equal(a.ci!.samples, 30);
  assert.ok(a.ci!.lower <= a.ci!.upper);
  close(a.value, 0, 1e-12, 'identical data');
  assert.equal(a.nullDistribution!.length, 25);
  // Two-sided (statistics.test): twice the smaller tail, 2/(1 + B); one-sided: 1/(1 + B).
  close(a.p!.value, 2 / 26, 1e-15, 'p');
  const oneSided = { ...statistics, test: 'one-sided' as const };
  close((await shapeRunner.run({ ...comp, statistics: oneSided }, model, rotated, context())).p!.value, 1 / 26, 1e-15, 'one-sided p');
  const cka = await ckaRunner.run({ ...comparison('cka', { estimator: 'biased' }), statistics: oneSided }, model, rotated, context());
  close(cka.p!.value, 1 / 26, 1e-15, 'CKA p');
  const withCv = await shapeRunner.run({ ...comparison('shape', { cv: { scheme: 'kfold', folds: 4 } }), statistics }, model, rotated, context());
  assert.ok(withCv.warnings!.some((w) => /not computed with `cv`/.test(w)));
  const cca = await ccaRunner.run({ ...comparison('cca', { method: 'svcca', components: 4 }), statistics }, model, brain, context());
  assert.equal(cca.nullDistribution!.length, 25);
});
