/**
 * Types of a parsed and resolved spec (format v1). The JSON Schema in schemas/simspec.schema.json
 * (composed from the metric families, engine/families/schema.ts) is the source of truth for what is
 * allowed; these types describe the value after validation, with file paths resolved against the
 * spec's folder. A comparison's metric parameters stay as written: its family's `parse` fills their
 * defaults. The types shared with the families (statistics, comparisons, source kinds) are defined in
 * engine/families/types.ts.
 */
import type { MetricFamily } from '../families';
import type { Preprocessing } from '../model/images';
import type { BootstrapSettings, FamilyComparison, SourceKind, StatisticsSettings } from '../families/types';

export type { BootstrapSettings, MetricFamily, SourceKind, StatisticsSettings };
export interface Position {
  /** 0-based line. */
  line: number;
  /** 0-based UTF-16 column (LSP convention). */
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export type Severity = 'error' | 'warning' | 'information';

export interface RelatedInformation {
  message: string;
  range: Range;
  /** Absolute path of another file, when the related place is not in the spec. */
  file?: string;
}

/** One problem found in a spec: what the editor shows as a diagnostic and `simspec check` prints. */
export interface Problem {
  severity: Severity;
  message: string;
  range: Range;
  /** Stable code: 'yaml.syntax', 'schema.enum', 'schema.unknown-key', 'data.missing-file', ... */
  code: string;
  /** Where the other side of a mismatch is. */
  related?: RelatedInformation[];
  /** Replacement candidates for a quick fix (did-you-mean), best first. */
  suggestions?: string[];
  /** Path in the spec the problem belongs to (keys and indices). */
  path?: (string | number)[];
}

export interface DataSource {
  /** As written in the spec. */
  file: string;
  /** Absolute path. */
  path: string;
  key?: string;
  kind: SourceKind;
  /** Axes that index subjects (merged in row-major order). */
  subjects?: number[];
  /** Deprecated alias of `axes: [units, stimuli]` for a 2-D response matrix. */
  transpose: boolean;
  /** Names of the stored axes, in stored order (engine/io/axes.ts); replaces `transpose`. */
  axes?: string[];
  /** Units kept (engine/spec/selection.ts): explicit indices and/or a split-half reliability threshold. */
  units?: UnitSelection;
  /** Where this source is declared in the spec (for diagnostics). */
  specPath: (string | number)[];
  /** A tensor of the `model.onnx` network (then `file`/`path` name the .onnx file). */
  tensor?: string;
  /** That tensor in the network with `model.lesion` applied (a layer `<name>.lesioned` of the run). */
  lesioned?: boolean;
}

/** `model.lesion` (docs/model-execution.md §5). */
export interface LesionSpec {
  layer: string;
  units: number[] | { fraction: number; select: 'random' | 'top-weight' | 'by-selectivity'; seed: number };
  channels: boolean;
  mode: 'zero' | 'mean';
  /** The causal score against a real perturbation (docs/model-execution.md §8). */
  causal?: { intact: string; perturbed: string; alpha: number; samples: number; seed: number };
}

/** `model.onnx` with its stimuli (docs/model-execution.md). */
export interface OnnxModelSource {
  file: string;
  path: string;
  input?: string;
  /** A folder (absolute) or a list of image files (absolute), as written in `images`. */
  images: { folder: string; written: string } | { files: string[]; written: string[] };
  preprocessing: Preprocessing;
  batchSize: number;
  lesion?: LesionSpec;
  /** `model.in_silico` (docs/model-execution.md §9). */
  inSilico?: { images: { folder: string; written: string } | { files: string[]; written: string[] }; layer: string; region: string; alpha: number; folds: number; top: number };
}

export interface UnitSelection {
  /** 0-based unit indices (after flattening trailing unit axes), in the order given. */
  indices?: number[];
  /** Keep units whose split-half reliability over repeats (Spearman–Brown corrected) is at least `min`. */
  reliability?: { min: number; method: 'split-half' };
}

/** `stimuli.select`: 0-based indices, or label-column filters (every column must match). */
export interface StimulusSelection {
  indices?: number[];
  /** Column → accepted values (as text; `true` also accepts 1/yes/True). */
  where?: Record<string, string[]>;
}

export interface Representation {
  name: string;
  role: 'model' | 'brain';
  source: DataSource;
}

export interface ComparisonSpec extends FamilyComparison {
  metric: MetricFamily;
}

export interface StimulusLabels {
  file: string;
  path: string;
  header: boolean;
}

export interface Spec {
  version: 1;
  title?: string;
  description?: string;
  /** Absolute path of the spec file. */
  specFile: string;
  /** Folder the spec's relative paths are resolved against. */
  baseDir: string;
  stimulusCount?: number;
  labels?: StimulusLabels;
  /** `stimuli.select`, applied to every source after loading. */
  select?: StimulusSelection;
  modelName?: string;
  layers: Representation[];
  /** Set when `model.onnx` names a network run on the stimulus images. */
  onnx?: OnnxModelSource;
  /** Set when layers come from `model.activations` (one file, every variable a layer). */
  activations?: Omit<DataSource, 'key' | 'subjects'>;
  regions: Representation[];
  comparisons: ComparisonSpec[];
  statistics: StatisticsSettings;
  /** Absolute path of the results file. */
  output: string;
}
