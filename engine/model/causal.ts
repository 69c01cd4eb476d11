/**
 * The causal score (docs/model-execution.md §8): does a virtual lesion of the network predict how a
 * real perturbation changes the brain's responses?
 *
 * Given, for the same n stimuli, the intact network's layer activations X₀ (n × p), the lesioned
 * network's X₁, and the brain's responses without and with the real perturbation R₀, R₁ (n × q):
 *  1. fit the encoding model on the intact condition only: ridge (α, intercept) from X₀ to R₀
 *     (engine/metrics/regression/ridge.ts); R₁ is never used to fit;
 *  2. predicted change ΔR̂ = f(X₁) − f(X₀) = (X₁ − X₀) W; observed change ΔR = R₁ − R₀;
 *  3. per brain unit v: r_v = Pearson(ΔR̂[:, v], ΔR[:, v]) over stimuli; pooled: Pearson r over all
 *     n·q entries of ΔR̂ and ΔR (so units whose change is large weigh more); the score is the pooled r;
 *  4. null: the same number of units (or channels) of the lesioned layer chosen uniformly at random
 *     (seeded), B times; each gives its X₁ and its pooled r; p = (1 + #{null ≥ observed}) / (B + 1),
 *     one-sided: "the lesioned units predict the change better than lesioning as many other units".
 */
import type { Matrix } from '../core/matrix';
import { CancelledError, SimspecError } from '../core/errors';
import { ridgeFitPredict } from '../metrics/regression/ridge';
import { pearson } from '../metrics/regression/scores';
import { seededUniform } from './build';

export interface CausalInputs {
  intact: Matrix;
  lesioned: Matrix;
  brainIntact: Matrix;
  brainPerturbed: Matrix;
  alpha: number;
}

export interface CausalScore {
  /** Pearson r over every (stimulus, unit) entry of predicted vs observed change. */
  pooled: number;
  /** Pearson r over stimuli per brain unit (NaN where a change is constant). */
  perUnit: number[];
  /** Mean of the finite per-unit r. */
  meanPerUnit: number;
  null?: { samples: number; seed: number; values: number[]; p: number };
}

/** ΔR̂ = f(X₁) − f(X₀) from a ridge fit on (X₀, R₀). */
export function predictedChange(intact: Matrix, lesioned: Matrix, brainIntact: Matrix, alpha: number): Matrix {
  const n = intact.rows;
  const stacked = new Float64Array(2 * n * intact.cols);
  stacked.set(intact.data, 0);
  stacked.set(lesioned.data, n * intact.cols);
  const { predictions } = ridgeFitPredict(intact, brainIntact, { rows: 2 * n, cols: intact.cols, data: stacked }, alpha);
  const q = brainIntact.cols;
  const out = new Float64Array(n * q);
  for (let i = 0; i < n * q; i++) out[i] = predictions.data[n * q + i]! - predictions.data[i]!;
  return { rows: n, cols: q, data: out };
}

export function scoreChange(predicted: Matrix, observed: Matrix): Pick<CausalScore, 'pooled' | 'perUnit' | 'meanPerUnit'> {
  const perUnit: number[] = [];
  for (let v = 0; v < observed.cols; v++) {
    const a = Float64Array.from({ length: observed.rows }, (_, i) => predicted.data[i * observed.cols + v]!);
    const b = Float64Array.from({ length: observed.rows }, (_, i) => observed.data[i * observed.cols + v]!);
    perUnit.push(pearson(a, b));
  }
  const finite = perUnit.filter(Number.isFinite);
  return { pooled: pearson(predicted.data, observed.data), perUnit, meanPerUnit: finite.length ? finite.reduce((s, x) => s + x, 0) / finite.length : NaN };
}

export function observedChange(brainIntact: Matrix, brainPerturbed: Matrix): Matrix {
  if (brainIntact.rows !== brainPerturbed.rows || brainIntact.cols !== brainPerturbed.cols) {
    throw new SimspecError(`the perturbed condition is ${brainPerturbed.rows} × ${brainPerturbed.cols}, the intact one ${brainIntact.rows} × ${brainIntact.cols}`, { expected: 'the same stimuli and units in both conditions', code: 'causal.shape' });
  }
  return { rows: brainIntact.rows, cols: brainIntact.cols, data: brainPerturbed.data.map((v, i) => v - brainIntact.data[i]!) };
}

/**
 * The causal score, with a permutation null when `lesionedFor` is given: it returns X₁ for a lesion
 * of the given units (or channels) of the lesioned layer, which has `candidates` of them.
 */
export async function causalScore(
  inputs: CausalInputs,
  nullOptions?: { lesionedUnits: number; candidates: number; samples: number; seed: number; lesionedFor: (units: number[]) => Promise<Matrix>; signal?: AbortSignal },
): Promise<CausalScore> {
  const observed = observedChange(inputs.brainIntact, inputs.brainPerturbed);
  const result: CausalScore = scoreChange(predictedChange(inputs.intact, inputs.lesioned, inputs.brainIntact, inputs.alpha), observed);
  if (!nullOptions) return result;
  const next = seededUniform(nullOptions.seed);
  const values: number[] = [];
  for (let b = 0; b < nullOptions.samples; b++) {
    if (nullOptions.signal?.aborted) throw new CancelledError();
    const pool = Array.from({ length: nullOptions.candidates }, (_, i) => i);
    for (let i = 0; i < nullOptions.lesionedUnits; i++) {
      const j = i + Math.floor(next() * (pool.length - i));
      [pool[i], pool[j]] = [pool[j]!, pool[i]!];
    }
    const units = pool.slice(0, nullOptions.lesionedUnits).sort((a, c) => a - c);
    const x1 = await nullOptions.lesionedFor(units);
    values.push(scoreChange(predictedChange(inputs.intact, x1, inputs.brainIntact, inputs.alpha), observed).pooled);
  }
  const exceed = values.filter((v) => v >= result.pooled).length;
  result.null = { samples: nullOptions.samples, seed: nullOptions.seed, values, p: (1 + exceed) / (nullOptions.samples + 1) };
  return result;
}
