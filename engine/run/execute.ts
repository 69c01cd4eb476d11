/**
 * Run a spec: check it (the same checks the editor shows), load every representation the selected
 * comparisons need once, score each (comparison, layer, region) through its metric family's runner,
 * and write the results file atomically. Cancellation (AbortSignal) is checked between pairs and
 * inside long loops; a cancelled or failed run writes nothing.
 */
import { closeSync, existsSync, lstatSync, openSync, readFileSync, readSync, type Stats } from 'node:fs';
import { basename, resolve } from 'node:path';
import { CancelledError, isSimspecError, SimspecError } from '../core/errors';
import { readTable, listVariables } from '../io';
import { checkSpec, resolvePath, type Problem, type Representation, type Spec } from '../spec';
import { fileContentHash, productKey, ProductCache, type ProductInput } from './cache';
import { closePool, setThreads } from '../linalg/pool';
import { cachedDerivedFrom, cachedJobFrom, inputsFromKeyTokens, jobCacheKey, withDiskCache } from './cacheShared';
import { decodeUtf8Strict } from '../io/limits';
import { createFileIntrospector, withoutHeader } from '../spec/introspector';

export { withoutHeader };
import { loadRepresentation } from './load';
import { causalRecords, inSilicoRecord, LESIONED, lesionEffects, lesionedLayers, OnnxActivations, type CausalRecord, type InSilicoRecord } from './onnx';
import { selectStimuliOf, selectUnitsOf, type UnitSelectionRecord } from './select';
import { selectedStimuli, selectTableRows } from '../spec/selection';
import { layoutOf, sourceOrigin } from '../spec/semantics';
import { checkResultsPath, ENGINE_VERSION, runInputFiles, sha256, toJson, writeResultsAtomically, writeTextAtomically, type OutputGuard, type Results } from './results';
import { encodeRdmSidecar, RDMS_IN_RESULTS_MAX, rdmSidecarEntry, rdmSidecarPath, type LargeRdms } from './rdmSidecar';
import { familyFor, runnerFor } from '../families';
import { resetStageTimes, stageTimesEnabled, stageTotals, startStage, stopStage } from '../core/stageTimer';
import type { LoadedRepresentation, RunContext, Score, ScoreRecord, SharedProducts, StimulusTable } from './types';

export interface ProgressEvent {
  stage: 'check' | 'load' | 'score' | 'write' | 'done';
  /** Overall fraction in [0, 1]. */
  fraction: number;
  message: string;
  /** Items of a counted step (bootstrap or permutation samples) done so far, of `total`. */
  done?: number;
  total?: number;
  /** Estimated seconds left in the counted step. */
  etaSeconds?: number;
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
  /**
   * Scale-out (engine/scale/): score only the cells with these keys (cellKey), in plan order, and
   * return them instead of finishing and writing — what one shard of a sharded run does.
   */
  cells?: ReadonlySet<string>;
  /**
   * Scale-out merge: cells scored elsewhere (by shards), replayed in plan order in place of scoring,
   * so that the finish stages, assembly and write are the one-machine run's own.
   */
  precomputed?: ReadonlyMap<string, CellRecord>;
}

/** One scored (comparison, layer, region), as a shard carries it to the merge. */
export interface CellRecord {
  key: string;
  /** The score as the results file holds it (no timing, no cache flag). */
  score: Score;
  rdms: ['model' | 'brain', string, number[]][];
  stimuli: number;
  /** Warnings the cell's scoring raised, in order. */
  warnings: string[];
  milliseconds: number;
  fromCache: boolean;
}

/** The stable key of a cell: its comparison, layer and region (none may contain a NUL). */
export function cellKey(job: { comparison: string; layer: string; region: string }): string {
  return `${job.comparison}\u0000${job.layer}\u0000${job.region}`;
}

/** A cell of the plan, before scoring: what the cost model and the partition see. */
export interface PlannedCell {
  key: string;
  comparison: string;
  metric: string;
  params: Record<string, unknown>;
  statistics: unknown;
  layer: string;
  region: string;
  model: Representation;
  brain: Representation;
}

/** The plan of a run: its checked spec, its cells in the order a one-machine run scores them, and what they read. */
export interface RunPlan {
  spec: Spec;
  specPath: string;
  specText: string;
  cells: PlannedCell[];
  /** Every input file with its content hash (data, labels, noise, folds). */
  inputs: Record<string, string>;
}

export async function planRun(specFile: string, options: Pick<RunOptions, 'comparisons'> = {}): Promise<RunPlan> {
  const { spec, path, text } = await checkStage(specFile, () => {});
  const comparisons = selectComparisons(spec, specFile, options.comparisons);
  const { jobs, representations } = await planJobs(spec, specFile, comparisons);
  const inputs: Record<string, string> = {};
  for (const rep of representations.values()) inputs[rep.source.path] ??= fileContentHash(rep.source.path);
  for (const comparison of comparisons) for (const [name, hash] of Object.entries(auxiliaryFileHashes(spec, comparison))) inputs[`${comparison.name}:${name}`] = hash;
  const cells = jobs.map((job) => ({
    key: cellKey({ comparison: job.comparison.name, layer: job.layer, region: job.region }),
    comparison: job.comparison.name,
    metric: job.comparison.metric,
    params: job.comparison.params,
    statistics: job.comparison.statistics,
    layer: job.layer,
    region: job.region,
    model: representations.get(`model:${job.layer}`)!,
    brain: representations.get(`brain:${job.region}`)!,
  }));
  return { spec, specPath: path, specText: text, cells, inputs };
}

/** Score only some cells (one shard of a sharded run) and return them; nothing is written. */
export async function runCells(specFile: string, options: RunOptions & { cells: ReadonlySet<string> }): Promise<CellRecord[]> {
  if (options.threads !== undefined) setThreads(options.threads);
  try {
    const state = await runStages(specFile, options);
    return state.cellRecords;
  } finally {
    if (options.threads !== undefined) await closePool();
  }
}

/** What the score cache keeps for one (comparison, layer, region): the score and the RDMs it offered the panel. */
interface CachedJob {
  score: Score & { milliseconds: number };
  rdms: ['model' | 'brain', string, number[]][];
  stimuli: number;
}

/** A representation as the product cache sees it: its file (hashed by content), variable and reading. */
function productInputOf(rep: Representation, select: Spec['select'], onnx?: OnnxActivations): ProductInput {
  const preprocessing = { ...(rep.source.tensor !== undefined && onnx ? onnx.digest(rep) : {}), kind: rep.source.kind, subjects: rep.source.subjects ?? null, transpose: rep.source.transpose, ...(rep.source.axes ? { axes: rep.source.axes } : {}), ...(rep.source.units ? { units: rep.source.units } : {}), ...(select ? { select } : {}) };
  const input: ProductInput = { file: rep.source.path, preprocessing };
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


export async function runSpec(specFile: string, options: RunOptions = {}): Promise<Results> {
  if (options.threads === undefined) return runSpecWith(specFile, options);
  setThreads(options.threads);
  try {
    return await runSpecWith(specFile, options);
  } finally {
    await closePool();
  }
}

type Report = (stage: ProgressEvent['stage'], fraction: number, message: string, count?: Pick<ProgressEvent, 'done' | 'total' | 'etaSeconds'>) => void;
type ComparisonSpec = Spec['comparisons'][number];

interface Job {
  comparison: ComparisonSpec;
  layer: string;
  region: string;
}

/** What the stages of one run share: the spec, the loaded representations and what was scored. */
interface RunState {
  spec: Spec;
  path: string;
  text: string;
  started: number;
  options: RunOptions;
  report: Report;
  warnings: string[];
  comparisons: ComparisonSpec[];
  jobs: Job[];
  representations: Map<string, Representation>;
  loaded: Map<string, LoadedRepresentation>;
  loadMilliseconds: number;
  labels?: StimulusTable;
  /** `stimuli.select` resolved against the stored stimuli and the label table (engine/spec/selection.ts). */
  selectedStimuli?: { of: number; indices: number[] };
  /** What each source's `units` kept, per subject, by `role:name`. */
  unitSelections: Map<string, UnitSelectionRecord[]>;
  cache?: ProductCache;
  /** `model.onnx`: the network's activations (engine/run/onnx.ts). */
  onnx?: OnnxActivations;
  /** `model.lesion.causal`: the causal score per layer the lesion reaches. */
  causal?: CausalRecord[];
  /** `model.in_silico`: the new images predicted to drive / suppress the region. */
  inSilico?: InSilicoRecord;
  inputs: Map<string, ProductInput>;
  shared: SharedProducts;
  rdms: NonNullable<Results['rdms']>;
  /** RDMs over more than RDMS_IN_RESULTS_MAX stimuli, for the sidecar (engine/run/rdmSidecar.ts). */
  largeRdms: LargeRdms;
  scores: ScoreRecord[];
  derived: Results['derived'];
  jobKeys: Map<string, string[]>;
  stimuli: number;
  outputPath: string;
  outputGuard: OutputGuard;
  cellRecords: CellRecord[];
}

async function runSpecWith(specFile: string, options: RunOptions): Promise<Results> {
  const state = await runStages(specFile, options);
  return state.results!;
}

/** plan → (filter) → score → finish → assemble → write; with `cells`, stops after scoring. */
async function runStages(specFile: string, options: RunOptions): Promise<RunState & { results?: Results }> {
  const started = Date.now();
  resetStageTimes(); // stage breakdown (engine/core/stageTimer.ts; SIMSPEC_STAGE_TIMES=1)
  const report: Report = (stage, fraction, message, count) => options.onProgress?.({ stage, fraction, message, ...count });
  const { spec, path, text, warnings } = await checkStage(specFile, report);
  const comparisons = selectComparisons(spec, specFile, options.comparisons);
  // Output safety (engine/run/results.ts): refuse a bad results path before any work, and again at the write.
  const outputPath = options.output ? resolve(options.output) : spec.output;
  const outputGuard: OutputGuard = { specFile: path, inputs: runInputFiles(spec), explicit: options.output !== undefined };
  if (options.write !== false && !options.cells) checkResultsPath(outputPath, outputGuard);
  const { jobs, representations } = await planJobs(spec, specFile, comparisons);
  const cache = options.cacheFolder ? new ProductCache(options.cacheFolder) : undefined;
  const onnx = spec.onnx ? new OnnxActivations(spec, { ...(cache ? { cache } : {}), ...(options.signal ? { signal: options.signal } : {}), progress: (fraction, message) => report('load', fraction * 0.1, message) }) : undefined;
  const inputs = new Map([...representations].map(([id, rep]) => [id, productInputOf(rep, spec.select, onnx)]));
  const state: RunState = {
    spec, path, text, started, options, report, warnings, comparisons, jobs, representations,
    loaded: new Map(),
    unitSelections: new Map(),
    loadMilliseconds: 0,
    ...(cache ? { cache } : {}),
    ...(onnx ? { onnx } : {}),
    inputs,
    shared: cache ? withDiskCache(createSharedProducts(), cache, inputsFromKeyTokens(inputs)) : createSharedProducts(),
    rdms: { model: {}, brain: {} },
    largeRdms: { stimuli: 0, model: new Map(), brain: new Map() },
    scores: [],
    derived: {},
    jobKeys: new Map(),
    stimuli: spec.stimulusCount ?? 0,
    outputPath,
    outputGuard,
    cellRecords: [],
  };
  if (spec.labels) state.labels = withoutHeader(await readTable(spec.labels.path), spec.labels.header);
  if (spec.select) await resolveStimulusSelection(state, representations);
  if (options.precomputed) {
    const missing = jobs.filter((job) => !options.precomputed!.has(cellKey({ comparison: job.comparison.name, layer: job.layer, region: job.region })));
    if (missing.length) throw new SimspecError(`${missing.length} cell(s) of the plan are missing from the shards, first ${missing[0]!.comparison.name}: ${missing[0]!.layer} × ${missing[0]!.region}`, { file: specFile, code: 'merge.missing-cell' });
  }
  for (const [index, job] of jobs.entries()) {
    const key = cellKey({ comparison: job.comparison.name, layer: job.layer, region: job.region });
    const done = options.precomputed?.get(key);
    if (done) replayCell(state, job, done);
    else if (!options.cells || options.cells.has(key)) await scoreJob(state, job, index);
  }
  if (options.cells) return state;
  for (const comparison of comparisons) await finishComparison(state, comparison);
  await recordLesion(state);
  await recordInSilico(state);
  await recordUnitSelections(state);
  throwIfAborted(options.signal);
  if (cache?.disabledReason) warnings.push(`the cache was off: ${cache.disabledReason}`);
  const results = assembleResults(state);
  if (options.write !== false) writeResults(state, results);
  report('done', 1, `${state.scores.length} scores in ${((Date.now() - started) / 1000).toFixed(2)} s`);
  return { ...state, results };
}

/** A cell scored by a shard, entered as if this run had scored it (score, RDMs, warnings, stimuli). */
function replayCell(state: RunState, job: Job, cell: CellRecord): void {
  const { comparison, layer, region } = job;
  state.scores.push({ comparison: comparison.name, metric: comparison.metric, layer, region, ...cell.score, milliseconds: cell.milliseconds, ...(cell.fromCache ? { fromCache: true } : {}) });
  state.warnings.push(...cell.warnings);
  state.stimuli ||= cell.stimuli;
  for (const [role, name, values] of cell.rdms) if (cell.stimuli <= 400) (role === 'model' ? state.rdms.model : state.rdms.brain)[name] ??= values;
}

/** Read and check the spec (the same checks the editor shows); errors end the run. */
async function checkStage(specFile: string, report: Report): Promise<{ spec: Spec; path: string; text: string; warnings: string[] }> {
  const path = resolve(specFile);
  report('check', 0, 'checking the spec');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new SimspecError('cannot read the spec file', { file: specFile, code: 'spec.missing-file' });
  }
  if (text.includes('\ufffd')) text = decodeUtf8Strict(readFileSync(path), specFile, 'spec'); // strict UTF-8, naming the first bad byte
  // Values are checked by the loader as it reads each file (engine/run/load.ts, same messages): reading them here too would read every file twice.
  const checked = await checkSpec(text, path, createFileIntrospector({ checkValues: false }));
  const errors = checked.problems.filter((p) => p.severity === 'error');
  if (errors.length > 0 || !checked.spec) throw new SpecProblemsError(path, checked.problems);
  const warnings = checked.problems.filter((p) => p.severity === 'warning').map((p) => `${p.range.start.line + 1}:${p.range.start.character + 1}: ${p.message}`);
  return { spec: checked.spec, path, text, warnings };
}

/** The comparisons asked for (`--comparison`), each with a registered family. */
function selectComparisons(spec: Spec, specFile: string, names: string[] | undefined): ComparisonSpec[] {
  let comparisons = spec.comparisons;
  if (names?.length) {
    const unknown = names.filter((name) => !comparisons.some((c) => c.name === name));
    if (unknown.length) throw new SimspecError(`no comparison named ${unknown.map((n) => `'${n}'`).join(', ')}`, { file: specFile, expected: `one of ${comparisons.map((c) => c.name).join(', ')}`, code: 'run.unknown-comparison' });
    comparisons = comparisons.filter((c) => names.includes(c.name));
  }
  for (const comparison of comparisons) {
    if (!runnerFor(comparison.metric)) throw new SimspecError(`metric '${comparison.metric}' of comparison '${comparison.name}' is not available in this version of simspec`, { file: specFile, code: 'run.metric-unavailable' });
  }
  return comparisons;
}

/** Every (comparison, layer, region) job, and the representations they may load. */
async function planJobs(spec: Spec, specFile: string, comparisons: ComparisonSpec[]): Promise<{ jobs: Job[]; representations: Map<string, Representation> }> {
  const intactLayers = spec.activations ? await activationLayers(spec) : spec.layers;
  // `model.lesion`: each layer the lesion can change is scored again in the lesioned network (engine/run/onnx.ts).
  const lesioned = lesionedLayers(spec);
  const layers = [...intactLayers, ...lesioned];
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
    const named = comparison.layers.length > 0 ? comparison.layers : intactLayers.map((l) => l.name);
    const layerNames = named.flatMap((name) => (lesioned.some((l) => l.name === name + LESIONED) ? [name, name + LESIONED] : [name]));
    return layerNames.flatMap((layer) => comparison.regions.map((region) => ({ comparison, layer, region })));
  });
  return { jobs, representations: new Map<string, Representation>([...layers, ...spec.regions].map((r) => [`${r.role}:${r.name}`, r])) };
}

/**
 * `stimuli.select` against the stored stimulus count (the count `check` compared every source with:
 * `stimuli.count`, or the first representation's) and the label table. The spec check has already
 * refused a bad selection in the same words; this only guards a run whose data changed since.
 */
async function resolveStimulusSelection(state: RunState, representations: Map<string, Representation>): Promise<void> {
  const { spec } = state;
  let stored = spec.stimulusCount;
  if (stored === undefined) {
    // The first source's stored count, from its header (the reference `check` compared all with).
    const first = [...spec.layers, ...spec.regions][0] ?? [...representations.values()][0];
    if (!first) return;
    if (first.source.tensor !== undefined && state.onnx) stored = state.onnx.imageCount;
    else {
      const layout = layoutOf(first.source, (await createFileIntrospector().describe(first.source.path, first.source.key)).shape);
      if (typeof layout === 'string') throw new SimspecError(layout, { ...sourceOrigin(first.source), code: 'data.shape' });
      stored = layout.stimuli;
    }
  }
  const chosen = selectedStimuli(spec.select!, stored, state.labels);
  if (!Array.isArray(chosen)) throw new SimspecError(chosen.message, { file: spec.specFile, variable: ['stimuli', 'select', ...chosen.at].join('.'), code: 'spec.select' });
  state.selectedStimuli = { of: stored, indices: chosen };
  state.stimuli = chosen.length;
  if (state.labels) state.labels = selectTableRows(state.labels, chosen);
}

/**
 * Sources with `units` whose scores all came from the cache (or from shards) were never loaded here:
 * load them now, so that the results record the units used whatever served the scores.
 */
async function recordUnitSelections(state: RunState): Promise<void> {
  const used = new Set(state.jobs.flatMap((job) => [`model:${job.layer}`, `brain:${job.region}`]));
  for (const id of used) {
    if (state.representations.get(id)?.source.units && !state.unitSelections.has(id)) await loadStage(state, id, 0.96);
  }
}

/** Which stimuli and units the scores used, for the results file (absent when nothing was selected). */
function selectionRecord(state: RunState): Results['selection'] {
  const units: NonNullable<NonNullable<Results['selection']>['units']> = { model: {}, brain: {} };
  for (const [id, records] of state.unitSelections) {
    const [role, ...name] = id.split(':');
    units[role as 'model' | 'brain'][name.join(':')] = records;
  }
  const hasUnits = state.unitSelections.size > 0;
  if (!state.selectedStimuli && !hasUnits) return undefined;
  return {
    ...(state.selectedStimuli ? { stimuli: { of: state.selectedStimuli.of, count: state.selectedStimuli.indices.length, indices: state.selectedStimuli.indices } } : {}),
    ...(hasUnits ? { units } : {}),
  };
}

/**
 * A representation, loaded on first use, so that a re-run whose scores all come from the cache
 * reads no data at all.
 */
async function loadStage(state: RunState, id: string, fraction: number): Promise<LoadedRepresentation> {
  const known = state.loaded.get(id);
  if (known) return known;
  const rep = state.representations.get(id)!;
  throwIfAborted(state.options.signal);
  state.report('load', fraction, `loading ${rep.role === 'model' ? 'layer' : 'region'} ${rep.name}`);
  const started = Date.now();
  startStage('load');
  let value = rep.source.tensor !== undefined ? await loadRepresentation(rep, await state.onnx!.layer(rep)) : await loadRepresentation(rep);
  if (state.selectedStimuli) value = selectStimuliOf(value, state.selectedStimuli.indices);
  if (rep.source.units) {
    const selected = selectUnitsOf(value, rep.source.units);
    value = selected.loaded;
    state.unitSelections.set(id, selected.records);
  }
  stopStage();
  state.loadMilliseconds += Date.now() - started;
  state.loaded.set(id, value);
  return value;
}

/** Score one (comparison, layer, region): from the score cache, or through the family's runner. */
async function scoreJob(state: RunState, job: Job, index: number): Promise<void> {
  const { options, report, spec, cache, inputs, rdms, scores } = state;
  throwIfAborted(options.signal);
  const { comparison, layer, region } = job;
  const base = 0.05 + (0.9 * index) / state.jobs.length;
  const span = 0.9 / state.jobs.length;
  const key = cache ? jobCacheKey({ metric: comparison.metric, params: { params: comparison.params, statistics: comparison.statistics, files: auxiliaryFileHashes(spec, comparison) } }, inputs.get(`model:${layer}`)!, inputs.get(`brain:${region}`)!, engineBuildId()) : undefined;
  if (key) state.jobKeys.set(comparison.name, [...(state.jobKeys.get(comparison.name) ?? []), key]);
  const hit = key ? cachedJobFrom(cache!.getValue(key)) : undefined; // validated structure, or a miss
  if (hit) {
    const { score, rdms: recorded, stimuli: n } = hit as unknown as CachedJob;
    report('score', base + span, `${comparison.name}: ${layer} × ${region} — from the cache`);
    scores.push({ comparison: comparison.name, metric: comparison.metric, layer, region, ...score, fromCache: true });
    state.stimuli ||= n;
    for (const [role, name, values] of recorded) if (n <= 400) (role === 'model' ? rdms.model : rdms.brain)[name] ??= values;
    if (n > RDMS_IN_RESULTS_MAX && comparison.metric === 'rsa') {
      state.warnings.push(`${comparison.name} (${layer} × ${region}): score from the cache, so its RDMs (${n} stimuli, more than ${RDMS_IN_RESULTS_MAX}) are not in the RDM sidecar; run with --no-cache to write them`);
    }
    const { milliseconds, ...bare } = score;
    state.cellRecords.push({ key: cellKey({ comparison: comparison.name, layer, region }), score: bare, rdms: recorded, stimuli: n, warnings: [], milliseconds, fromCache: true });
    return;
  }
  const model = await loadStage(state, `model:${layer}`, base);
  const brain = await loadStage(state, `brain:${region}`, base);
  if (!familyFor(comparison.metric)?.timeResolved) {
    // `check` reports this on the source's `axes` (engine/spec/semantics.ts timeRefusal).
    for (const loaded of [model, brain]) {
      if (loaded.time === undefined) continue;
      throw new SimspecError(`\`axes\` names a \`time\` axis (length ${loaded.time}), which ${loaded.kind === 'rdm' ? 'an RDM' : 'a stimulus × unit metric'} does not read: select one time point in the file, or use a time-resolved analysis (\`metric: rsa-time\`)`, { file: loaded.file, variable: loaded.key ?? '(the only array)', code: 'data.shape' });
    }
  }
  state.stimuli ||= model.stimuli;
  const recorded: CachedJob['rdms'] = [];
  const context: RunContext = {
    spec,
    signal: options.signal ?? new AbortController().signal,
    progress: (fraction, message, count) => report('score', base + span * Math.min(1, Math.max(0, fraction)), `${comparison.name}: ${layer} × ${region}${message ? ` — ${message}` : ''}`, count),
    shared: state.shared,
    warn: (message) => state.warnings.push(`${comparison.name} (${layer} × ${region}): ${message}`),
    recordRdm: (role, name, condensed) => {
      if (model.stimuli > RDMS_IN_RESULTS_MAX) {
        // Too large for the JSON: kept for the sidecar, and not in the job cache (see the cache hit above).
        state.largeRdms.stimuli = model.stimuli;
        if (!(role === 'model' ? state.largeRdms.model : state.largeRdms.brain).has(name)) (role === 'model' ? state.largeRdms.model : state.largeRdms.brain).set(name, Float64Array.from(condensed));
        return;
      }
      const values = Array.from(condensed);
      (role === 'model' ? rdms.model : rdms.brain)[name] ??= values;
      recorded.push([role, name, values]);
    },
  };
  if (state.labels) context.labels = state.labels;
  context.layersStillToScore = () => layersStillToScore(state, index);
  context.progress(0);
  const warningsBefore = state.warnings.length;
  const pairStarted = Date.now();
  startStage('metric');
  const score = await runnerFor(comparison.metric)!.run(comparison, model, brain, context);
  stopStage();
  const milliseconds = Date.now() - pairStarted;
  scores.push({ comparison: comparison.name, metric: comparison.metric, layer, region, ...score, milliseconds });
  if (options.cells) state.cellRecords.push({ key: cellKey({ comparison: comparison.name, layer, region }), score: JSON.parse(toJson(score)) as Score, rdms: recorded, stimuli: model.stimuli, warnings: state.warnings.slice(warningsBefore), milliseconds, fromCache: false });
  if (key) cache!.putValue(key, { json: JSON.parse(toJson({ score: { ...score, milliseconds }, rdms: recorded, stimuli: model.stimuli })) });
}

/**
 * The layers of job `index`'s comparison that this run has still to score against its region, the
 * job's own layer first (RunContext.layersStillToScore): later jobs of the same comparison and
 * region that are neither precomputed, outside this shard's cells, nor in the score cache.
 */
async function layersStillToScore(state: RunState, index: number): Promise<LoadedRepresentation[]> {
  const { jobs, options, cache, spec, inputs } = state;
  const current = jobs[index]!;
  const fraction = 0.05 + (0.9 * index) / jobs.length; // the job's place in the run's progress, as scoreJob
  const out: LoadedRepresentation[] = [await loadStage(state, `model:${current.layer}`, fraction)];
  for (const job of jobs.slice(index + 1)) {
    if (job.comparison !== current.comparison || job.region !== current.region || job.layer === current.layer) continue;
    const cell = cellKey({ comparison: job.comparison.name, layer: job.layer, region: job.region });
    if (options.precomputed?.has(cell) || (options.cells && !options.cells.has(cell))) continue;
    if (cache) {
      const key = jobCacheKey({ metric: job.comparison.metric, params: { params: job.comparison.params, statistics: job.comparison.statistics, files: auxiliaryFileHashes(spec, job.comparison) } }, inputs.get(`model:${job.layer}`)!, inputs.get(`brain:${job.region}`)!, engineBuildId());
      if (cachedJobFrom(cache.getValue(key))) continue;
    }
    try {
      out.push(await loadStage(state, `model:${job.layer}`, fraction));
    } catch (e) {
      if (!(e instanceof SimspecError)) throw e;
    }
  }
  return out;
}

/** A family's results over every pair of a comparison (`finish`, e.g. the shape MDS map). */
async function finishComparison(state: RunState, comparison: ComparisonSpec): Promise<void> {
  const runner = runnerFor(comparison.metric)!;
  if (!runner.finish) return;
  const { cache, options } = state;
  throwIfAborted(options.signal);
  const key = cache ? productKey(`derived:${comparison.metric}`, { params: comparison.params, jobs: state.jobKeys.get(comparison.name), build: engineBuildId() }, []) : undefined;
  const hit = key ? cachedDerivedFrom(cache!.getValue(key)) : undefined; // validated structure, or a miss
  if (hit) {
    if (hit.json) state.derived[comparison.name] = hit.json;
    return;
  }
  const records = state.scores.filter((s) => s.comparison === comparison.name);
  const needed = [...new Set(records.flatMap((r) => [`model:${r.layer}`, `brain:${r.region}`]))];
  const all: LoadedRepresentation[] = [];
  for (const id of needed) all.push(await loadStage(state, id, 0.95));
  startStage('metric');
  let wroteFiles = false;
  const extra = await runner.finish(comparison, records, all, {
    spec: state.spec,
    signal: options.signal ?? new AbortController().signal,
    progress: () => {},
    shared: state.shared,
    warn: (message) => state.warnings.push(`${comparison.name}: ${message}`),
    ...(options.write !== false && !options.cells
      ? {
          writeOutput: (suffix: string, bytes: Uint8Array) => {
            wroteFiles = true;
            return writeBesideResults(state, comparison.name, suffix, bytes);
          },
        }
      : {}),
  });
  stopStage();
  if (extra) state.derived[comparison.name] = extra;
  // A finish that wrote files beside the results is not cached: a cache hit would list files that
  // a run with another output path never wrote.
  if (key && !wroteFiles) cache!.putValue(key, { json: extra ? JSON.parse(toJson(extra)) : null });
}

/**
 * A family's file beside the results (`<results>.<suffix>`, e.g. searchlight NIfTI maps), written
 * atomically; a path holding an input of the run or a file that is not a NIfTI volume is left alone
 * (a warning).
 */
function writeBesideResults(state: RunState, comparison: string, suffix: string, bytes: Uint8Array): string | undefined {
  const path = `${resolve(state.outputPath)}.${suffix.replace(/[^A-Za-z0-9._-]/g, '_')}`;
  let problem: string | undefined;
  try {
    const st = lstatSync(path);
    if (!st.isFile()) problem = 'exists and is not a regular file';
    else if (state.outputGuard.inputs.some((input) => resolve(input) === path)) problem = 'is an input of this run';
    else {
      const fd = openSync(path, 'r');
      const magic = Buffer.alloc(4);
      try {
        readSync(fd, magic, 0, 4, 344);
      } finally {
        closeSync(fd);
      }
      if (magic.toString('latin1') !== 'n+1\0') problem = 'exists and is not a NIfTI-1 file';
    }
  } catch {
    // nothing there
  }
  if (problem) {
    state.warnings.push(`${comparison}: ${path} ${problem}; not overwritten`);
    return undefined;
  }
  writeTextAtomically(path, bytes);
  return basename(path);
}

/** `model.lesion`: Δ = lesioned − intact per comparison, layer and region, with the units lesioned, in each comparison's `derived.lesion`. */
/** `model.in_silico`: predictions of the region's response to new images (engine/run/onnx.ts). */
async function recordInSilico(state: RunState): Promise<void> {
  const plan = state.spec.onnx?.inSilico;
  if (!plan || !state.onnx) return;
  state.report('score', 0.96, `in silico: ${plan.layer} → ${plan.region}`);
  const layer = state.spec.layers.find((l) => l.name === plan.layer)!;
  const x = (await loadStage(state, `model:${plan.layer}`, 0.96)).subjects[0]!.responses!;
  const r = (await loadStage(state, `brain:${plan.region}`, 0.96)).subjects[0]!.responses!;
  state.inSilico = await inSilicoRecord(state.onnx, plan, layer.source.tensor!, x, r, state.spec.baseDir);
}

async function recordLesion(state: RunState): Promise<void> {
  const lesion = state.spec.onnx?.lesion;
  if (!lesion) return;
  if (lesion.causal && state.onnx) {
    const causal = lesion.causal;
    const matrixOf = async (id: string) => (await loadStage(state, id, 0.96)).subjects[0]!.responses!;
    const layers = [];
    for (const rep of lesionedLayers(state.spec)) {
      const name = rep.name.slice(0, -LESIONED.length);
      layers.push({ name, tensor: rep.source.tensor!, intact: await matrixOf(`model:${name}`), lesioned: await matrixOf(`model:${rep.name}`) });
    }
    state.causal = await causalRecords(state.onnx, causal, layers, await matrixOf(`brain:${causal.intact}`), await matrixOf(`brain:${causal.perturbed}`), (fraction, message) => state.report('score', 0.96, `${message} (${Math.round(fraction * 100)}%)`));
  }
  const effects = lesionEffects(state.scores);
  const chosen = state.onnx?.lesion;
  for (const comparison of state.comparisons) {
    const mine = effects.filter((e) => e.comparison === comparison.name);
    if (mine.length === 0) continue;
    state.derived[comparison.name] = {
      ...(state.derived[comparison.name] ?? {}),
      lesion: { layer: lesion.layer, mode: lesion.mode, channels: lesion.channels, ...(chosen ? { units: chosen.chosen, of: chosen.of } : { units: lesion.units }), effects: mine },
    };
  }
}

/** The results document (engine/run/results.ts, schemas/results.schema.json). */
function assembleResults(state: RunState): Results {
  const { spec, jobs } = state;
  const results: Results = {
    format: 'simspec-results',
    version: 1,
    spec: { file: state.path, sha256: sha256(state.text) },
    engine: { name: 'simspec', version: ENGINE_VERSION, node: process.version },
    created: new Date().toISOString(),
    stimuli: state.stimuli,
    layers: [...new Set(jobs.map((j) => j.layer))],
    regions: [...new Set(jobs.map((j) => j.region))],
    comparisons: state.comparisons.map((c) => ({ name: c.name, metric: c.metric, params: c.params, statistics: c.statistics })),
    scores: state.scores,
    derived: state.derived,
    warnings: state.warnings,
    timings: { totalMilliseconds: Date.now() - state.started, loadMilliseconds: state.loadMilliseconds, ...(stageTimesEnabled() ? { stageMilliseconds: stageTotals() } : {}) },
  };
  if (spec.title) results.title = spec.title;
  if (spec.modelName) results.model = spec.modelName;
  if (Object.keys(state.rdms.model).length || Object.keys(state.rdms.brain).length) results.rdms = state.rdms;
  const selection = selectionRecord(state);
  if (selection) results.selection = selection;
  if (state.causal) results.causal = state.causal;
  if (state.inSilico) results.inSilico = state.inSilico;
  return results;
}

/**
 * RDMs over more than RDMS_IN_RESULTS_MAX stimuli go to `<output>.rdms.npz`, written (atomically)
 * before the results file that names it; an archive too large for a plain .npz is a warning.
 */
function writeRdmSidecar(state: RunState, results: Results): void {
  const large = state.largeRdms;
  if (large.model.size === 0 && large.brain.size === 0) return;
  checkResultsPath(state.outputPath, state.outputGuard);
  let bytes: Uint8Array;
  try {
    bytes = encodeRdmSidecar(large, state.outputPath);
  } catch (error) {
    if (!isSimspecError(error)) throw error;
    results.warnings.push(`RDMs not written: ${error.message}`);
    return;
  }
  const sidecar = rdmSidecarPath(state.outputPath);
  const problem = sidecarProblem(sidecar, state.outputGuard.inputs);
  if (problem) {
    results.warnings.push(`RDMs not written: ${sidecar} ${problem}; move it away to keep the RDMs of this run`);
    return;
  }
  writeTextAtomically(sidecar, bytes);
  results.rdmSidecar = rdmSidecarEntry(state.outputPath, large);
}

/** Why an existing file at the sidecar's path must not be replaced (an input, not a file, not an .npz), or undefined. */
function sidecarProblem(path: string, inputs: readonly string[]): string | undefined {
  let st: Stats;
  try {
    st = lstatSync(path);
  } catch {
    return undefined; // nothing there
  }
  if (!st.isFile()) return 'exists and is not a regular file';
  if (inputs.some((input) => resolve(input) === path)) return 'is an input of this run';
  const fd = openSync(path, 'r');
  const magic = Buffer.alloc(2);
  try {
    readSync(fd, magic, 0, 2, 0);
  } finally {
    closeSync(fd);
  }
  return magic.toString('latin1') === 'PK' || st.size === 0 ? undefined : 'exists and is not an .npz archive';
}

/** Write the results file atomically (a failed or cancelled run leaves an earlier file intact). */
function writeResults(state: RunState, results: Results): void {
  state.report('write', 0.97, 'writing results');
  writeRdmSidecar(state, results);
  writeResultsAtomically(state.outputPath, results, state.outputGuard);
  results.outputPath = state.outputPath;
}
