/**
 * Run a spec: check it (the same checks the editor shows), load every representation the selected
 * comparisons need once, score each (comparison, layer, region) through its metric family's runner,
 * and write the results file atomically. Cancellation (AbortSignal) is checked between pairs and
 * inside long loops; a cancelled or failed run writes nothing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CancelledError, SimspecError } from '../core/errors';
import { readTable, listVariables } from '../io';
import { checkSpec, resolvePath, type Problem, type Representation, type Spec } from '../spec';
import { fileContentHash, productKey, ProductCache, type ProductInput } from './cache';
import { closePool, setThreads } from '../linalg/pool';
import { inputsFromKeyTokens, jobCacheKey, withDiskCache } from './cacheShared';
import { createFileIntrospector } from '../spec/introspector';
import { loadRepresentation } from './load';
import { ENGINE_VERSION, sha256, toJson, writeResultsAtomically, type Results } from './results';
import { runnerFor } from './runners';
import { resetStageTimes, stageTimesEnabled, stageTotals, startStage, stopStage } from '../core/stageTimer'; // bench stage breakdown
import type { LoadedRepresentation, RunContext, Score, ScoreRecord, SharedProducts, StimulusTable } from './types';

export interface ProgressEvent {
  stage: 'check' | 'load' | 'score' | 'write' | 'done';
  /** Overall fraction in [0, 1]. */
  fraction: number;
  message: string;
}

export interface RunOptions {
  /** Only these comparisons (by name); default all. */
  comparisons?: string[];
  signal?: AbortSignal;
  onProgress?: (event: ProgressEvent) => void;
  /** Results path (overrides the spec's `output`). */
  output?: string;
  /** Write the results file (default true). */
  write?: boolean;
  /**
   * Folder of the on-disk cache (engine/run/cache.ts). When set, each (comparison, layer, region)
   * score and each shared product is keyed by the content of the data it read, its parameters and
   * the engine build; a re-run recomputes only what changed. Unset: nothing is cached between runs.
   */
  cacheFolder?: string;
  /** Threads for the dense kernels (worker pool over SharedArrayBuffer); default SIMSPEC_THREADS or 1. */
  threads?: number;
}

/** What the score cache keeps for one (comparison, layer, region): the score and the RDMs it offered the panel. */
interface CachedJob {
  score: Score & { milliseconds: number };
  rdms: ['model' | 'brain', string, number[]][];
  stimuli: number;
}

/** A representation as the product cache sees it: its file (hashed by content), variable and reading. */
function productInputOf(rep: Representation): ProductInput {
  const input: ProductInput = { file: rep.source.path, preprocessing: { kind: rep.source.kind, subjects: rep.source.subjects ?? null, transpose: rep.source.transpose } };
  if (rep.source.key !== undefined) input.variable = rep.source.key;
  return input;
}

/** Content hashes of the other files a comparison reads (labels, noise precision, explicit folds). */
function auxiliaryFileHashes(spec: Spec, comparison: Spec['comparisons'][number]): Record<string, string> {
  const files: Record<string, string> = {};
  const add = (name: string, file: unknown) => {
    if (typeof file !== 'string') return;
    const path = resolvePath(spec.baseDir, file);
    if (existsSync(path)) files[name] = fileContentHash(path);
  };
  if (spec.labels) add('labels', spec.labels.path);
  add('noise', (comparison.params.noise as { file?: unknown } | undefined)?.file);
  add('folds', (comparison.params.cv as { file?: unknown } | undefined)?.file);
  return files;
}

let buildId: string | undefined;
/**
 * Identifies the engine's code: the SHA-256 of the running bundle, so that a score computed by other
 * code is never served from the cache. Source runs (tests under tsx) use the version and the time the
 * process started — caching within a process only.
 */
export function engineBuildId(): string {
  if (buildId === undefined) {
    buildId = __filename.endsWith('.js') && existsSync(__filename) ? sha256(readFileSync(__filename)) : `${ENGINE_VERSION}:source:${process.pid}:${Date.now()}`;
  }
  return buildId;
}

/** Thrown when the spec has errors; carries them so the CLI and the editor can show each one. */
export class SpecProblemsError extends SimspecError {
  constructor(
    readonly specFile: string,
    readonly problems: Problem[],
  ) {
    super(`${problems.filter((p) => p.severity === 'error').length} problem(s) in the spec`, { file: specFile, code: 'spec.invalid' });
  }
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError();
}

function createSharedProducts(): SharedProducts {
  const store = new Map<string, unknown>();
  return {
    get<T>(key: string, compute: () => T): T {
      if (!store.has(key)) store.set(key, compute());
      return store.get(key) as T;
    },
  };
}

/** `model.activations`: every numeric variable of the file is a layer. */
async function activationLayers(spec: Spec): Promise<Representation[]> {
  if (!spec.activations) return [];
  const variables = await listVariables(spec.activations.path);
  return variables
    .filter((v) => v.kind === 'numeric' && !v.unsupported)
    .map((v) => ({ name: v.name.replace(/\.npy$/, ''), role: 'model' as const, source: { ...spec.activations!, key: v.name, specPath: ['model', 'activations'] } }));
}

/** A label table whose first row is data (`header: false`): columns are named by position. */
export function withoutHeader(table: StimulusTable, header: boolean): StimulusTable {
  if (header) return table;
  return { columns: table.columns.map((_, i) => String(i)), rows: [table.columns, ...table.rows] };
}

export async function runSpec(specFile: string, options: RunOptions = {}): Promise<Results> {
  if (options.threads === undefined) return runSpecWith(specFile, options);
  setThreads(options.threads);
  try {
    return await runSpecWith(specFile, options);
  } finally {
    await closePool();
  }
}

async function runSpecWith(specFile: string, options: RunOptions): Promise<Results> {
  const started = Date.now();
  resetStageTimes(); // bench stage breakdown (engine/core/stageTimer.ts; SIMSPEC_STAGE_TIMES=1)
  const path = resolve(specFile);
  const { signal, onProgress } = options;
  const report = (stage: ProgressEvent['stage'], fraction: number, message: string) => onProgress?.({ stage, fraction, message });

  report('check', 0, 'checking the spec');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new SimspecError('cannot read the spec file', { file: specFile, code: 'spec.missing-file' });
  }
  const checked = await checkSpec(text, path, createFileIntrospector());
  const errors = checked.problems.filter((p) => p.severity === 'error');
  if (errors.length > 0 || !checked.spec) throw new SpecProblemsError(path, checked.problems);
  const spec = checked.spec;
  const warnings = checked.problems.filter((p) => p.severity === 'warning').map((p) => `${p.range.start.line + 1}:${p.range.start.character + 1}: ${p.message}`);

  let comparisons = spec.comparisons;
  if (options.comparisons?.length) {
    const unknown = options.comparisons.filter((name) => !comparisons.some((c) => c.name === name));
    if (unknown.length) throw new SimspecError(`no comparison named ${unknown.map((n) => `'${n}'`).join(', ')}`, { file: specFile, expected: `one of ${comparisons.map((c) => c.name).join(', ')}`, code: 'run.unknown-comparison' });
    comparisons = comparisons.filter((c) => options.comparisons!.includes(c.name));
  }
  for (const comparison of comparisons) {
    if (!runnerFor(comparison.metric)) throw new SimspecError(`metric '${comparison.metric}' of comparison '${comparison.name}' is not available in this version of simspec`, { file: specFile, code: 'run.metric-unavailable' });
  }

  // Every (comparison, layer, region) job, then load what those jobs need, once.
  const layers = spec.activations ? await activationLayers(spec) : spec.layers;
  for (const comparison of comparisons) {
    for (const name of comparison.layers) {
      if (layers.some((l) => l.name === name)) continue;
      throw new SimspecError(`comparison '${comparison.name}' names no layer '${name}' in ${spec.activations ? spec.activations.file : 'the spec'}`, {
        file: specFile,
        expected: `one of ${layers.map((l) => l.name).join(', ')}`,
        code: 'run.unknown-layer',
      });
    }
  }
  const jobs = comparisons.flatMap((comparison) => {
    const layerNames = comparison.layers.length > 0 ? comparison.layers : layers.map((l) => l.name);
    return layerNames.flatMap((layer) => comparison.regions.map((region) => ({ comparison, layer, region })));
  });
  // Representations are loaded on first use, so a re-run whose scores all come from the cache
  // reads no data at all.
  const loaded = new Map<string, LoadedRepresentation>();
  const representations = new Map<string, Representation>([...layers, ...spec.regions].map((r) => [`${r.role}:${r.name}`, r]));
  let loadMilliseconds = 0;
  const load = async (id: string, fraction: number): Promise<LoadedRepresentation> => {
    const known = loaded.get(id);
    if (known) return known;
    const rep = representations.get(id)!;
    throwIfAborted(signal);
    report('load', fraction, `loading ${rep.role === 'model' ? 'layer' : 'region'} ${rep.name}`);
    const started = Date.now();
    startStage('load'); // bench stage breakdown
    const value = await loadRepresentation(rep);
    stopStage(); // bench stage breakdown
    loadMilliseconds += Date.now() - started;
    loaded.set(id, value);
    return value;
  };

  let labels: StimulusTable | undefined;
  if (spec.labels) labels = withoutHeader(await readTable(spec.labels.path), spec.labels.header);

  const cache = options.cacheFolder ? new ProductCache(options.cacheFolder) : undefined;
  const inputs = new Map([...representations].map(([id, rep]) => [id, productInputOf(rep)]));
  const shared = cache ? withDiskCache(createSharedProducts(), cache, inputsFromKeyTokens(inputs)) : createSharedProducts();
  const rdms: NonNullable<Results['rdms']> = { model: {}, brain: {} };
  const scores: ScoreRecord[] = [];
  const derived: Results['derived'] = {};
  const jobKeys = new Map<string, string[]>();
  let stimuli = spec.stimulusCount ?? 0;
  for (const [index, job] of jobs.entries()) {
    throwIfAborted(signal);
    const { comparison, layer, region } = job;
    const base = 0.05 + (0.9 * index) / jobs.length;
    const span = 0.9 / jobs.length;
    const key = cache ? jobCacheKey({ metric: comparison.metric, params: { params: comparison.params, statistics: comparison.statistics, files: auxiliaryFileHashes(spec, comparison) } }, inputs.get(`model:${layer}`)!, inputs.get(`brain:${region}`)!, engineBuildId()) : undefined;
    if (key) jobKeys.set(comparison.name, [...(jobKeys.get(comparison.name) ?? []), key]);
    const hit = key ? (cache!.getValue(key) as { json: CachedJob } | undefined) : undefined;
    if (hit && 'json' in hit) {
      const { score, rdms: recorded, stimuli: n } = hit.json;
      report('score', base + span, `${comparison.name}: ${layer} × ${region} — from the cache`);
      scores.push({ comparison: comparison.name, metric: comparison.metric, layer, region, ...score, fromCache: true });
      stimuli ||= n;
      for (const [role, name, values] of recorded) if (n <= 400) (role === 'model' ? rdms.model : rdms.brain)[name] ??= values;
      continue;
    }
    const model = await load(`model:${layer}`, base);
    const brain = await load(`brain:${region}`, base);
    stimuli ||= model.stimuli;
    const recorded: CachedJob['rdms'] = [];
    const context: RunContext = {
      spec,
      signal: signal ?? new AbortController().signal,
      progress: (fraction, message) => report('score', base + span * Math.min(1, Math.max(0, fraction)), `${comparison.name}: ${layer} × ${region}${message ? ` — ${message}` : ''}`),
      shared,
      warn: (message) => warnings.push(`${comparison.name} (${layer} × ${region}): ${message}`),
      recordRdm: (role, name, condensed) => {
        if (model.stimuli > 400) return;
        const values = Array.from(condensed);
        (role === 'model' ? rdms.model : rdms.brain)[name] ??= values;
        recorded.push([role, name, values]);
      },
    };
    if (labels) context.labels = labels;
    context.progress(0);
    const pairStarted = Date.now();
    startStage('metric'); // bench stage breakdown
    const score = await runnerFor(comparison.metric)!.run(comparison, model, brain, context);
    stopStage(); // bench stage breakdown
    const milliseconds = Date.now() - pairStarted;
    scores.push({ comparison: comparison.name, metric: comparison.metric, layer, region, ...score, milliseconds });
    if (key) cache!.putValue(key, { json: JSON.parse(toJson({ score: { ...score, milliseconds }, rdms: recorded, stimuli: model.stimuli })) });
  }
  for (const comparison of comparisons) {
    const runner = runnerFor(comparison.metric)!;
    if (!runner.finish) continue;
    throwIfAborted(signal);
    const key = cache ? productKey(`derived:${comparison.metric}`, { params: comparison.params, jobs: jobKeys.get(comparison.name), build: engineBuildId() }, []) : undefined;
    const hit = key ? (cache!.getValue(key) as { json: Record<string, unknown> | null } | undefined) : undefined;
    if (hit && 'json' in hit) {
      if (hit.json) derived[comparison.name] = hit.json;
      continue;
    }
    const records = scores.filter((s) => s.comparison === comparison.name);
    const needed = [...new Set(records.flatMap((r) => [`model:${r.layer}`, `brain:${r.region}`]))];
    const all: LoadedRepresentation[] = [];
    for (const id of needed) all.push(await load(id, 0.95));
    startStage('metric'); // bench stage breakdown
    const extra = await runner.finish(comparison, records, all, {
      spec,
      signal: signal ?? new AbortController().signal,
      progress: () => {},
      shared,
      warn: (message) => warnings.push(`${comparison.name}: ${message}`),
    });
    stopStage(); // bench stage breakdown
    if (extra) derived[comparison.name] = extra;
    if (key) cache!.putValue(key, { json: extra ? JSON.parse(toJson(extra)) : null });
  }
  throwIfAborted(signal);

  const results: Results = {
    format: 'simspec-results',
    version: 1,
    spec: { file: path, sha256: sha256(text) },
    engine: { name: 'simspec', version: ENGINE_VERSION, node: process.version },
    created: new Date().toISOString(),
    stimuli,
    layers: [...new Set(jobs.map((j) => j.layer))],
    regions: [...new Set(jobs.map((j) => j.region))],
    comparisons: comparisons.map((c) => ({ name: c.name, metric: c.metric, params: c.params, statistics: c.statistics })),
    scores,
    derived,
    warnings,
    timings: { totalMilliseconds: Date.now() - started, loadMilliseconds, ...(stageTimesEnabled() ? { stageMilliseconds: stageTotals() } : {}) }, // stageMilliseconds: bench breakdown
  };
  if (spec.title) results.title = spec.title;
  if (spec.modelName) results.model = spec.modelName;
  if (Object.keys(rdms.model).length || Object.keys(rdms.brain).length) results.rdms = rdms;
  if (options.write !== false) {
    report('write', 0.97, 'writing results');
    const outputPath = options.output ? resolve(options.output) : spec.output;
    writeResultsAtomically(outputPath, results);
    results.outputPath = outputPath;
  }
  report('done', 1, `${scores.length} scores in ${((Date.now() - started) / 1000).toFixed(2)} s`);
  return results;
}
