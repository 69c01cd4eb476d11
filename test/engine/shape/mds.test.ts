// Classical MDS (docs/metrics.md §6.3): exact recovery of Euclidean configurations, sign
// convention, negative mass.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classicalMds } from '../../../engine/metrics/embedding';
import { randomMatrix, close } from './helpers';

function distanceMatrix(points: { rows: number; cols: number; data: Float64Array }) {
  const k = points.rows;
  const d = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) {
    let s = 0;
    for (let c = 0; c < points.cols; c++) s += (points.data[i * points.cols + c]! - points.data[j * points.cols + c]!) ** 2;
    d[i * k + j] = Math.sqrt(s);
  }
  return { rows: k, cols: k, data: d };
}

test('a 2-D Euclidean configuration is recovered exactly (distances), with no negative mass', () => {
  const pts = randomMatrix(8, 2, 1);
  const d = distanceMatrix(pts);
  const r = classicalMds(d, 2);
  const back = distanceMatrix(r.coordinates);
  for (let t = 0; t < d.data.length; t++) close(back.data[t]!, d.data[t]!, 1e-10, `entry ${t}`);
  assert.ok(r.negativeEigenvalueShare < 1e-12);
  close(r.positiveMassExplained, 1, 1e-12, 'mass');
  for (let c = 0; c < 2; c++) {
    let best = 0;
    for (let i = 1; i < 8; i++) if (Math.abs(r.coordinates.data[i * 2 + c]!) > Math.abs(r.coordinates.data[best * 2 + c]!)) best = i;
    assert.ok(r.coordinates.data[best * 2 + c]! > 0, 'largest-|·| entry positive');
  }
});

test('a non-Euclidean metric (4-cycle, diagonals 2) shows negative eigenvalue mass', () => {
  const d = [0, 1, 2, 1, 1, 0, 1, 2, 2, 1, 0, 1, 1, 2, 1, 0];
  const r = classicalMds({ rows: 4, cols: 4, data: Float64Array.from(d) }, 2);
  assert.ok(r.negativeEigenvalueShare > 0.05, `share ${r.negativeEigenvalueShare}`);
});

test('bad input is refused', () => {
  assert.throws(() => classicalMds({ rows: 2, cols: 2, data: Float64Array.from([0, 1, 2, 0]) }), /symmetry/);
});
