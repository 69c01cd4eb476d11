/**
 * Virtual lesions (docs/model-execution.md §5): which units of a tensor are lesioned, and the mask
 * (and, for `mode: mean`, the clamp values) inserted into the graph after that tensor
 * (engine/model/graph.ts `editedModel`).
 *
 * Units are the tensor's non-batch entries, flattened in C order (for [N, C, H, W]: (c·H + h)·W + w),
 * or with `channels: true` whole channels (axis 1). Choosing a fraction f of the n candidates lesions
 * k = max(1, round(f · n)) of them:
 *  - `random`: a seeded uniform choice (partial Fisher–Yates with the Mulberry32 generator of
 *    engine/model/build.ts, seeded by `seed`);
 *  - `top-weight`: the k with the largest mean absolute activation over the stimuli (and positions,
 *    for channels) in the intact network — the units that carry most of the layer's output;
 *  - `by-selectivity`: the k with the largest variance over the stimuli (for channels: the mean over
 *    positions of the variance over stimuli) — the most stimulus-selective units.
 * Ties go to the lower index. `mode: mean` clamps a lesioned unit to its mean over the stimuli in the
 * intact network instead of zero.
 */
import type { NDArray } from '../core/matrix';
import { SimspecError } from '../core/errors';
import { seededUniform } from './build';

export interface LesionChoice {
  units: number[] | { fraction: number; select: 'random' | 'top-weight' | 'by-selectivity'; seed: number };
  channels: boolean;
  mode: 'zero' | 'mean';
}

export interface LesionMask {
  /** Lesioned units (or channels), ascending. */
  chosen: number[];
  /** Candidates they were chosen from (units or channels per stimulus). */
  of: number;
  mask: Float32Array;
  unitShape: number[];
  fill?: Float32Array;
}

/** Per candidate (unit or channel): mean |activation| and variance over stimuli. */
function candidateScores(intact: NDArray, channels: boolean): { magnitude: Float64Array; variance: Float64Array } {
  const n = intact.shape[0]!;
  const units = intact.data.length / n;
  const count = channels ? intact.shape[1]! : units;
  const per = units / count; // positions per channel (1 for units)
  const magnitude = new Float64Array(count);
  const variance = new Float64Array(count);
  for (let u = 0; u < units; u++) {
    let sum = 0;
    let abs = 0;
    for (let i = 0; i < n; i++) {
      const v = intact.data[i * units + u]!;
      sum += v;
      abs += Math.abs(v);
    }
    const mean = sum / n;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += (intact.data[i * units + u]! - mean) ** 2;
    const c = Math.floor(u / per);
    magnitude[c] += abs / n / per;
    variance[c] += ss / n / per;
  }
  return { magnitude, variance };
}

function topK(score: Float64Array, k: number): number[] {
  const order = Array.from(score.keys()).sort((a, b) => score[b]! - score[a]! || a - b);
  return order.slice(0, k).sort((a, b) => a - b);
}

/** The lesion's mask over the tensor's units, from the intact activations (stimuli × unit shape). */
export function lesionMask(choice: LesionChoice, intact: NDArray, where: { file: string; variable: string }): LesionMask {
  const n = intact.shape[0]!;
  const unitShape = intact.shape.slice(1) as number[];
  const units = intact.data.length / n;
  if (choice.channels && unitShape.length < 1) throw new SimspecError('`channels: true` needs a tensor with a channel axis', { ...where, code: 'model.lesion-channels' });
  const count = choice.channels ? unitShape[0]! : units;
  let chosen: number[];
  if (Array.isArray(choice.units)) {
    const bad = choice.units.find((u) => u >= count);
    if (bad !== undefined) throw new SimspecError(`unit ${bad} does not exist`, { ...where, expected: `0-based ${choice.channels ? 'channels' : 'units'} below ${count}`, code: 'model.lesion-units' });
    chosen = [...new Set(choice.units)].sort((a, b) => a - b);
  } else {
    const k = Math.min(count, Math.max(1, Math.round(choice.units.fraction * count)));
    if (choice.units.select === 'random') {
      const next = seededUniform(choice.units.seed);
      const pool = Array.from({ length: count }, (_, i) => i);
      for (let i = 0; i < k; i++) {
        const j = i + Math.floor(next() * (count - i));
        [pool[i], pool[j]] = [pool[j]!, pool[i]!];
      }
      chosen = pool.slice(0, k).sort((a, b) => a - b);
    } else {
      const { magnitude, variance } = candidateScores(intact, choice.channels);
      chosen = topK(choice.units.select === 'top-weight' ? magnitude : variance, k);
    }
  }
  const per = units / count;
  const mask = new Float32Array(units).fill(1);
  for (const c of chosen) for (let p = 0; p < per; p++) mask[c * per + p] = 0;
  const out: LesionMask = { chosen, of: count, mask, unitShape };
  if (choice.mode === 'mean') {
    const fill = new Float32Array(units);
    for (let u = 0; u < units; u++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += intact.data[i * units + u]!;
      fill[u] = s / n;
    }
    out.fill = fill;
  }
  return out;
}
