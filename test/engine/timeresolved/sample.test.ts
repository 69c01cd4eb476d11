/**
 * The time-resolved sample (samples/timeresolved-meg) recovers what its generator planted
 * (scripts/make-timeresolved-meg.ts): each layer's peak latency equals its planted latency within
 * one sample (10 ms), the planted latency lies in a significant cluster and inside the latency
 * interval, no pre-stimulus sample is significant, and every pair of layers differs in latency in
 * the planted direction. Known truth, not simspec's own output. Also: the run refuses what check
 * refuses, and the per-time RDMs are made once for all layers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSpec } from '../../../engine/run/execute';
import { checkSpec } from '../../../engine/spec';
import { createFileIntrospector } from '../../../engine/spec/introspector';
import { writeNpy } from '../../../engine/io/npyWriter';
import { generateMeg, writeMeg, PLANTED } from '../../../scripts/make-timeresolved-meg';

const dir = mkdtempSync(join(tmpdir(), 'simspec-meg-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
writeMeg(join(dir, 'data'), generateMeg());
copyFileSync('samples/timeresolved-meg/spec-template.yaml', join(dir, 'timeresolved-meg.simspec.yaml'));

interface Details {
  times: number[];
  clusters: { startIndex: number; endIndex: number; p: number; significant: boolean }[];
  pFwe: number[];
  peakLatency: { seconds: number; lower: number; upper: number };
  mean: number[];
  ceiling?: { lower: number[]; upper: number[] };
}

test('the sample recovers the planted latencies, clusters and latency order', async () => {
  const results = await runSpec(join(dir, 'timeresolved-meg.simspec.yaml'), { write: false });
  assert.equal(results.scores.length, PLANTED.length);
  for (const { layer, latency } of PLANTED) {
    const score = results.scores.find((s) => s.layer === layer)!;
    const d = score.details as unknown as Details;
    assert.ok(Math.abs(d.peakLatency.seconds - latency) <= 0.0100001, `${layer}: peak ${d.peakLatency.seconds} s, planted ${latency} s`);
    assert.ok(d.peakLatency.lower <= latency + 1e-9 + 0.01 && d.peakLatency.upper >= latency - 0.01 - 1e-9, `${layer}: CI ${d.peakLatency.lower}…${d.peakLatency.upper}`);
    const at = d.times.findIndex((t) => Math.abs(t - latency) < 1e-6);
    assert.ok(d.clusters.some((c) => c.significant && c.startIndex <= at && at <= c.endIndex), `${layer}: planted latency in a significant cluster`);
    d.times.forEach((t, j) => {
      if (t < 0) {
        assert.ok(!d.clusters.some((c) => c.significant && c.startIndex <= j && j <= c.endIndex), `${layer}: ${t} s (before onset) in a significant cluster`);
        assert.ok(d.pFwe[j]! >= 0.05, `${layer}: FWE-significant at ${t} s`);
      }
    });
    // Scores below the ceiling's upper bound where the signal is.
    assert.ok(d.mean[at]! <= d.ceiling!.upper[at]!, `${layer}: score above the upper ceiling`);
  }
  const derived = (results.derived as Record<string, { timeResolved: Record<string, { latencyDifferences: { layers: [string, string]; difference: number; p: number; upper: number }[]; temporalGeneralization: number[][]; layerByTime: number[][] }> }>)['layers-over-time']!.timeResolved.meg!;
  for (const diff of derived.latencyDifferences) {
    const planted = (name: string) => PLANTED.find((p) => p.layer === name)!.latency;
    assert.ok(planted(diff.layers[0]) < planted(diff.layers[1]));
    assert.ok(diff.difference < 0 && diff.upper < 0 && diff.p < 0.05, `${diff.layers.join(' vs ')}: ${JSON.stringify(diff)}`);
  }
  // Temporal generalisation: symmetric with a unit diagonal (a brain RDM correlates 1 with itself).
  const g = derived.temporalGeneralization;
  assert.equal(g.length, 71);
  for (let i = 0; i < g.length; i += 7) {
    assert.ok(Math.abs(g[i]![i]! - 1) < 1e-9);
    for (let j = 0; j < g.length; j += 5) assert.ok(Math.abs(g[i]![j]! - g[j]![i]!) < 1e-12);
  }
  assert.equal(derived.layerByTime.length, PLANTED.length);
});

test('check reports what the run refuses: times length, window, crossnobis without runs, a time axis for rsa', async () => {
  const base = { simspec: 1, model: { layers: { conv1: { file: 'data/model/conv1.npy' } } }, brain: { meg: { file: 'data/meg.npy', axes: ['subjects', 'stimuli', 'units', 'time'] } } };
  const cases: [Record<string, unknown>, string, string][] = [
    [{ times: [0, 0.01, 0.02] }, 'spec.rsa-time-times', 'times'],
    [{ times: { rate: 100, onset: -0.1 }, window: { start: 0.7, end: 0.9 } }, 'spec.rsa-time-window', 'window'],
    [{ rdm: 'crossnobis' }, 'spec.rsa-time-crossnobis-runs', 'rdm'],
    [{ tail: -1, threshold: 2 }, 'spec.rsa-time-threshold', 'threshold'],
  ];
  for (const [params, code, key] of cases) {
    const file = join(dir, `bad-${key}.simspec.yaml`);
    const text = JSON.stringify({ ...base, comparisons: [{ name: 'c', metric: 'rsa-time', layers: ['conv1'], regions: ['meg'], ...params }] });
    writeFileSync(file, text);
    const errors = (await checkSpec(text, file, createFileIntrospector())).problems.filter((p) => p.severity === 'error');
    assert.deepEqual(errors.map((e) => [e.code, e.path?.at(-1)]), [[code, key]], JSON.stringify(params));
    await assert.rejects(runSpec(file, { write: false }));
  }
  const file = join(dir, 'rsa-on-time.simspec.yaml');
  const text = JSON.stringify({ ...base, comparisons: [{ name: 'c', metric: 'rsa', layers: ['conv1'], regions: ['meg'] }] });
  writeFileSync(file, text);
  const errors = (await checkSpec(text, file, createFileIntrospector())).problems.filter((p) => p.severity === 'error');
  assert.deepEqual(errors.map((e) => e.path), [['brain', 'meg', 'axes']]);
  assert.match(errors[0]!.message, /names a `time` axis .*rsa-time/);
});

test('the same recording stored in another axis order (read whole, permuted) gives identical results', async () => {
  const small = generateMeg({ stimuli: 12, subjects: 4, sensors: 7, onset: -0.1, rate: 50, samples: 20, seed: 3, amplitude: 0.8 });
  const sub = join(dir, 'orders');
  writeMeg(sub, small);
  // Engine order subjects × time × stimuli × sensors, written as time × stimuli × subjects × sensors (float64).
  const [S, n, P, T] = small.shape;
  const other = new Float64Array(small.meg.length);
  for (let s = 0; s < S; s++) for (let i = 0; i < n; i++) for (let c = 0; c < P; c++) for (let t = 0; t < T; t++) other[((t * n + i) * S + s) * P + c] = small.meg[((s * n + i) * P + c) * T + t]!;
  writeNpy(join(sub, 'other.npy'), [T, n, S, P], other);
  const comparison = { name: 'c', metric: 'rsa-time', layers: ['conv1', 'fc7'], times: { rate: 50, onset: -0.1 }, permutations: 50, latency_samples: 50 };
  const specOf = (region: Record<string, unknown>) => JSON.stringify({ simspec: 1, model: { layers: { conv1: { file: 'model/conv1.npy' }, fc7: { file: 'model/fc7.npy' } } }, brain: { meg: region }, comparisons: [{ ...comparison, regions: ['meg'] }] });
  writeFileSync(join(sub, 'a.simspec.yaml'), specOf({ file: 'meg.npy', axes: ['subjects', 'stimuli', 'units', 'time'] }));
  writeFileSync(join(sub, 'b.simspec.yaml'), specOf({ file: 'other.npy', axes: ['time', 'stimuli', 'subjects', 'units'] }));
  const a = await runSpec(join(sub, 'a.simspec.yaml'), { write: false });
  const b = await runSpec(join(sub, 'b.simspec.yaml'), { write: false });
  assert.deepEqual(a.scores.map((s) => s.details), b.scores.map((s) => s.details));
  assert.deepEqual(a.derived, b.derived);
});
