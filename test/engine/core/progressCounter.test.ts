// Counted progress messages on a hand-moved clock: the count, the fraction, the estimate (mean time
// per item × items left — the arithmetic the test states), its withholding at the start, throttling.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, ProgressCounter } from '../../../engine/core/progressCounter';

function clock(): { now: () => number; advance: (ms: number) => void } {
  let t = 0;
  return { now: () => t, advance: (ms) => { t += ms; } };
}

test('count, fraction and time left: 412 of 1000 after 41.2 s leaves 58.8 s', () => {
  const c = clock();
  const counter = new ProgressCounter('bootstrap', 1000, { now: c.now });
  c.advance(41_200);
  const p = counter.count(412);
  assert.equal(p.fraction, 0.412);
  assert.equal(p.message, 'bootstrap 412/1000, about 59 s left');
});

test('no estimate from the first items or the first second; none once done', () => {
  const c = clock();
  const counter = new ProgressCounter('permutation', 500, { now: c.now });
  c.advance(5000);
  assert.equal(counter.count(2).message, 'permutation 2/500');
  const quick = new ProgressCounter('bootstrap', 100, { now: c.now });
  c.advance(900);
  assert.equal(quick.count(50).message, 'bootstrap 50/100');
  c.advance(100_000);
  assert.deepEqual(quick.count(100), { fraction: 1, message: 'bootstrap 100/100' });
  assert.deepEqual(quick.count(140), { fraction: 1, message: 'bootstrap 100/100' }, 'clamped to the total');
});

test('an empty loop is complete', () => {
  assert.deepEqual(new ProgressCounter('bootstrap', 0).count(0), { fraction: 1, message: 'bootstrap 0/0' });
});

test('reports are throttled, the last one always passes', () => {
  const c = clock();
  const counter = new ProgressCounter('bootstrap', 10, { now: c.now, minIntervalMs: 100 });
  assert.equal(counter.shouldReport(1), true);
  c.advance(50);
  assert.equal(counter.shouldReport(2), false);
  c.advance(50);
  assert.equal(counter.shouldReport(3), true);
  c.advance(1);
  assert.equal(counter.shouldReport(10), true);
});

test('durations read as a person would say them', () => {
  assert.equal(formatDuration(200), '1 s');
  assert.equal(formatDuration(59_400), '59 s');
  assert.equal(formatDuration(60_000), '1 min');
  assert.equal(formatDuration(80_000), '1 min 20 s');
  assert.equal(formatDuration(3600_000 + 5 * 60_000), '1 h 05 min');
});

test('etaSeconds: 412 of 1000 after 41.2 s leaves 588 × 0.1 s = 58.8 s; withheld like the message', () => {
  const c = clock();
  const counter = new ProgressCounter('bootstrap', 1000, { now: c.now });
  c.advance(500);
  assert.equal(counter.etaSeconds(10), undefined, 'before a second has passed');
  c.advance(40_700);
  assert.ok(Math.abs(counter.etaSeconds(412)! - 58.8) < 1e-9);
  assert.equal(counter.etaSeconds(2), undefined, 'before 3 items');
  assert.equal(counter.etaSeconds(1000), undefined, 'once done');
});
