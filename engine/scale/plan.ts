/**
 * The plan of a sharded run: the cells of a spec — (comparison, layer, region) in the order a
 * one-machine run scores them (spec order: comparisons, then layers, then regions) — each with an
 * estimated cost, and a plan hash that every shard carries so that the merge can refuse a shard
 * made from another spec, other data or another engine build.
 *
 * The cost model works from the shapes alone (the introspector reads headers, never the data):
 * n stimuli, p model features, q brain features (repeats and subjects folded into q, since the
 * loader averages or stacks them before the metric sees them). Every family's dominant work is
 * dense linear algebra on these shapes — Gram matrices or RDMs (n²·(p + q)), and an n×n or
 * n×min(p, q) decomposition (n³) — repeated once per resampling draw and once per
 * cross-validation fold. So a cell costs
 *
 *     seconds = c_family · (n²·(p + q) + n³) · (1 + bootstrap draws + permutation draws) · folds
 *
 * with one constant per family (PLS regression apart from ridge) — except RSA, whose draws reuse
 * its RDMs: c_rsa · n²·(p + q) + c_draw · draws · n². A shard's estimate adds the fixed cost of a
 * process. The constants are calibrated on the synthetic sample's data (200 stimuli, layers of 64
 * to 2048 units) with one thread: scripts/calibrate-cost-model.mjs sets `simspec plan --json`
 * beside a run's per-cell times (`<output>.run.json`), takes c as the ratio of the sums, and times
 * shard processes for the fixed cost. The constants only need to be right in ratio for the
 * partition to be balanced; the absolute seconds set the SLURM time limit, which gets generous
 * headroom (engine/scale/commands.ts).
 *
 * Peak memory: the two representations as float64, three n×n working matrices, and the largest
 * feature-by-feature product a family forms (p·min(n, p)), plus the Node process itself.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { SimspecError } from '../core/errors';
import { createFileIntrospector } from '../spec/introspector';
import { ENGINE_VERSION } from '../run/results';
import { planRun, type PlannedCell, type RunOptions } from '../run/execute';
import type { Representation } from '../spec';
import { partitionContiguous } from './partition';

/**
 * Seconds per unit of work, per cost class (see the header), all fitted in one run of
 * `node scripts/calibrate-cost-model.mjs` (scripts/cost-model/calibration.simspec.yaml: every cost
 * class on the synthetic sample; one process, one thread, on this project's shared 2-core machine
 * under a load average near 20, so the absolute seconds are several times an idle machine's while
 * the ratios between classes, which balance the shards, hold). RSA has two terms: its RDMs
 * (SECONDS_PER_UNIT.rsa · n²·(p + q)) and its resampling draws, which re-correlate the RDMs
 * without rebuilding them (RSA_SECONDS_PER_DRAW_PAIR · draws · n²).
 */
const SECONDS_PER_UNIT: Record<string, number> = {
  regression: 2.4e-9,
  'regression:pls': 7.2e-8,
  shape: 4.0e-9,
  cka: 3.4e-9,
  rsa: 8.4e-10,
  cca: 2.8e-8,
  knn: 1.5e-9,
};
const DEFAULT_SECONDS_PER_UNIT = 4.0e-9;
/** RSA: seconds per draw and stimulus pair (a resampled or permuted RDM correlation). */
const RSA_SECONDS_PER_DRAW_PAIR = 1.6e-7;
/**
 * The fixed wall seconds of one shard process — Node, the bundle, the kernels' calibration,
 * planning, loading, writing the shard — measured by the same script as a shard process's wall
 * time minus its cells' (median of four shards: 4.6–10.2 s under that load; ~1.5 s on a quiet machine).
 */
export const PROCESS_START_SECONDS = 5.7;
/** A Node process with the engine loaded, before any data. */
const BASE_BYTES = 120 * 2 ** 20;

export interface CostedPlanCell {
  key: string;
  comparison: string;
  metric: string;
  layer: string;
  region: string;
  /** Estimated wall seconds on one thread. */
  seconds: number;
  /** Estimated peak resident bytes of a process scoring this cell alone. */
  peakBytes: number;
  shape: { n: number; p: number; q: number; draws: number; folds: number };
  /** Which constant of the cost model applies, and the work it multiplies (for calibration). */
  costClass: string;
  units: number;
  /** RSA only: the resampling draws' work (draws · n²), which has its own constant. */
  drawUnits?: number;
}

export interface ScalePlan {
  specFile: string;
  planHash: string;
  cells: CostedPlanCell[];
}

export interface ShardSummary {
  index: number;
  cells: CostedPlanCell[];
  /** Estimated wall seconds of the shard's process: its cells plus the fixed cost of a process. */
  seconds: number;
  peakBytes: number;
}

/**
 * Identifies the engine's code for the plan hash: the running bundle's SHA-256, or (running from
 * source, as tests under tsx do) the version — the same in every process, unlike the score cache's
 * per-process id, because shards of one plan run in different processes.
 */
function planBuildId(): string {
  return __filename.endsWith('.js') && existsSync(__filename) ? createHash('sha256').update(readFileSync(__filename)).digest('hex') : `${ENGINE_VERSION}:source`;
}

function stable(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stable(v)}`).join(',')}}`;
}

async function featuresOf(rep: Representation, n: number, describe: ReturnType<typeof createFileIntrospector>['describe']): Promise<number> {
  try {
    const { shape } = await describe(rep.source.path, rep.source.key);
    const size = shape.reduce((a, b) => a * b, 1);
    if (rep.source.kind === 'rdm') return 0; // an RDM has no features: its cost is in the n² terms
    // Repeats (stimuli × repeats × units) are averaged before the metric: units are the features.
    if (rep.source.kind === 'repeats' && shape.length === 3) return shape[2]!;
    return n > 0 ? Math.max(1, Math.round(size / n)) : size;
  } catch {
    return 0;
  }
}

function foldsOf(params: Record<string, unknown>): number {
  const cv = params.cv as { folds?: unknown; splits?: unknown } | undefined;
  if (cv && typeof cv.folds === 'number') return cv.folds;
  if (cv && typeof cv.splits === 'number') return cv.splits;
  return params.preset === 'brain-score' ? 10 : 1;
}

function drawsOf(statistics: unknown): number {
  const s = statistics as { bootstrap?: { samples?: number }; permutation?: { samples?: number } } | undefined;
  return (s?.bootstrap?.samples ?? 0) + (s?.permutation?.samples ?? 0);
}

export function estimateCell(costClass: string, n: number, p: number, q: number, draws: number, folds: number): { seconds: number; peakBytes: number; units: number; drawUnits?: number } {
  const peakBytes = BASE_BYTES + 8 * (n * p + n * q + 3 * n * n + p * Math.min(n, p) + q * Math.min(n, q));
  if (costClass === 'rsa') {
    // RSA builds the two RDMs once (n²·(p + q)); each draw re-correlates the RDMs (n² pairs), never rebuilds them.
    const units = n * n * (p + q);
    const drawUnits = draws * n * n;
    return { seconds: SECONDS_PER_UNIT.rsa! * units + RSA_SECONDS_PER_DRAW_PAIR * drawUnits, peakBytes, units, drawUnits };
  }
  const units = (n * n * (p + q) + n * n * n) * (1 + draws) * Math.max(1, folds);
  const seconds = (SECONDS_PER_UNIT[costClass] ?? DEFAULT_SECONDS_PER_UNIT) * units;
  return { seconds, peakBytes, units };
}

/** Expand a spec into its costed cells and its plan hash. Checks the spec first (errors end here, as in a run). */
export async function planSpec(specFile: string, options: Pick<RunOptions, 'comparisons'> = {}): Promise<ScalePlan> {
  const plan = await planRun(specFile, options);
  const introspector = createFileIntrospector();
  const features = new Map<string, number>();
  const n = plan.spec.stimulusCount ?? 0;
  const cells: CostedPlanCell[] = [];
  for (const cell of plan.cells) {
    for (const rep of [cell.model, cell.brain]) {
      const id = `${rep.role}:${rep.name}`;
      if (!features.has(id)) features.set(id, await featuresOf(rep, n, introspector.describe));
    }
    cells.push(costed(cell, n, features.get(`model:${cell.layer}`)!, features.get(`brain:${cell.region}`)!));
  }
  const planHash = createHash('sha256')
    .update(stable({
      format: 'simspec-plan',
      spec: { file: plan.specPath, sha256: createHash('sha256').update(plan.specText).digest('hex') },
      comparisons: options.comparisons ?? null,
      inputs: plan.inputs,
      cells: cells.map((c) => c.key),
      build: planBuildId(),
    }))
    .digest('hex');
  return { specFile: plan.specPath, planHash, cells };
}

/** The cost-model class of a cell: its family, and for regression whether it is PLS (iterative, far slower per fold). */
export function costClassOf(metric: string, params: Record<string, unknown>): string {
  if (metric !== 'regression') return metric;
  return params.preset === 'brain-score' || params.method === 'pls' ? 'regression:pls' : 'regression';
}

function costed(cell: PlannedCell, n: number, p: number, q: number): CostedPlanCell {
  const draws = drawsOf(cell.statistics);
  const folds = cell.metric === 'regression' ? foldsOf(cell.params) : 1;
  const costClass = costClassOf(cell.metric, cell.params);
  return { key: cell.key, comparison: cell.comparison, metric: cell.metric, layer: cell.layer, region: cell.region, ...estimateCell(costClass, n, p, q, draws, folds), shape: { n, p, q, draws, folds }, costClass };
}

/** The N shards of a plan: contiguous, balanced by estimated seconds (engine/scale/partition.ts). */
export function shardsOf(plan: ScalePlan, of: number): ShardSummary[] {
  if (!Number.isInteger(of) || of < 1) throw new SimspecError(`the number of shards must be a positive integer, got ${of}`, { file: plan.specFile, code: 'plan.shards' });
  const starts = partitionContiguous(plan.cells.map((c) => c.seconds), of);
  return Array.from({ length: of }, (_, index) => {
    const cells = plan.cells.slice(starts[index]!, starts[index + 1]!);
    return { index, cells, seconds: (cells.length ? PROCESS_START_SECONDS : 0) + cells.reduce((a, c) => a + c.seconds, 0), peakBytes: cells.reduce((a, c) => Math.max(a, c.peakBytes), 0) };
  });
}

export function formatBytes(bytes: number): string {
  return bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(1)} GiB` : `${Math.ceil(bytes / 2 ** 20)} MiB`;
}

/** The plan as a table: one line per cell, then one per shard. */
export function formatPlan(plan: ScalePlan, shards: ShardSummary[] | undefined): string {
  const lines = [`plan ${plan.planHash.slice(0, 16)}  ${plan.cells.length} cells`];
  const header = ['#', 'comparison', 'layer', 'region', 'n', 'p', 'q', 'draws', 'est. s', 'peak'];
  const rows = plan.cells.map((c, i) => [String(i), c.comparison, c.layer, c.region, String(c.shape.n), String(c.shape.p), String(c.shape.q), String(c.shape.draws), c.seconds.toFixed(2), formatBytes(c.peakBytes)]);
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j]!.length)));
  for (const row of [header, ...rows]) lines.push(row.map((v, j) => v.padEnd(widths[j]!)).join('  ').trimEnd());
  if (shards) {
    lines.push('');
    for (const s of shards) lines.push(`shard ${s.index}: ${s.cells.length} cells, est. ${s.seconds.toFixed(2)} s, peak ${formatBytes(s.peakBytes)}${s.cells.length ? ` (${s.cells[0]!.comparison}/${s.cells[0]!.layer}/${s.cells[0]!.region} …)` : ''}`);
  }
  return lines.join('\n');
}
