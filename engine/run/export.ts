/**
 * `simspec export`: a results file as one tidy long table for pandas / R (docs/results.md,
 * "Export"). One row per number: the score and its statistics, then every per-subject, per-split,
 * per-unit and per-split × per-unit value the results keep, each tagged with what it is
 * (`quantity`) and where it belongs (`subject`, `direction`, `split`, `unit`; empty when not
 * applicable). Numbers are written in full precision (the shortest text that reads back to the
 * same double); a missing or non-finite number is an empty cell (NA in R, NaN in pandas).
 */
import { readFileSync } from 'node:fs';
import { SimspecError } from '../core/errors';
import type { Results } from './resultsFormat';

export const EXPORT_COLUMNS = ['comparison', 'metric', 'layer', 'region', 'quantity', 'subject', 'direction', 'split', 'unit', 'value'] as const;

export interface TidyRow {
  comparison: string;
  metric: string;
  layer: string;
  region: string;
  quantity: string;
  subject?: number;
  direction?: string;
  split?: number;
  unit?: number;
  value: number | null;
}

type Score = Results['scores'][number];

function numberOrNull(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function numbers(v: unknown): (number | null)[] | undefined {
  return Array.isArray(v) ? v.map(numberOrNull) : undefined;
}

/** The rows of a regression direction summary (`details.model_to_brain`, `details.brain_to_model`). */
function directionRows(base: Omit<TidyRow, 'quantity' | 'value'>, summary: Record<string, unknown>, push: (row: TidyRow) => void): void {
  const direction = typeof summary.direction === 'string' ? summary.direction : undefined;
  const subject = typeof summary.subject === 'number' ? summary.subject : base.subject;
  const at = { ...base, ...(subject !== undefined ? { subject } : {}), ...(direction ? { direction } : {}) };
  if (summary.value !== undefined) push({ ...at, quantity: 'direction_value', value: numberOrNull(summary.value) });
  numbers(summary.perSplit)?.forEach((value, split) => push({ ...at, quantity: 'split_value', split, value }));
  numbers(summary.perTarget)?.forEach((value, unit) => push({ ...at, quantity: 'unit_value', unit, value }));
  if (Array.isArray(summary.perSplitPerTarget)) {
    summary.perSplitPerTarget.forEach((units, split) => numbers(units)?.forEach((value, unit) => push({ ...at, quantity: 'split_unit_value', split, unit, value })));
  }
}

/** Every number a score keeps, as tidy rows (see EXPORT_COLUMNS and docs/results.md for the quantities). */
export function scoreRows(score: Score): TidyRow[] {
  const rows: TidyRow[] = [];
  const push = (row: TidyRow) => rows.push(row);
  const base = { comparison: score.comparison, metric: score.metric, layer: score.layer, region: score.region };
  push({ ...base, quantity: 'value', value: numberOrNull(score.value) });
  if (score.raw) push({ ...base, quantity: 'raw', value: numberOrNull(score.raw.value) });
  if (score.sem !== undefined) push({ ...base, quantity: 'sem', value: numberOrNull(score.sem) });
  if (score.ci) {
    push({ ...base, quantity: 'ci_lower', value: numberOrNull(score.ci.lower) });
    push({ ...base, quantity: 'ci_upper', value: numberOrNull(score.ci.upper) });
  }
  if (score.p) push({ ...base, quantity: 'p', value: numberOrNull(score.p.value) });
  if (score.noiseCeiling) {
    push({ ...base, quantity: 'ceiling_lower', value: numberOrNull(score.noiseCeiling.lower) });
    push({ ...base, quantity: 'ceiling_upper', value: numberOrNull(score.noiseCeiling.upper) });
  }
  if (score.alpha) {
    push({ ...base, quantity: 'alpha_min', value: numberOrNull(score.alpha.min) });
    push({ ...base, quantity: 'alpha_max', value: numberOrNull(score.alpha.max) });
  }
  numbers(score.perSubject)?.forEach((value, subject) => push({ ...base, subject, quantity: 'subject_value', value }));
  const details = (score.details ?? {}) as Record<string, unknown>;
  for (const key of ['model_to_brain', 'brain_to_model']) {
    const entry = details[key];
    const summaries = Array.isArray(entry) ? entry : entry && typeof entry === 'object' ? [entry] : [];
    for (const summary of summaries) directionRows(base, summary as Record<string, unknown>, push);
  }
  const perUnitCeiling = details.ceilingPerUnit;
  if (Array.isArray(perUnitCeiling)) {
    const perSubject = perUnitCeiling.length > 0 && Array.isArray(perUnitCeiling[0]) ? (perUnitCeiling as unknown[][]) : [perUnitCeiling];
    perSubject.forEach((units, subject) =>
      numbers(units)?.forEach((value, unit) => push({ ...base, ...(perSubject.length > 1 ? { subject } : {}), quantity: 'unit_ceiling', unit, value })),
    );
  }
  if (Array.isArray(details.ceilingSplits)) {
    const perSubject = details.ceilingSplits as { spearmanBrown?: unknown }[];
    perSubject.forEach((entry, subject) =>
      numbers(entry?.spearmanBrown)?.forEach((value, split) => push({ ...base, ...(perSubject.length > 1 ? { subject } : {}), quantity: 'ceiling_split', split, value })),
    );
  }
  return rows;
}

/** A CSV field: quoted when it holds a comma, quote or line break, or starts like a spreadsheet formula. */
function csvField(text: string): string {
  return /[",\n\r]/.test(text) || /^[=+\-@\t]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function cell(v: string | number | null | undefined): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  return csvField(v);
}

export function tidyCsv(results: Results): string {
  const lines = [EXPORT_COLUMNS.join(',')];
  for (const score of results.scores) {
    for (const row of scoreRows(score)) lines.push(EXPORT_COLUMNS.map((c) => (c === 'value' ? cell(row.value) : cell(row[c]))).join(','));
  }
  return lines.join('\n') + '\n';
}

/** A results file read for export; a SimspecError naming the file when it is not one. */
export function readResultsFile(path: string): Results {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new SimspecError(`cannot read the results file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { file: path, expected: 'a results file written by simspec run', code: 'export.read' });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new SimspecError('is not JSON', { file: path, expected: 'a results file written by simspec run ({"format": "simspec-results", ...})', code: 'export.format' });
  }
  const results = parsed as Partial<Results> | null;
  if (!results || typeof results !== 'object' || results.format !== 'simspec-results' || !Array.isArray(results.scores)) {
    throw new SimspecError('is not a simspec results file (no "format": "simspec-results" with a "scores" list)', { file: path, expected: 'a results file written by simspec run', code: 'export.format' });
  }
  results.scores.forEach((s, i) => {
    if (!s || typeof s !== 'object' || typeof s.comparison !== 'string' || typeof s.layer !== 'string' || typeof s.region !== 'string') {
      throw new SimspecError(`score ${i} lacks its comparison, layer or region`, { file: path, variable: `scores[${i}]`, expected: 'scores as simspec run writes them', code: 'export.format' });
    }
  });
  return results as Results;
}
