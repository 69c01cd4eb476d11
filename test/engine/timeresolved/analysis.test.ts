/**
 * The time-resolved RDM path agrees with the checked single-RDM path it shortcuts
 * (rdmFromResponses, itself tested against rsatoolbox in test/fixtures/reference), and the time
 * axis selection follows its definition (window inclusive, step, sliding average).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keptSamples, timeRdms } from '../../../engine/metrics/rsa/time/analysis';
import { rdmFromResponses } from '../../../engine/metrics/rsa';
import { seededRandom } from '../../helpers/seededRandom';

const rand = seededRandom(15);
const gaussian = (count: number) => Float64Array.from({ length: count }, () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand()));

test('per-time correlation and euclidean RDMs equal rdmFromResponses on each (averaged) time slice', () => {
  const [T, n, p] = [7, 9, 5];
  const data = gaussian(T * n * p).map((v, k) => v + (k % p) * 3);
  const spans: [number, number][] = [[0, 0], [2, 4], [6, 6]];
  for (const method of ['correlation', 'euclidean'] as const) {
    const got = timeRdms({ shape: [T, n, p], data, dtype: 'float64' }, spans, method, 'none', {});
    const pairs = (n * (n - 1)) / 2;
    spans.forEach(([a, b], i) => {
      const slice = new Float64Array(n * p);
      for (let t = a; t <= b; t++) for (let k = 0; k < n * p; k++) slice[k]! += data[t * n * p + k]! / (b - a + 1);
      const want = rdmFromResponses({ rows: n, cols: p, data: slice }, method).condensed;
      for (let k = 0; k < pairs; k++) assert.ok(Math.abs(got[i * pairs + k]! - want[k]!) < 1e-12, `${method} span ${a}-${b} pair ${k}`);
    });
  }
});

test('kept samples: inclusive window, every step-th sample, averaging clipped to the window', () => {
  const times = Float64Array.from({ length: 11 }, (_, k) => -0.1 + k * 0.05); // −0.1 … 0.4
  const kept = keptSamples({ times, window: { start: 0, end: 0.3 }, step: 2, average: 3 });
  assert.deepEqual(kept.indices, [2, 4, 6, 8]);
  assert.deepEqual(kept.spans, [[2, 4], [4, 6], [6, 8], [8, 8]]);
  assert.deepEqual(kept.seconds.map((s) => Math.round(s * 1000)), [0, 100, 200, 300]);
});
