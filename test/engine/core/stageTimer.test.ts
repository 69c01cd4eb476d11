// The stage timer's accounting, on a clock the test moves by hand: exclusive time per stage, kernel
// stages keeping what runs inside them, nothing recorded while disabled. The expected figures are
// the durations the test itself lets pass, not measured times.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { enableStageTimes, resetStageTimes, stageTotals, startStage, stopStage, timeStage } from '../../../engine/core/stageTimer';

function withClock(body: (advance: (ms: number) => void) => void): void {
  const realNow = performance.now;
  let now = 1000;
  performance.now = () => now;
  enableStageTimes(true);
  resetStageTimes();
  try {
    body((ms) => { now += ms; });
  } finally {
    performance.now = realNow;
    enableStageTimes(false);
    resetStageTimes();
  }
}

test('nested stages count exclusively: the outer stage gets its own time only', () => {
  withClock((advance) => {
    startStage('metric');
    advance(5);
    startStage('resampling');
    advance(20);
    timeStage('products', () => advance(7));
    advance(3);
    stopStage(); // resampling
    advance(2);
    stopStage(); // metric
    assert.deepEqual(stageTotals(), { products: 7, resampling: 23, metric: 7 });
  });
});

test('a kernel stage keeps the time of anything started inside it', () => {
  withClock((advance) => {
    timeStage('decompositions', () => {
      advance(10);
      timeStage('products', () => advance(30)); // e.g. an eigensolver's own GEMM calls
      startStage('resampling');
      advance(1);
      stopStage();
    });
    timeStage('products', () => advance(4));
    assert.deepEqual(stageTotals(), { decompositions: 41, products: 4 });
  });
});

test('totals accumulate over repeated stages and reset to empty', () => {
  withClock((advance) => {
    for (let i = 1; i <= 4; i++) timeStage('load', () => advance(i));
    assert.deepEqual(stageTotals(), { load: 10 });
    resetStageTimes();
    assert.deepEqual(stageTotals(), {});
  });
});

test('a throwing body still closes its stage', () => {
  withClock((advance) => {
    assert.throws(() => timeStage('metric', () => { advance(6); throw new Error('boom'); }), /boom/);
    timeStage('write', () => advance(1));
    assert.deepEqual(stageTotals(), { metric: 6, write: 1 });
  });
});

test('disabled, nothing is recorded and timeStage still returns the value', () => {
  withClock((advance) => {
    enableStageTimes(false);
    startStage('metric');
    advance(5);
    stopStage();
    assert.equal(timeStage('products', () => 17), 17);
    assert.deepEqual(stageTotals(), {});
  });
});
