/**
 * What the result panel reads from a results file (schemas/results.schema.json, written by
 * engine/run/results.ts), and the table logic on top of it: rows, sorting, each region's best
 * layer. Pure functions without DOM access, so they are tested in Node and used in the browser.
 */

import type { Results } from '../../engine/run/resultsFormat';

/**
 * A value as it comes back from a results file: the engine writes NaN and ±Infinity as null
 * (toJson in engine/run/results.ts), so every number may be null.
 */
type FromJson<T> = T extends number ? T | null : T extends readonly (infer U)[] ? FromJson<U>[] : T extends object ? { [K in keyof T]: FromJson<T[K]> } : T;

/** FromJson, and every field optional at every depth: what a file from an older engine, or written by hand, may hold. */
type Lenient<T> = T extends number ? T | null : T extends readonly (infer U)[] ? Lenient<U>[] : T extends object ? { [K in keyof T]?: Lenient<T[K]> } : T;

type ResultsScore = FromJson<Results['scores'][number]>;

/** The warping index of one (layer, region) pair: W = d_orth − d_lin, and the curve d(α) (a shape metric's `details.warping`). */
export interface PanelWarping {
  warpingIndex: number | null;
  orthogonalDistance: number | null;
  linearDistance: number | null;
  linearAlpha?: number;
  relative?: number | null;
  label?: string;
  regime?: string;
  curve?: { alpha: number; distance: number | null }[];
}

/** A classical-MDS map of every layer and region under one comparison's metric (`derived[comparison].mds`). */
export interface PanelMap {
  names: string[];
  roles: ('model' | 'brain')[];
  coordinates: number[][];
  negativeEigenvalueShare?: number | null;
  regime?: string;
  method?: string;
}

/**
 * One score as the panel reads it: the engine's score record, where only the pair's identity and
 * value are required (a file from an older engine, or written by hand, may lack the rest), and the
 * metric-specific `details` the panel draws are typed.
 */
export type PanelScore = Pick<ResultsScore, 'comparison' | 'layer' | 'region' | 'value'> & Lenient<Omit<Results['scores'][number], 'comparison' | 'layer' | 'region' | 'value' | 'metric' | 'details'>> & {
  /** The metric family (a file may name one this panel does not know). */
  metric: string;
  details?: { warping?: PanelWarping } & Record<string, unknown>;
};

export type PanelInterval = NonNullable<PanelScore['ci']>;

/** A results file as the panel reads it: the engine's `Results` with the same leniency as PanelScore. */
export type PanelResults = Pick<FromJson<Results>, 'format' | 'layers' | 'regions'> &
  Lenient<Omit<Results, 'format' | 'layers' | 'regions' | 'scores' | 'comparisons' | 'spec' | 'derived' | 'outputPath'>> & {
    spec: { file: string; sha256?: string };
    comparisons: { name: string; metric: string }[];
    scores: PanelScore[];
    derived?: Record<string, { mds?: PanelMap } & Record<string, unknown>>;
  };

export type SortColumn = 'comparison' | 'layer' | 'region' | 'value' | 'p' | 'ceiling';
export interface SortState { column: SortColumn; descending: boolean }

/** Stable key of one score (comparison, layer, region). */
export function rowKey(s: Pick<PanelScore, 'comparison' | 'layer' | 'region'>): string {
  return JSON.stringify([s.comparison, s.layer, s.region]);
}

/** Throws a readable error when the JSON is not a results file (the panel shows the message). */
export function checkResults(value: unknown): PanelResults {
  const r = value as PanelResults;
  if (!r || typeof r !== 'object' || r.format !== 'simspec-results') throw new Error("not a simspec results file (expected \"format\": \"simspec-results\")");
  if (!Array.isArray(r.scores) || !Array.isArray(r.layers) || !Array.isArray(r.regions)) throw new Error('results file lacks scores, layers or regions');
  return r;
}

function num(v: number | null | undefined): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : Number.NaN;
}

function sortValue(s: PanelScore, column: SortColumn, order: Map<string, number>): number | string {
  switch (column) {
    case 'comparison': return order.get('c:' + s.comparison) ?? 0;
    case 'layer': return order.get('l:' + s.layer) ?? 0;
    case 'region': return order.get('r:' + s.region) ?? 0;
    case 'value': return num(s.value);
    case 'p': return num(s.p?.value);
    case 'ceiling': return num(s.noiseCeiling?.upper);
  }
}

/** Rows in the requested order; comparison/layer/region sort by their order in the file, NaN last. */
export function sortedScores(results: PanelResults, sort: SortState): PanelScore[] {
  const order = new Map<string, number>();
  results.comparisons.forEach((c, i) => order.set('c:' + c.name, i));
  results.layers.forEach((l, i) => order.set('l:' + l, i));
  results.regions.forEach((r, i) => order.set('r:' + r, i));
  const indexed = results.scores.map((s, i) => ({ s, i }));
  indexed.sort((a, b) => {
    const x = sortValue(a.s, sort.column, order) as number;
    const y = sortValue(b.s, sort.column, order) as number;
    if (Number.isNaN(x) !== Number.isNaN(y)) return Number.isNaN(x) ? 1 : -1;
    const d = Number.isNaN(x) ? 0 : sort.descending ? y - x : x - y;
    return d !== 0 ? d : a.i - b.i;
  });
  return indexed.map(({ s }) => s);
}

export interface BestLayer {
  comparison: string;
  region: string;
  layer: string;
  value: number;
  /** Other layers whose value lies inside the best layer's confidence interval (not separable from it). */
  tied: string[];
  ci?: PanelInterval;
}

/** Each (comparison, region)'s best layer: highest value, or lowest for distances. */
export function bestLayers(results: PanelResults): BestLayer[] {
  const groups = new Map<string, PanelScore[]>();
  for (const s of results.scores) {
    const k = JSON.stringify([s.comparison, s.region]);
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(s);
  }
  const best: BestLayer[] = [];
  for (const scores of groups.values()) {
    const finite = scores.filter((s) => Number.isFinite(num(s.value)));
    if (finite.length === 0) continue;
    const higher = finite[0].higherIsBetter !== false;
    const top = finite.reduce((a, b) => ((higher ? num(b.value) > num(a.value) : num(b.value) < num(a.value)) ? b : a));
    const tied = top.ci ? finite.filter((s) => s !== top && num(s.value) >= num(top.ci!.lower) && num(s.value) <= num(top.ci!.upper)).map((s) => s.layer) : [];
    best.push({ comparison: top.comparison, region: top.region, layer: top.layer, value: num(top.value), tied, ci: top.ci });
  }
  return best;
}

/** Size n of a condensed RDM of length n(n−1)/2, or undefined. */
export function condensedSize(length: number): number | undefined {
  const n = Math.round((1 + Math.sqrt(1 + 8 * length)) / 2);
  return (n * (n - 1)) / 2 === length ? n : undefined;
}

export function formatNumber(v: number | null | undefined, digits = 4): string {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '–';
  if (v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e5)) return v.toExponential(2);
  return v.toFixed(digits);
}

function csvField(v: string): string {
  return /[",\n\r]/.test(v) || /^[=+\-@\t]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** The table as CSV (full precision, empty cells for missing values). */
export function tableToCsv(results: PanelResults, rows: PanelScore[] = results.scores): string {
  const header = ['comparison', 'metric', 'layer', 'region', 'measure', 'value', 'ci_lower', 'ci_upper', 'ci_level', 'p', 'ceiling_lower', 'ceiling_upper'];
  const cell = (v: number | null | undefined) => (typeof v === 'number' && Number.isFinite(v) ? String(v) : '');
  const lines = rows.map((s) =>
    [csvField(s.comparison), csvField(s.metric), csvField(s.layer), csvField(s.region), csvField(s.measure ?? ''), cell(s.value), cell(s.ci?.lower), cell(s.ci?.upper), cell(s.ci?.level), cell(s.p?.value), cell(s.noiseCeiling?.lower), cell(s.noiseCeiling?.upper)].join(','),
  );
  return [header.join(','), ...lines].join('\n') + '\n';
}
