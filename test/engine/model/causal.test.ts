/**
 * The causal score (engine/model/causal.ts) on simulated data with a known effect. A two-layer
 * network h = relu(Z A), y = h B; the "brain" reads y out linearly (R = y C + noise). The real
 * perturbation silences hidden units S of the brain's own network. Lesioning S in the model predicts
 * the observed change (high pooled r, permutation p at its floor); lesioning other units does not
 * (low r); with no real effect (R₁ = R₀ + noise) the score is near 0 and p is not small. The
 * predicted change is exactly (X₁ − X₀)W for a linear fit, checked against ridge's own predictions.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Matrix } from '../../../engine/core/matrix';
import { seededUniform } from '../../../engine/model/build';
import { causalScore, predictedChange } from '../../../engine/model/causal';
import { ridgeFitPredict } from '../../../engine/metrics/regression/ridge';

const rand = seededUniform(42);
const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
const matrix = (rows: number, cols: number, f: () => number): Matrix => ({ rows, cols, data: Float64Array.from({ length: rows * cols }, f) });
function mul(a: Matrix, b: Matrix): Matrix {
  const out = new Float64Array(a.rows * b.cols);
  for (let i = 0; i < a.rows; i++) for (let k = 0; k < a.cols; k++) for (let j = 0; j < b.cols; j++) out[i * b.cols + j] += a.data[i * a.cols + k]! * b.data[k * b.cols + j]!;
  return { rows: a.rows, cols: b.cols, data: out };
}

const n = 120;
const hidden = 20;
const Z = matrix(n, 10, gauss);
const A = matrix(10, hidden, gauss);
const B = matrix(hidden, 8, gauss);
const C = matrix(8, 15, gauss);
const H = mul(Z, A);
H.data.forEach((v, i) => (H.data[i] = Math.max(0, v)));
function network(lesioned: number[]): Matrix {
  const h = { ...H, data: H.data.slice() };
  for (let i = 0; i < n; i++) for (const u of lesioned) h.data[i * hidden + u] = 0;
  return mul(h, B);
}
const noisy = (m: Matrix, sd: number) => ({ ...m, data: m.data.map((v) => v + sd * gauss()) });
const X0 = network([]);
const S = [2, 5, 11, 17];
const R0 = noisy(mul(X0, C), 0.5);
const R1 = noisy(mul(network(S), C), 0.5);

test('lesioning the truly perturbed units recovers the effect; other units do not; p at its floor', async () => {
  const score = await causalScore({ intact: X0, lesioned: network(S), brainIntact: R0, brainPerturbed: R1, alpha: 1 }, { lesionedUnits: S.length, candidates: hidden, samples: 99, seed: 1, lesionedFor: async (units) => network(units) });
  assert.ok(score.pooled > 0.9, `pooled r ${score.pooled}`);
  assert.ok(score.meanPerUnit > 0.8, `mean per-unit r ${score.meanPerUnit}`);
  assert.equal(score.perUnit.length, 15);
  assert.equal(score.null!.p, 1 / 100);
  const wrong = await causalScore({ intact: X0, lesioned: network([0, 1, 3, 4]), brainIntact: R0, brainPerturbed: R1, alpha: 1 });
  assert.ok(wrong.pooled < score.pooled - 0.3, `wrong units ${wrong.pooled} vs ${score.pooled}`);
});

test('no real effect: score near 0, p not small', async () => {
  const R1null = noisy(R0, 0.5);
  const score = await causalScore({ intact: X0, lesioned: network(S), brainIntact: R0, brainPerturbed: R1null, alpha: 1 }, { lesionedUnits: S.length, candidates: hidden, samples: 99, seed: 1, lesionedFor: async (units) => network(units) });
  assert.ok(Math.abs(score.pooled) < 0.15, `pooled r ${score.pooled}`);
  assert.ok(score.null!.p > 0.05, `p ${score.null!.p}`);
});

test('the predicted change is the difference of the ridge predictions on the lesioned and intact activations', () => {
  const X1 = network(S);
  const d = predictedChange(X0, X1, R0, 3);
  const p0 = ridgeFitPredict(X0, R0, X0, 3).predictions;
  const p1 = ridgeFitPredict(X0, R0, X1, 3).predictions;
  for (let i = 0; i < d.data.length; i++) assert.ok(Math.abs(d.data[i]! - (p1.data[i]! - p0.data[i]!)) < 1e-9);
});
