/**
 * The run's side of `model.onnx` (docs/model-execution.md): activations of the network's layers,
 * computed once per run for every layer (one pass of the network over the images, another for the
 * lesioned network), served from and stored in the on-disk cache under content keys
 * (engine/model/key.ts); the lesioned copies of the layers a lesion can change; and the lesion
 * report (Δ = lesioned − intact for every comparison, layer and region, with a paired bootstrap
 * interval when both scores kept their bootstrap draws).
 */
import { createHash } from 'node:crypto';
import { SimspecError } from '../core/errors';
import type { Matrix, NDArray } from '../core/matrix';
import { downstreamTensors, type ModelGraph } from '../model/graph';
import { activationKey, sourceDigest, type ActivationSource } from '../model/key';
import { lesionMask, type LesionMask } from '../model/lesion';
import { observedChange, predictedChange, scoreChange } from '../model/causal';
import { seededUniform } from '../model/build';
import { ridgeFitPredict } from '../metrics/regression/ridge';
import { pearson } from '../metrics/regression/scores';
import { kFoldSplits } from '../stats/cv';
import { relative } from 'node:path';
import { runModel } from '../model/run';
import { graphOfFile, imageFiles } from '../model/source';
import type { Representation, Spec } from '../spec/types';
import { fileContentHash, type ProductCache } from './cache';
import type { ScoreRecord } from './types';

export const LESIONED = '.lesioned';

/** The lesioned copies of the layers a lesion can change (the lesioned layer and every layer downstream). */
export function lesionedLayers(spec: Spec): Representation[] {
  const lesion = spec.onnx?.lesion;
  if (!spec.onnx || !lesion) return [];
  const target = spec.layers.find((l) => l.name === lesion.layer && l.source.tensor !== undefined);
  if (!target) return [];
  const { graph } = graphOfFile(spec.onnx.path, spec.onnx.file);
  const reach = downstreamTensors(graph, target.source.tensor!);
  return spec.layers.filter((l) => l.source.tensor !== undefined && reach.has(l.source.tensor)).map((l) => ({ name: l.name + LESIONED, role: 'model', source: { ...l.source, lesioned: true } }));
}

export interface OnnxProgress {
  (fraction: number, message: string): void;
}

export class OnnxActivations {
  private readonly graph: ModelGraph;
  private readonly images: string[];
  private readonly input: string;
  private sourceMemo?: ActivationSource;
  private intact?: Promise<Map<string, NDArray>>;
  private lesioned?: Promise<Map<string, NDArray>>;
  /** The units the lesion chose (for the results). */
  lesion?: LesionMask;

  constructor(
    private readonly spec: Spec,
    private readonly options: { cache?: ProductCache; signal?: AbortSignal; progress: OnnxProgress },
  ) {
    const onnx = spec.onnx!;
    this.graph = graphOfFile(onnx.path, onnx.file).graph;
    this.images = imageFiles(onnx.images);
    const input = onnx.input ?? (this.graph.inputs.length === 1 ? this.graph.inputs[0] : undefined);
    if (input === undefined || !this.graph.inputs.includes(input)) throw new SimspecError(`the network's image input is not known (inputs: ${this.graph.inputs.join(', ')})`, { file: onnx.file, expected: 'one graph input, or `input:` naming it', code: 'model.onnx-inputs' });
    this.input = input;
  }

  /** The content description every key of this network's activations starts from. */
  source(): ActivationSource {
    this.sourceMemo ??= { model: fileContentHash(this.spec.onnx!.path), images: this.images.map((f) => fileContentHash(f)), preprocessing: this.spec.onnx!.preprocessing, input: this.input };
    return this.sourceMemo;
  }

  /** For the score cache: what determines this representation's values. */
  digest(rep: Representation): Record<string, unknown> {
    return { onnx: sourceDigest(this.source()), tensor: rep.source.tensor, ...(rep.source.lesioned ? { lesion: this.spec.onnx!.lesion } : {}) };
  }

  get imageCount(): number {
    return this.images.length;
  }

  async layer(rep: Representation): Promise<NDArray> {
    const tensor = rep.source.tensor!;
    const arrays = rep.source.lesioned ? await (this.lesioned ??= this.computeLesioned()) : await (this.intact ??= this.compute(this.tensorsOf(false)));
    return arrays.get(tensor)!;
  }

  private tensorsOf(lesioned: boolean): string[] {
    const layers = lesioned ? lesionedLayers(this.spec) : this.spec.layers.filter((l) => l.source.tensor !== undefined);
    return [...new Set(layers.map((l) => l.source.tensor!))];
  }

  private shapeKey(key: string): string {
    return createHash('sha256').update(`${key}:shape`).digest('hex');
  }

  /** Activations of `tensors`, from the cache when every one is there, else one pass of the network. */
  private async compute(tensors: string[], lesion?: { tensor: string; mask: LesionMask }): Promise<Map<string, NDArray>> {
    const { cache } = this.options;
    const out = new Map<string, NDArray>();
    const keyOf = (t: string) => activationKey(this.source(), t, lesion ? { tensor: lesion.tensor, mask: lesion.mask.mask, ...(lesion.mask.fill ? { fill: lesion.mask.fill } : {}) } : undefined);
    if (cache) {
      for (const t of tensors) {
        const key = keyOf(t);
        const matrix = cache.get(key);
        const shape = cache.getValue(this.shapeKey(key));
        if (matrix && shape && 'json' in shape && Array.isArray(shape.json)) out.set(t, { shape: [matrix.rows, ...(shape.json as number[])], data: matrix.data, dtype: 'float32' });
      }
      if (out.size === tensors.length) return out;
    }
    const missing = tensors.filter((t) => !out.has(t));
    const what = lesion ? 'lesioned network' : 'network';
    this.options.progress(0, `running the ${what} on ${this.images.length} images`);
    const computed = await runModel({
      graph: this.graph,
      file: this.spec.onnx!.file,
      images: this.images,
      preprocessing: this.spec.onnx!.preprocessing,
      tensors: missing,
      batchSize: this.spec.onnx!.batchSize,
      ...(lesion ? { lesion: { tensor: lesion.tensor, mask: lesion.mask.mask, unitShape: lesion.mask.unitShape, ...(lesion.mask.fill ? { fill: lesion.mask.fill } : {}) } } : {}),
      ...(this.options.signal ? { signal: this.options.signal } : {}),
      progress: (done, total) => this.options.progress(done / total, `${what}: ${done}/${total} images`),
    });
    for (const [t, array] of computed) {
      out.set(t, array);
      if (cache) {
        const key = keyOf(t);
        cache.put(key, { rows: array.shape[0]!, cols: array.data.length / array.shape[0]!, data: array.data });
        cache.putValue(this.shapeKey(key), { json: array.shape.slice(1) });
      }
    }
    return out;
  }

  /** The lesioned layers' tensors with the lesion's rule replaced by explicit units (the causal score's null); not cached. */
  async lesionedWith(units: number[]): Promise<Map<string, NDArray>> {
    const spec = this.spec.onnx!.lesion!;
    const tensor = this.spec.layers.find((l) => l.name === spec.layer)!.source.tensor!;
    const intact = (await this.compute([tensor])).get(tensor)!;
    const mask = lesionMask({ ...spec, units }, intact, { file: this.spec.onnx!.file, variable: tensor });
    return runModel({
      graph: this.graph,
      file: this.spec.onnx!.file,
      images: this.images,
      preprocessing: this.spec.onnx!.preprocessing,
      tensors: this.tensorsOf(true),
      batchSize: this.spec.onnx!.batchSize,
      lesion: { tensor, mask: mask.mask, unitShape: mask.unitShape, ...(mask.fill ? { fill: mask.fill } : {}) },
      ...(this.options.signal ? { signal: this.options.signal } : {}),
    });
  }

  /** The intact network's `tensors` on other images (in-silico experiments); not cached. */
  async onImages(images: string[], tensors: string[]): Promise<Map<string, NDArray>> {
    return runModel({
      graph: this.graph,
      file: this.spec.onnx!.file,
      images,
      preprocessing: this.spec.onnx!.preprocessing,
      tensors,
      batchSize: this.spec.onnx!.batchSize,
      ...(this.options.signal ? { signal: this.options.signal } : {}),
      progress: (done, total) => this.options.progress(done / total, `in silico: ${done}/${total} new images`),
    });
  }

  private async computeLesioned(): Promise<Map<string, NDArray>> {
    const spec = this.spec.onnx!.lesion!;
    const target = this.spec.layers.find((l) => l.name === spec.layer)!;
    const tensor = target.source.tensor!;
    // The intact activations of the lesioned tensor choose the units (top-weight, by-selectivity) and the clamp values (mean).
    const intact = (await this.compute([tensor])).get(tensor)!;
    this.lesion = lesionMask(spec, intact, { file: this.spec.onnx!.file, variable: tensor });
    return this.compute(this.tensorsOf(true), { tensor, mask: this.lesion });
  }
}

function draws(record: ScoreRecord): Float32Array | undefined {
  const d = record.ci?.draws;
  if (!d || d.encoding !== 'float32-base64') return undefined;
  const bytes = Buffer.from(d.values, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

function quantile(sorted: number[], q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  return sorted[lo]! + (h - lo) * ((sorted[Math.min(lo + 1, sorted.length - 1)] ?? sorted[lo]!) - sorted[lo]!);
}

export interface LesionEffect {
  comparison: string;
  layer: string;
  region: string;
  intact: number;
  lesioned: number;
  delta: number;
  /** Percentile interval of the paired bootstrap differences (same resamples for both scores). */
  ci?: { lower: number; upper: number; level: number; samples: number };
}

/** Δ = lesioned − intact for every scored (comparison, layer, region) that has both. */
export function lesionEffects(scores: readonly ScoreRecord[]): LesionEffect[] {
  const effects: LesionEffect[] = [];
  for (const lesioned of scores.filter((s) => s.layer.endsWith(LESIONED))) {
    const layer = lesioned.layer.slice(0, -LESIONED.length);
    const intact = scores.find((s) => s.comparison === lesioned.comparison && s.layer === layer && s.region === lesioned.region);
    if (!intact) continue;
    const effect: LesionEffect = { comparison: lesioned.comparison, layer, region: lesioned.region, intact: intact.value, lesioned: lesioned.value, delta: lesioned.value - intact.value };
    const a = draws(intact);
    const b = draws(lesioned);
    if (a && b && a.length === b.length && a.length > 1 && intact.ci!.seed === lesioned.ci!.seed) {
      const d = Array.from(b, (v, i) => v - a[i]!).filter(Number.isFinite).sort((x, y) => x - y);
      const level = intact.ci!.level;
      if (d.length > 1) effect.ci = { lower: quantile(d, (1 - level) / 2), upper: quantile(d, 1 - (1 - level) / 2), level, samples: d.length };
    }
    effects.push(effect);
  }
  return effects;
}

export interface CausalRecord {
  layer: string;
  intact: string;
  perturbed: string;
  alpha: number;
  pooled: number;
  meanPerUnit: number;
  perUnit: number[];
  null?: { samples: number; seed: number; p: number };
}

/**
 * The causal score (engine/model/causal.ts) for every layer the lesion reaches: `layers` gives each
 * layer's intact and lesioned activations (stimuli × units) and its tensor; the null runs the
 * network once per random lesion and scores every layer from that one pass.
 */
export async function causalRecords(
  onnx: OnnxActivations,
  settings: { intact: string; perturbed: string; alpha: number; samples: number; seed: number },
  layers: { name: string; tensor: string; intact: Matrix; lesioned: Matrix }[],
  brainIntact: Matrix,
  brainPerturbed: Matrix,
  progress: (fraction: number, message: string) => void,
): Promise<CausalRecord[]> {
  const observed = observedChange(brainIntact, brainPerturbed);
  const records: CausalRecord[] = layers.map((l) => {
    const s = scoreChange(predictedChange(l.intact, l.lesioned, brainIntact, settings.alpha), observed);
    return { layer: l.name, intact: settings.intact, perturbed: settings.perturbed, alpha: settings.alpha, pooled: s.pooled, meanPerUnit: s.meanPerUnit, perUnit: s.perUnit };
  });
  const chosen = onnx.lesion;
  if (settings.samples > 0 && chosen) {
    const next = seededUniform(settings.seed);
    const exceed = new Array<number>(layers.length).fill(0);
    for (let b = 0; b < settings.samples; b++) {
      progress(b / settings.samples, `causal null: random lesion ${b + 1}/${settings.samples}`);
      const pool = Array.from({ length: chosen.of }, (_, i) => i);
      for (let i = 0; i < chosen.chosen.length; i++) {
        const j = i + Math.floor(next() * (pool.length - i));
        [pool[i], pool[j]] = [pool[j]!, pool[i]!];
      }
      const arrays = await onnx.lesionedWith(pool.slice(0, chosen.chosen.length).sort((x, y) => x - y));
      layers.forEach((l, k) => {
        const a = arrays.get(l.tensor)!;
        const x1: Matrix = { rows: a.shape[0]!, cols: a.data.length / a.shape[0]!, data: a.data };
        if (scoreChange(predictedChange(l.intact, x1, brainIntact, settings.alpha), observed).pooled >= records[k]!.pooled) exceed[k]!++;
      });
    }
    records.forEach((r, k) => (r.null = { samples: settings.samples, seed: settings.seed, p: (1 + exceed[k]!) / (settings.samples + 1) }));
  }
  return records;
}

export interface InSilicoRecord {
  layer: string;
  region: string;
  /** Region response = mean over the region's units. */
  target: string;
  alpha: number;
  folds: number;
  /** Pearson r between the held-out (cross-validated) predictions and the region response on the stimuli. */
  cvR: number;
  images: number;
  /** Highest predicted response first: image (as relative to the spec), mean prediction over fold models, their SD. */
  drive: { image: string; predicted: number; sd: number }[];
  /** Lowest predicted response first. */
  suppress: { image: string; predicted: number; sd: number }[];
}

/**
 * In-silico experiment (docs/model-execution.md §9): ridge from the layer to the region's mean
 * response, k contiguous folds; each fold's model predicts the held-out stimuli (→ cvR) and every
 * new image; per new image the mean over fold models is the prediction and their SD the confidence.
 */
export async function inSilicoRecord(
  onnx: OnnxActivations,
  plan: NonNullable<NonNullable<Spec['onnx']>['inSilico']>,
  tensor: string,
  layer: Matrix,
  region: Matrix,
  baseDir: string,
): Promise<InSilicoRecord> {
  const n = layer.rows;
  const p = layer.cols;
  const y = Float64Array.from({ length: n }, (_, i) => {
    let s = 0;
    for (let v = 0; v < region.cols; v++) s += region.data[i * region.cols + v]!;
    return s / region.cols;
  });
  const files = imageFiles(plan.images);
  const fresh = (await onnx.onImages(files, [tensor])).get(tensor)!;
  const m = files.length;
  const rows = (idx: ArrayLike<number>, from: Matrix): Float64Array => {
    const out = new Float64Array(idx.length * from.cols);
    for (let k = 0; k < idx.length; k++) out.set(from.data.subarray(idx[k]! * from.cols, (idx[k]! + 1) * from.cols), k * from.cols);
    return out;
  };
  const cvPred = new Float64Array(n);
  const perFold: Float64Array[] = [];
  for (const split of kFoldSplits(n, plan.folds)) {
    const xTrain: Matrix = { rows: split.train.length, cols: p, data: rows(split.train, layer) };
    const yTrain: Matrix = { rows: split.train.length, cols: 1, data: Float64Array.from(split.train, (i) => y[i]!) };
    const test = new Float64Array((split.test.length + m) * p);
    test.set(rows(split.test, layer), 0);
    test.set(fresh.data, split.test.length * p);
    const { predictions } = ridgeFitPredict(xTrain, yTrain, { rows: split.test.length + m, cols: p, data: test }, plan.alpha);
    split.test.forEach((i, k) => (cvPred[i] = predictions.data[k]!));
    perFold.push(predictions.data.slice(split.test.length));
  }
  const ranked = files.map((f, j) => {
    const values = perFold.map((f2) => f2[j]!);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, values.length - 1));
    return { image: relative(baseDir, f), predicted: mean, sd };
  });
  const order = ranked.slice().sort((a, b) => b.predicted - a.predicted);
  const top = Math.min(plan.top, m);
  return { layer: plan.layer, region: plan.region, target: 'mean over the region\'s units', alpha: plan.alpha, folds: plan.folds, cvR: pearson(cvPred, y), images: m, drive: order.slice(0, top), suppress: order.slice(-top).reverse() };
}
