/**
 * The registry of metric families: one line per family. Everything else is derived from this list —
 * the `MetricFamily` type, the runners the executor calls, the checks of engine/spec, the composed
 * spec schema (engine/families/schema.ts, written to schemas/simspec.schema.json by
 * scripts/build.mjs), the CLI usage text and `simspec score --case` dispatch.
 * To add a family: write engine/families/<id>.ts (interface in ./types.ts) and add it here
 * (docs/adding-a-metric.md).
 */
import { cca } from './cca';
import { cka } from './cka';
import { knn } from './knn';
import { regression } from './regression';
import { rsa } from './rsa';
import { rsaTime } from './rsaTime';
import { runnerOf } from './runner';
import { searchlight } from './searchlight';
import { shape } from './shape';
import type { AnyFamily, CaseHandlers, ComparisonRunner } from './types';

export const FAMILIES = [rsa, regression, shape, cka, cca, knn, searchlight, rsaTime] as const;

/** The value of `metric:` in a spec. */
export type MetricFamily = (typeof FAMILIES)[number]['id'];

export const FAMILY_IDS: readonly MetricFamily[] = FAMILIES.map((f) => f.id);

const byId = new Map<string, AnyFamily>(FAMILIES.map((f) => [f.id, f as AnyFamily]));
const runners = new Map<string, ComparisonRunner>(FAMILIES.map((f) => [f.id, runnerOf(f as AnyFamily)]));

export function familyFor(metric: string): AnyFamily | undefined {
  return byId.get(metric);
}

/** The executor's runner of a family (parse, then run). */
export function runnerFor(metric: string): ComparisonRunner | undefined {
  return runners.get(metric);
}

/** Replace a family's runner (tests that instrument a runner). */
export function registerRunner(runner: ComparisonRunner): void {
  runners.set(runner.metric, runner);
}

/** Every reference-case handler of every family, keyed by case metric id. */
export function allCaseHandlers(): CaseHandlers {
  return Object.assign({}, ...FAMILIES.map((f) => f.caseHandlers)) as CaseHandlers;
}

/** `--metric` line of the CLI usage: the ids, and one line per family. */
export function familyUsage(): { ids: string; lines: string[] } {
  return { ids: FAMILY_IDS.join('|'), lines: FAMILIES.map((f) => `${f.id.padEnd(11)} ${f.summary}`) };
}

export type { AnyFamily, FamilyDefinition } from './types';
