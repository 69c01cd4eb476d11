/**
 * Types of a parsed and resolved spec (format v1). The JSON Schema in schemas/simspec.schema.json
 * is the single source of truth for what is allowed; these types describe the value after
 * validation, with defaults filled and file paths resolved against the spec's folder.
 */
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

export type SourceKind = 'responses' | 'repeats' | 'rdm';

export interface DataSource {
  /** As written in the spec. */
  file: string;
  /** Absolute path. */
  path: string;
  key?: string;
  kind: SourceKind;
  /** Axes that index subjects (merged in row-major order). */
  subjects?: number[];
  transpose: boolean;
  /** Where this source is declared in the spec (for diagnostics). */
  specPath: (string | number)[];
}

export interface Representation {
  name: string;
  role: 'model' | 'brain';
  source: DataSource;
}

export interface BootstrapSettings {
  over: ('stimuli' | 'subjects')[];
  samples: number;
  ci: number;
  seed: number;
}

export interface StatisticsSettings {
  noiseCeiling: boolean;
  bootstrap?: BootstrapSettings;
  permutation?: { samples: number; seed: number };
  test: 'one-sided' | 'two-sided';
}

export type MetricFamily = 'rsa' | 'regression' | 'shape' | 'cka' | 'cca';

export interface ComparisonSpec {
  name: string;
  metric: MetricFamily;
  /** Metric parameters exactly as written (validated by the schema); runners read their own. */
  params: Record<string, unknown>;
  layers: string[];
  regions: string[];
  statistics: StatisticsSettings;
  /** Index in the `comparisons` list. */
  index: number;
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
  modelName?: string;
  layers: Representation[];
  /** Set when layers come from `model.activations` (one file, every variable a layer). */
  activations?: Omit<DataSource, 'key' | 'subjects'>;
  regions: Representation[];
  comparisons: ComparisonSpec[];
  statistics: StatisticsSettings;
  /** Absolute path of the results file. */
  output: string;
}
