/**
 * Where a run's time goes, by stage (load, products, decompositions, resampling, metric, write),
 * so that a benchmark that misses its target shows what to speed up. Dependency-free and off by
 * default: a module-level recorder that `enableStageTimes()` (RunOptions.stageTimes, or the
 * environment variable SIMSPEC_STAGE_TIMES=1) switches on; disabled, each call is one boolean test.
 *
 * Stages nest, and time is exclusive: a Gram product inside a bootstrap loop counts as
 * 'products', the rest of the loop as 'resampling'. 'products' and 'decompositions' are kernel
 * stages: whatever runs inside one (an eigensolver's own GEMM calls) stays in it, so a
 * decomposition's time is not split by how it is implemented.
 * Synchronous nesting only: an `await` inside an open stage lets other work run in it.
 */
export type StageName = 'load' | 'products' | 'decompositions' | 'resampling' | 'metric' | 'write';

const KERNEL_STAGES: ReadonlySet<StageName> = new Set(['products', 'decompositions']);

interface OpenStage {
  name: StageName;
  started: number;
  /** Time spent in stages nested inside this one (already counted there). */
  nested: number;
}

let enabled = typeof process !== 'undefined' && process.env?.SIMSPEC_STAGE_TIMES === '1';
const totals = new Map<StageName, number>();
const open: OpenStage[] = [];
/** Depth of starts swallowed inside an open kernel stage (their stops are swallowed too). */
let swallowed = 0;

export function enableStageTimes(on = true): void {
  enabled = on;
}

export function stageTimesEnabled(): boolean {
  return enabled;
}

export function startStage(name: StageName): void {
  if (!enabled) return;
  const top = open[open.length - 1];
  if (swallowed > 0 || (top && KERNEL_STAGES.has(top.name))) {
    swallowed++;
    return;
  }
  open.push({ name, started: performance.now(), nested: 0 });
}

/** Stops the innermost open stage (started by the matching `startStage`). */
export function stopStage(): void {
  if (!enabled) return;
  if (swallowed > 0) {
    swallowed--;
    return;
  }
  const stage = open.pop();
  if (!stage) return;
  const elapsed = performance.now() - stage.started;
  totals.set(stage.name, (totals.get(stage.name) ?? 0) + elapsed - stage.nested);
  const parent = open[open.length - 1];
  if (parent) parent.nested += elapsed;
}

/** fn() inside stage `name`. */
export function timeStage<T>(name: StageName, fn: () => T): T {
  if (!enabled) return fn();
  startStage(name);
  try {
    return fn();
  } finally {
    stopStage();
  }
}

/** Exclusive milliseconds per stage since the last reset (stages never entered are absent). */
export function stageTotals(): Partial<Record<StageName, number>> {
  return Object.fromEntries(totals) as Partial<Record<StageName, number>>;
}

/** Clears the totals (a run starts from zero); open stages are dropped. */
export function resetStageTimes(): void {
  totals.clear();
  open.length = 0;
  swallowed = 0;
}
