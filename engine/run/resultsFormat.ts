/**
 * The shape of a results file (schemas/results.schema.json), written by engine/run/results.ts and
 * read by the panel (client/webview/model.ts). Types only and no Node import, so that the browser
 * bundle and its DOM-only TypeScript project (client/webview/tsconfig.json) can import it.
 */
import type { ScoreRecord } from './types';

/** What a source's `units` kept for one subject. */
export interface UnitsKept {
  of: number;
  count: number;
  indices: number[];
  reliability?: (number | null)[];
  threshold?: number;
}

export interface Results {
  format: 'simspec-results';
  version: 1;
  title?: string;
  spec: { file: string; sha256: string };
  engine: { name: 'simspec'; version: string; node: string };
  created: string;
  stimuli: number;
  model?: string;
  layers: string[];
  regions: string[];
  comparisons: { name: string; metric: string; params: Record<string, unknown>; statistics: unknown }[];
  scores: ScoreRecord[];
  derived: Record<string, Record<string, unknown>>;
  /** Condensed RDMs (squareform order; brain: mean over subjects) for the panel's heat maps, when stimuli ≤ 400. */
  rdms?: { model: Record<string, number[]>; brain: Record<string, number[]> };
  /**
   * Which stimuli and units the scores used, when the spec selected some (`stimuli.select`, a
   * source's `units`): stimulus indices of the stored order, and per source and subject the units kept
   * (with each considered unit's split-half reliability when selected by reliability).
   */
  selection?: {
    stimuli?: { of: number; count: number; indices: number[] };
    units?: { model: Record<string, UnitsKept[]>; brain: Record<string, UnitsKept[]> };
  };
  // --- RDM sidecar (h14results; engine/run/rdmSidecar.ts) ---
  /** RDMs over more than 400 stimuli, in `<output>.rdms.npz` beside this file: its name, the stimuli, and which RDMs it holds (arrays `model/<layer>`, `brain/<region>`). */
  rdmSidecar?: { file: string; stimuli: number; model: string[]; brain: string[] };
  // --- end RDM sidecar ---
  /** `model.lesion.causal` (docs/model-execution.md §8): per layer the lesion reaches, predicted vs observed brain change. */
  causal?: { layer: string; intact: string; perturbed: string; alpha: number; pooled: number; meanPerUnit: number; perUnit: number[]; null?: { samples: number; seed: number; p: number } }[];
  /** `model.in_silico` (docs/model-execution.md §9): new images predicted to drive / suppress a region. */
  inSilico?: { layer: string; region: string; target: string; alpha: number; folds: number; cvR: number; images: number; drive: { image: string; predicted: number; sd: number }[]; suppress: { image: string; predicted: number; sd: number }[] };
  warnings: string[];
  timings: { totalMilliseconds: number; loadMilliseconds: number };
  /** Where runSpec wrote this file (set after writing; not part of the file itself). */
  outputPath?: string;
}
