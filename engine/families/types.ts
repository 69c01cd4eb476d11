/**
 * The metric-family interface. One file per family, `engine/families/<id>.ts`, exports one
 * `FamilyDefinition`; `engine/families/index.ts` lists them (one line each). Everything else — the
 * `MetricFamily` type, the spec schema's metric enum / `allOf` branches / `$defs` entries, the CLI
 * usage text, `simspec score --case` dispatch, the run-time runner and the checks the editor shows —
 * is derived from that list. docs/adding-a-metric.md walks through adding a family.
 *
 * A definition holds:
 *  - `id`: the value of `metric:` in a spec (also the `$defs/<id>Comparison` name).
 *  - `description`: the markdown shown for that enum value (hover, completion).
 *  - `defaults`: the ONE table of the family's parameter defaults. The schema's `default` fields are
 *    generated from it and `parse` reads it; nothing else may restate a default.
 *  - `properties`: the JSON-schema properties of the family's comparison keys (markdownDescription,
 *    markdownEnumDescriptions; no `default`: those come from `defaults`).
 *  - `parse(raw, at)`: the comparison's raw params (as written, schema-valid) → typed Params with
 *    every default filled. Reads only keys listed in `properties`. Throws SimspecError for values the
 *    schema cannot express (at(key) names the key).
 *  - `check(params, context, report)`: every rule the engine would refuse at run time that the
 *    data's layout (shapes, kinds, subjects) can reveal, reported on a key path with a stable code.
 *    `run` must never refuse a spec/parameter problem that `check` let through (test/engine/families).
 *  - `run(comparison, params, model, brain, context)`: score one (layer, region) pair. Families that
 *    score a pair of response matrices build it with `pairRunner` (engine/families/runner.ts), which
 *    does subjects, the model-subject mean, the stimulus-count check and resampling statistics; they
 *    then only give `scorePair`, `higherIsBetter` and `measure`.
 *  - `finish?`: results that need every pair of a comparison (e.g. an MDS map).
 *  - `caseHandlers`: `simspec score --case` handlers keyed by reference-case metric id.
 *
 * Layering: families import metrics/, inference/, stats/, linalg/, io/, core/ and never run/, spec/,
 * cli, server or client; no family imports another family (shared helpers live in runner.ts).
 */
import type { Matrix, NDArray } from '../core/matrix';
import type { CaseHandlers } from '../cases/types';

export type SourceKind = 'responses' | 'repeats' | 'rdm';

export interface BootstrapSettings {
  over: ('stimuli' | 'subjects')[];
  samples: number;
  ci: number;
  seed: number;
  /** 'percentile' (default) or 'bca' (bias-corrected and accelerated; docs/metrics.md §2.6). */
  interval?: 'percentile' | 'bca';
}

export interface StatisticsSettings {
  noiseCeiling: boolean;
  /**
   * The ceiling asked for by name (`noise_ceiling: leave-one-subject-out | split-half`); absent for
   * `true` or by default, where RSA uses leave-one-subject-out with subjects and split-half over
   * repeats for one subject with repeats (docs/metrics.md §2.4).
   */
  noiseCeilingMethod?: 'leave-one-subject-out' | 'split-half';
  bootstrap?: BootstrapSettings;
  permutation?: { samples: number; seed: number };
  test: 'one-sided' | 'two-sided';
}

/** A comparison as a family sees it (engine/spec/types.ts narrows `metric` to the registry's ids). */
export interface FamilyComparison {
  name: string;
  metric: string;
  /** Metric parameters exactly as written (validated by the schema); the family's `parse` reads them. */
  params: Record<string, unknown>;
  layers: string[];
  regions: string[];
  statistics: StatisticsSettings;
  /** Index in the `comparisons` list. */
  index: number;
}

export interface SubjectData {
  /** stimuli × units (trailing axes flattened). For kind 'repeats', the NaN-skipping mean over repeats. */
  responses?: Matrix;
  /** stimuli × repeats × units as given (kind 'repeats' only); NaN where a repeat is missing. */
  repeats?: NDArray;
  /** Condensed RDM in squareform order (kind 'rdm' only). */
  rdm?: Float64Array;
  /**
   * A source with a `time` axis (read by time-resolved families only; the fields above are then
   * absent): responses time × stimuli × units, repeats time × stimuli × repeats × units (NaN where a
   * repeat is missing), or an RDM movie time × condensed pairs.
   */
  timecourse?: NDArray;
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
  /** Time samples, when the source has a `time` axis (each subject then carries `timecourse`). */
  time?: number;
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
  /** The spec being run; families read only its folder (relative files in params). */
  spec: { baseDir: string };
  signal: AbortSignal;
  /**
   * Progress of the current (comparison, layer, region) job, as a fraction in [0, 1]; a counted step
   * (bootstrap or permutation samples) adds its count and time-left estimate, which the CLI and the
   * editor show as "bootstrap 412/1000, ~30 s left" (engine/run/protocol.ts describeProgress).
   */
  progress(fraction: number, message?: string, count?: { done: number; total: number; etaSeconds?: number }): void;
  /** Stimulus labels, when `stimuli.labels` is set. */
  labels?: StimulusTable;
  shared: SharedProducts;
  /** A note to show with the results (not an error). */
  warn(message: string): void;
  /** Offer an RDM (condensed; brain: mean over subjects) for the panel's heat maps. */
  recordRdm?(role: 'model' | 'brain', name: string, condensed: Float64Array): void;
  /**
   * A comparison-level hook for work shared across layers: the model layers this run has still to
   * score against the current region in the current comparison, the current job's layer first, in
   * job order (not those served from the score cache or scored by another shard), loaded on request.
   * A layer that fails to load is left out (its own job reports the error). Absent outside planned
   * runs. The RSA bootstrap uses it to draw and rank each brain sample once for all of them.
   */
  layersStillToScore?(): Promise<LoadedRepresentation[]>;
  /**
   * Write a file beside the results (`<results file>.<suffix>`, temp file + rename), in `finish`
   * only and only when the run writes its results; returns the file's name, or undefined (with a
   * warning) when the path holds a file that is not ours. Absent when nothing is written.
   */
  writeOutput?(suffix: string, bytes: Uint8Array): string | undefined;
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
  /** Resampling statistics (issue 14): which SE convention `standardError` follows, and the draws. */
  standardErrorConvention?: string;
  draws?: BootstrapDraws;
}

/** The bootstrap draws of a score, kept in the results: the values as computed, before any adjustment named in `adjusted`. */
export interface BootstrapDraws {
  encoding: 'float32-base64';
  count: number;
  values: string;
  adjusted: string;
}

export interface NoiseCeiling {
  lower: number;
  upper: number;
  /** e.g. 'rsatoolbox leave-one-subject-out (spearman)', 'Algonauts 2019 (mean squared Spearman)', 'split-half Spearman–Brown' */
  convention: string;
}

/** What a family returns for one (layer, region) pair. */
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
  /**
   * When `value` is normalised (e.g. divided by a noise ceiling): the value before normalisation and
   * the rule, named (`r/c`, `(r/c)^2`, `r^2/c`). The table shows both side by side.
   */
  raw?: { value: number; normalization: string };
  /**
   * Ridge penalty used: its range over splits (and targets, when chosen per target), and the grid it
   * was chosen from when there were several candidates. min = max for a single α.
   */
  alpha?: { min: number; max: number; grid?: { min: number; max: number; count: number } };
  /** Permutation null distribution (for the panel's histogram). */
  nullDistribution?: number[];
  /** Cross-validation folds actually used (0-based stimulus indices). */
  folds?: { train: number[]; test: number[] }[];
  /** Anything else worth keeping (per-unit scores, chosen alphas, per-fold values, direction, ...). JSON-serialisable. */
  details?: Record<string, unknown>;
  warnings?: string[];
  /**
   * Why `value` is NaN (a constant RDM, every unit unpredictable, ...); present exactly when it is.
   * The table, the results JSON and the panel show it where the value would be.
   */
  reason?: string;
}

/** A scored pair as `finish` sees it. */
export interface PairRecord extends Score {
  comparison: string;
  metric: string;
  layer: string;
  region: string;
}

/** The layout of one representation as the checks know it from the file's shape (no data read). */
export interface LayoutInfo {
  kind: SourceKind;
  stimuli: number;
  subjects: number;
  /** Units per stimulus (responses, repeats); undefined for RDMs. */
  units?: number;
  repeats?: number;
  /** Time samples, when the source has a `time` axis. */
  time?: number;
}

export interface CheckContext {
  /** Every (model layer, brain region) pair of the comparison whose layouts are known. */
  pairs: readonly { model: LayoutInfo; brain: LayoutInfo }[];
  /** Number of stimuli, when known. */
  stimuli?: number;
  statistics: StatisticsSettings;
  /** The key path of the statistics block in force (the comparison's own or the spec's). */
  statisticsPath: (string | number)[];
  /** Column names of `stimuli.labels`, when set and readable. */
  labelColumns?: string[];
  hasLabels: boolean;
  /** The label table as the run reads it (columns named by position without a header), when readable. */
  labels?: StimulusTable;
  /** Folder of the spec (relative files in params, e.g. an explicit folds file). */
  baseDir: string;
  /** The keys written in the comparison (to report on a written key rather than a defaulted one). */
  rawKeys: string[];
}

/**
 * Report one problem. `key` is the path inside the comparison (e.g. ['reduce', 'components']); when
 * it starts with '/', it is a path from the spec's root (e.g. for the statistics block).
 */
export type CheckReport = (message: string, key: (string | number)[], code: string, extra?: { severity?: 'error' | 'warning'; suggestions?: string[]; part?: 'key' | 'value' }) => void;

/** Reference-case handlers compute the value from params and inputs only (engine/cases/types.ts). */
export type { CaseHandlers };

export type JsonSchema = Record<string, unknown>;

export interface FamilyDefinition<Id extends string = string, Params = unknown> {
  id: Id;
  /** Markdown for the `metric` enum value (hover, completion, README). */
  description: string;
  /** Short summary for the CLI usage text. */
  summary: string;
  /** The family reads sources with a `time` axis (every other family's comparisons refuse them). */
  timeResolved?: boolean;
  /** The one table of parameter defaults (schema `default` fields are generated from it). */
  defaults: Readonly<Record<string, unknown>>;
  /** JSON-schema properties of the family's keys, without `default`. */
  properties: Readonly<Record<string, JsonSchema>>;
  parse(raw: Record<string, unknown>, comparison: Pick<FamilyComparison, 'index'>): Params;
  check(params: Params, context: CheckContext, report: CheckReport): void;
  run(comparison: FamilyComparison, params: Params, model: LoadedRepresentation, brain: LoadedRepresentation, context: RunContext): Promise<Score>;
  finish?(comparison: FamilyComparison, params: Params, records: PairRecord[], representations: LoadedRepresentation[], context: RunContext): Promise<Record<string, unknown> | undefined>;
  caseHandlers: CaseHandlers;
}

/** A family with its Params type erased (what the registry holds). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyFamily = FamilyDefinition<string, any>;

/** A family as the executor calls it: the raw params parsed, then the family's run. */
export interface ComparisonRunner {
  metric: string;
  /** Score one (layer, region) pair. Throws SimspecError for bad data; checks `context.signal` in long loops. */
  run(comparison: FamilyComparison, model: LoadedRepresentation, brain: LoadedRepresentation, context: RunContext): Promise<Score>;
  /** Results that need every pair of the comparison, stored under `derived[comparison.name]`. */
  finish?(comparison: FamilyComparison, records: PairRecord[], representations: LoadedRepresentation[], context: RunContext): Promise<Record<string, unknown> | undefined>;
}
