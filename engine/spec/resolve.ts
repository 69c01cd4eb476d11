/**
 * Turn a schema-valid spec value into a typed `Spec`: defaults filled, paths resolved against the
 * spec's folder. Pure (no file access), so the language server can call it on every keystroke.
 */
import { dirname, isAbsolute, resolve, basename } from 'node:path';
import type { Preprocessing } from '../model/images';
import type { ComparisonSpec, DataSource, MetricFamily, OnnxModelSource, Representation, SourceKind, Spec, StatisticsSettings, StimulusSelection, UnitSelection } from './types';

type Json = Record<string, unknown>;

export function resolvePath(baseDir: string, file: string): string {
  return isAbsolute(file) ? file : resolve(baseDir, file);
}

export function defaultOutputPath(specFile: string): string {
  const name = basename(specFile).replace(/\.simspec\.ya?ml$/i, '').replace(/\.ya?ml$/i, '');
  return resolve(dirname(specFile), `${name}.results.json`);
}

function asSubjects(value: unknown): number[] | undefined {
  if (typeof value === 'number') return [value];
  if (Array.isArray(value)) return value.map(Number);
  return undefined;
}

/** A `kind` as written, or the one the axes imply: a `repeats` axis means responses with repeats. */
function kindOf(raw: Json): SourceKind {
  if (raw.kind !== undefined) return raw.kind as SourceKind;
  return Array.isArray(raw.axes) && raw.axes.includes('repeats') ? 'repeats' : 'responses';
}

function asUnitSelection(value: unknown): UnitSelection | undefined {
  if (Array.isArray(value)) return { indices: value.map(Number) };
  if (!value || typeof value !== 'object') return undefined;
  const raw = value as Json;
  const out: UnitSelection = {};
  if (Array.isArray(raw.indices)) out.indices = raw.indices.map(Number);
  const reliability = raw.reliability as Json | undefined;
  if (reliability && typeof reliability === 'object') out.reliability = { min: Number(reliability.min), method: 'split-half' };
  return out;
}

/** `stimuli.select` as written: a list of indices, or `{ column: value | [values] }` filters. */
export function asStimulusSelection(value: unknown): StimulusSelection | undefined {
  if (Array.isArray(value)) return { indices: value.map(Number) };
  if (!value || typeof value !== 'object') return undefined;
  const where: Record<string, string[]> = {};
  for (const [column, accepted] of Object.entries(value as Json)) where[column] = (Array.isArray(accepted) ? accepted : [accepted]).map(String);
  return { where };
}

function toSource(baseDir: string, raw: Json, specPath: (string | number)[], onnxFile?: string): DataSource {
  if (typeof raw.output === 'string') {
    // A tensor of the `model.onnx` network: the source's file is the network.
    const file = onnxFile ?? '';
    return { file, path: file ? resolvePath(baseDir, file) : '', kind: 'responses', transpose: false, specPath, tensor: raw.output };
  }
  const source: DataSource = {
    file: String(raw.file),
    path: resolvePath(baseDir, String(raw.file)),
    kind: kindOf(raw),
    transpose: raw.transpose === true,
    specPath,
  };
  if (typeof raw.key === 'string') source.key = raw.key;
  const subjects = asSubjects(raw.subjects);
  if (subjects) source.subjects = subjects;
  if (Array.isArray(raw.axes)) source.axes = raw.axes.map(String);
  const units = asUnitSelection(raw.units);
  if (units) source.units = units;
  return source;
}

export function resolveStatistics(raw: Json | undefined, base?: StatisticsSettings): StatisticsSettings {
  const out: StatisticsSettings = base ? { ...base } : { noiseCeiling: true, test: 'two-sided' };
  if (!raw) return out;
  if (raw.noise_ceiling !== undefined) {
    out.noiseCeiling = raw.noise_ceiling === true || raw.noise_ceiling === 'leave-one-subject-out' || raw.noise_ceiling === 'split-half';
    // `true` lets the family choose (subjects → leave-one-subject-out, one subject with repeats → split-half).
    if (raw.noise_ceiling === 'leave-one-subject-out' || raw.noise_ceiling === 'split-half') out.noiseCeilingMethod = raw.noise_ceiling;
    else delete out.noiseCeilingMethod;
  }
  if (raw.test !== undefined) out.test = raw.test as StatisticsSettings['test'];
  const bootstrap = raw.bootstrap as Json | undefined;
  if (bootstrap) {
    const over = bootstrap.over === undefined ? ['stimuli'] : Array.isArray(bootstrap.over) ? bootstrap.over : [bootstrap.over];
    out.bootstrap = {
      over: over as ('stimuli' | 'subjects')[],
      samples: Number(bootstrap.samples),
      ci: typeof bootstrap.ci === 'number' ? bootstrap.ci : 0.95,
      seed: typeof bootstrap.seed === 'number' ? bootstrap.seed : 0,
      ...(bootstrap.interval === 'bca' || bootstrap.interval === 'percentile' ? { interval: bootstrap.interval } : {}),
    };
  }
  const permutation = raw.permutation as Json | undefined;
  if (permutation) out.permutation = { samples: Number(permutation.samples), seed: typeof permutation.seed === 'number' ? permutation.seed : 0 };
  return out;
}

const COMMON_COMPARISON_KEYS = new Set(['name', 'metric', 'layers', 'regions', 'statistics']);

/** Resolve a value that passed schema validation. Layers of `model.activations` are filled in later, from the file. */
export function resolveSpec(value: Json, specFile: string): Spec {
  const baseDir = dirname(specFile);
  const model = (value.model ?? {}) as Json;
  const layersRaw = (model.layers ?? {}) as Record<string, Json>;
  const onnxFile = typeof model.onnx === 'string' ? model.onnx : undefined;
  const layers: Representation[] = Object.entries(layersRaw).map(([name, raw]) => ({ name, role: 'model', source: toSource(baseDir, raw, ['model', 'layers', name], onnxFile) }));
  const regions: Representation[] = Object.entries((value.brain ?? {}) as Record<string, Json>).map(([name, raw]) => ({ name, role: 'brain', source: toSource(baseDir, raw, ['brain', name]) }));
  const statistics = resolveStatistics(value.statistics as Json | undefined);
  const comparisons: ComparisonSpec[] = ((value.comparisons ?? []) as Json[]).map((raw, index) => {
    const params: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(raw)) if (!COMMON_COMPARISON_KEYS.has(k)) params[k] = v;
    return {
      name: String(raw.name),
      metric: raw.metric as MetricFamily,
      params,
      layers: Array.isArray(raw.layers) ? raw.layers.map(String) : layers.map((l) => l.name),
      regions: Array.isArray(raw.regions) ? raw.regions.map(String) : regions.map((r) => r.name),
      statistics: resolveStatistics(raw.statistics as Json | undefined, statistics),
      index,
    };
  });
  const stimuli = (value.stimuli ?? {}) as Json;
  const spec: Spec = {
    version: 1,
    specFile,
    baseDir,
    layers,
    regions,
    comparisons,
    statistics,
    output: typeof value.output === 'string' ? resolvePath(baseDir, value.output) : defaultOutputPath(specFile),
  };
  if (typeof value.title === 'string') spec.title = value.title;
  if (typeof value.description === 'string') spec.description = value.description;
  if (typeof model.name === 'string') spec.modelName = model.name;
  if (typeof stimuli.count === 'number') spec.stimulusCount = stimuli.count;
  const select = asStimulusSelection(stimuli.select);
  if (select) spec.select = select;
  if (stimuli.labels !== undefined) {
    const labels = typeof stimuli.labels === 'string' ? { file: stimuli.labels, header: true } : (stimuli.labels as Json);
    spec.labels = { file: String(labels.file), path: resolvePath(baseDir, String(labels.file)), header: labels.header !== false };
  }
  if (onnxFile !== undefined) spec.onnx = resolveOnnx(baseDir, model, onnxFile);
  const activations = model.activations as Json | undefined;
  if (activations) {
    spec.activations = {
      file: String(activations.file),
      path: resolvePath(baseDir, String(activations.file)),
      kind: kindOf(activations),
      transpose: activations.transpose === true,
      specPath: ['model', 'activations'],
    };
    if (Array.isArray(activations.axes)) spec.activations.axes = activations.axes.map(String);
  }
  return spec;
}

function pair(value: unknown): number | [number, number] | undefined {
  if (typeof value === 'number') return value;
  if (Array.isArray(value) && value.length === 2) return [Number(value[0]), Number(value[1])];
  return undefined;
}

function triple(value: unknown, fallback: number): [number, number, number] {
  return Array.isArray(value) && value.length === 3 ? [Number(value[0]), Number(value[1]), Number(value[2])] : [fallback, fallback, fallback];
}

/** `model.onnx` and its `stimuli`, `input`, `batch_size`, `lesion` (defaults filled; no file access). */
function resolveOnnx(baseDir: string, model: Json, file: string): OnnxModelSource {
  const stimuli = (model.stimuli ?? {}) as Json;
  const images: OnnxModelSource['images'] = Array.isArray(stimuli.images)
    ? { files: stimuli.images.map((f) => resolvePath(baseDir, String(f))), written: stimuli.images.map(String) }
    : { folder: resolvePath(baseDir, String(stimuli.images ?? '')), written: String(stimuli.images ?? '') };
  const preprocessing: Preprocessing = {
    mean: triple(stimuli.mean, 0),
    std: triple(stimuli.std, 1),
    channelOrder: stimuli.channel_order === 'BGR' ? 'BGR' : 'RGB',
    layout: stimuli.layout === 'NHWC' ? 'NHWC' : 'NCHW',
  };
  const size = pair(stimuli.size);
  if (size !== undefined) preprocessing.size = size;
  const crop = pair(stimuli.crop);
  if (crop !== undefined) preprocessing.crop = crop;
  const out: OnnxModelSource = { file, path: resolvePath(baseDir, file), images, preprocessing, batchSize: typeof model.batch_size === 'number' ? model.batch_size : 16 };
  if (typeof model.input === 'string') out.input = model.input;
  const inSilico = model.in_silico as Json | undefined;
  if (inSilico && typeof inSilico === 'object') {
    out.inSilico = {
      images: Array.isArray(inSilico.images) ? { files: inSilico.images.map((f) => resolvePath(baseDir, String(f))), written: inSilico.images.map(String) } : { folder: resolvePath(baseDir, String(inSilico.images ?? '')), written: String(inSilico.images ?? '') },
      layer: String(inSilico.layer),
      region: String(inSilico.region),
      alpha: typeof inSilico.alpha === 'number' ? inSilico.alpha : 1,
      folds: typeof inSilico.folds === 'number' ? inSilico.folds : 5,
      top: typeof inSilico.top === 'number' ? inSilico.top : 10,
    };
  }
  const lesion = model.lesion as Json | undefined;
  if (lesion && typeof lesion === 'object') {
    const units = lesion.units as Json | unknown[];
    out.lesion = {
      layer: String(lesion.layer),
      units: Array.isArray(units)
        ? units.map(Number)
        : { fraction: Number((units as Json)?.fraction), select: ((units as Json)?.select as 'random' | 'top-weight' | 'by-selectivity') ?? 'random', seed: typeof (units as Json)?.seed === 'number' ? ((units as Json).seed as number) : 0 },
      channels: lesion.channels === true,
      mode: lesion.mode === 'mean' ? 'mean' : 'zero',
    };
    const causal = lesion.causal as Json | undefined;
    if (causal && typeof causal === 'object') {
      out.lesion.causal = { intact: String(causal.intact), perturbed: String(causal.perturbed), alpha: typeof causal.alpha === 'number' ? causal.alpha : 1, samples: typeof causal.samples === 'number' ? causal.samples : 100, seed: typeof causal.seed === 'number' ? causal.seed : 0 };
    }
  }
  return out;
}
