/**
 * How a run is put together. The executor (engine/run/execute.ts) loads every representation once,
 * then for each comparison and each (layer, region) pair calls the runner of the comparison's metric
 * family. Runners live in engine/run/runners/<family>.ts and are registered in
 * engine/run/runners/index.ts. A runner reads its parameters from `comparison.params` (exactly the
 * keys the schema allows for its metric), does the math through engine/metrics and engine/stats,
 * and returns one score record. Anything expensive that other pairs, folds or metrics could reuse
 * (centred Grams, RDMs, noise ceilings, fold decompositions) goes through `context.shared`.
 */
import type { Matrix, NDArray } from '../core/matrix';
import type { ComparisonSpec, MetricFamily, SourceKind, Spec } from '../spec/types';

export interface SubjectData {
  /** stimuli × units (trailing axes flattened). For kind 'repeats', the NaN-skipping mean over repeats. */
  responses?: Matrix;
  /** stimuli × repeats × units as given (kind 'repeats' only); NaN where a repeat is missing. */
  repeats?: NDArray;
  /** Condensed RDM in squareform order (kind 'rdm' only). */
  rdm?: Float64Array;
}

/** One model layer or brain region, loaded and checked (finite where required, shapes agreed). */
export interface LoadedRepresentation {
  name: string;
  role: 'model' | 'brain';
  kind: SourceKind;
  stimuli: number;
  /** One entry per subject; exactly one when the source has no `subjects` axes. */
  subjects: SubjectData[];
  /** True when the source declared `subjects` axes (even if there is only one subject). */
  hasSubjects: boolean;
  /** Original trailing shape per stimulus (e.g. [h, w, c] for convolutional layers), when known. */
  unitShape?: number[];
  file: string;
  key?: string;
}

/** Memoised products shared across comparisons, pairs and folds within one run. */
export interface SharedProducts {
  /** Compute once per key and run; later calls return the same value. Keys should name inputs and method, e.g. `rdm:model:conv1:correlation`. */
  get<T>(key: string, compute: () => T): T;
}

export interface StimulusTable {
  columns: string[];
  rows: string[][];
}

export interface RunContext {
  spec: Spec;
  signal: AbortSignal;
  /** Progress of the current (comparison, layer, region) job, as a fraction in [0, 1]. */
  progress(fraction: number, message?: string): void;
  /** Stimulus labels, when `stimuli.labels` is set. */
  labels?: StimulusTable;
  shared: SharedProducts;
  /** A note to show with the results (not an error). */
  warn(message: string): void;
  /** Offer an RDM (condensed; brain: mean over subjects) for the panel's heat maps. */
  recordRdm?(role: 'model' | 'brain', name: string, condensed: Float64Array): void;
}

export interface ConfidenceInterval {
  lower: number;
  upper: number;
  level: number;
  /** e.g. 'bootstrap percentile over stimuli' */
  method: string;
  samples: number;
  seed: number;
  standardError?: number;
}

export interface NoiseCeiling {
  lower: number;
  upper: number;
  /** e.g. 'rsatoolbox leave-one-subject-out (spearman)', 'Algonauts 2019 (mean squared Spearman)', 'split-half Spearman–Brown' */
  convention: string;
}

/** What a runner returns for one (layer, region) pair. */
export interface Score {
  /** What `value` is, in words a reader can trace: 'Spearman r, mean over 15 subjects'. */
  measure: string;
  value: number;
  /** false for distances. */
  higherIsBetter: boolean;
  perSubject?: number[];
  /** Standard error of the mean over subjects (ddof 1). */
  sem?: number;
  ci?: ConfidenceInterval;
  p?: { value: number; test: string };
  noiseCeiling?: NoiseCeiling;
  /** Permutation null distribution (for the panel's histogram). */
  nullDistribution?: number[];
  /** Cross-validation folds actually used (0-based stimulus indices). */
  folds?: { train: number[]; test: number[] }[];
  /** Anything else worth keeping (per-unit scores, chosen alphas, per-fold values, direction, ...). JSON-serialisable. */
  details?: Record<string, unknown>;
  warnings?: string[];
}

export interface ScoreRecord extends Score {
  comparison: string;
  metric: MetricFamily;
  layer: string;
  region: string;
  /** Wall time of this pair in milliseconds (when it was computed). */
  milliseconds: number;
  /** Served from the on-disk cache: nothing it depends on changed since it was computed. */
  fromCache?: boolean;
}

export interface ComparisonRunner {
  metric: MetricFamily;
  /** Score one (layer, region) pair. Throw SimspecError for bad data; check `context.signal` in long loops. */
  run(comparison: ComparisonSpec, model: LoadedRepresentation, brain: LoadedRepresentation, context: RunContext): Promise<Score>;
  /**
   * Optional: results that need every pair of the comparison (e.g. a warping index across groups,
   * an MDS map of all layers and regions). Stored under `derived[comparison.name]` in the results.
   */
  finish?(comparison: ComparisonSpec, records: ScoreRecord[], representations: LoadedRepresentation[], context: RunContext): Promise<Record<string, unknown> | undefined>;
}
