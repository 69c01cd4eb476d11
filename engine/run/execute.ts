/**
 * Run a spec: check it (the same checks the editor shows), load every representation the selected
 * comparisons need once, score each (comparison, layer, region) through its metric family's runner,
 * and write the results file atomically. Cancellation (AbortSignal) is checked between pairs and
 * inside long loops; a cancelled or failed run writes nothing.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CancelledError, SimspecError } from '../core/errors';
import { readTable, listVariables } from '../io';
import { checkSpec, type Problem, type Representation, type Spec } from '../spec';
import { createFileIntrospector } from '../spec/introspector';
import { loadRepresentation } from './load';
import { ENGINE_VERSION, sha256, writeResultsAtomically, type Results } from './results';
import { runnerFor } from './runners';
import type { LoadedRepresentation, RunContext, ScoreRecord, SharedProducts, StimulusTable } from './types';

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
  const started = Date.now();
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
  const toLoad = [
    ...layers.filter((l) => jobs.some((j) => j.layer === l.name)),
    ...spec.regions.filter((r) => jobs.some((j) => j.region === r.name)),
  ];
  const loaded = new Map<string, LoadedRepresentation>();
  const loadStarted = Date.now();
  for (const [i, rep] of toLoad.entries()) {
    throwIfAborted(signal);
    report('load', (0.1 * i) / toLoad.length, `loading ${rep.role === 'model' ? 'layer' : 'region'} ${rep.name}`);
    loaded.set(`${rep.role}:${rep.name}`, await loadRepresentation(rep));
  }
  const loadMilliseconds = Date.now() - loadStarted;
  const stimuli = spec.stimulusCount ?? [...loaded.values()][0]?.stimuli ?? 0;

  let labels: StimulusTable | undefined;
  if (spec.labels) labels = withoutHeader(await readTable(spec.labels.path), spec.labels.header);

  const shared = createSharedProducts();
  const rdms: NonNullable<Results['rdms']> = { model: {}, brain: {} };
  const scores: ScoreRecord[] = [];
  const derived: Results['derived'] = {};
  for (const [index, job] of jobs.entries()) {
    throwIfAborted(signal);
    const { comparison, layer, region } = job;
    const model = loaded.get(`model:${layer}`)!;
    const brain = loaded.get(`brain:${region}`)!;
    const base = 0.1 + (0.85 * index) / jobs.length;
    const span = 0.85 / jobs.length;
    const context: RunContext = {
      spec,
      signal: signal ?? new AbortController().signal,
      progress: (fraction, message) => report('score', base + span * Math.min(1, Math.max(0, fraction)), `${comparison.name}: ${layer} × ${region}${message ? ` — ${message}` : ''}`),
      shared,
      warn: (message) => warnings.push(`${comparison.name} (${layer} × ${region}): ${message}`),
      recordRdm: (role, name, condensed) => {
        if (stimuli <= 400) (role === 'model' ? rdms.model : rdms.brain)[name] ??= Array.from(condensed);
      },
    };
    if (labels) context.labels = labels;
    context.progress(0);
    const pairStarted = Date.now();
    const score = await runnerFor(comparison.metric)!.run(comparison, model, brain, context);
    scores.push({ comparison: comparison.name, metric: comparison.metric, layer, region, ...score, milliseconds: Date.now() - pairStarted });
  }
  for (const comparison of comparisons) {
    const runner = runnerFor(comparison.metric)!;
    if (!runner.finish) continue;
    throwIfAborted(signal);
    const records = scores.filter((s) => s.comparison === comparison.name);
    const extra = await runner.finish(comparison, records, [...loaded.values()], {
      spec,
      signal: signal ?? new AbortController().signal,
      progress: () => {},
      shared,
      warn: (message) => warnings.push(`${comparison.name}: ${message}`),
    });
    if (extra) derived[comparison.name] = extra;
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
    timings: { totalMilliseconds: Date.now() - started, loadMilliseconds },
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
