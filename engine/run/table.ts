/**
 * The terminal table `simspec run` prints: one row per score, aligned columns, 4 decimals. A NaN
 * score shows `NaN [k]` and its reason as note k under the table (a reason is a sentence: inline it
 * would stretch every row). A normalised score shows the raw value beside it with the rule named; a
 * ceiling whose lower and upper bounds agree shows one number; a ridge fit shows the α it used (its
 * range over splits and targets). Columns nobody fills are left out.
 */
import type { Results } from './results';

type ScoreRow = Results['scores'][number];

function fixed(value: number | undefined, digits = 4): string {
  if (value === undefined) return '';
  if (!Number.isFinite(value)) return 'NaN';
  return value.toFixed(digits);
}

function pValue(p: number | undefined): string {
  if (p === undefined) return '';
  if (!Number.isFinite(p)) return 'NaN';
  return p < 1e-4 ? p.toExponential(1) : p.toFixed(4);
}

/** A ridge penalty in few characters: 0.1, 1000, 1e+7. */
export function alphaNumber(alpha: number): string {
  if (alpha !== 0 && (Math.abs(alpha) >= 1e4 || Math.abs(alpha) < 1e-2)) return alpha.toExponential(2).replace(/\.?0+e/, 'e').replace('e+', 'e');
  return String(Number(alpha.toPrecision(3)));
}

/** The ceiling cell: one number when lower = upper (a split-half ceiling), else lower–upper. */
export function ceilingText(ceiling: ScoreRow['noiseCeiling']): string {
  if (!ceiling) return '';
  if (ceiling.lower === ceiling.upper || (Number.isNaN(ceiling.lower) && Number.isNaN(ceiling.upper))) return fixed(ceiling.upper);
  return `${fixed(ceiling.lower)}–${fixed(ceiling.upper)}`;
}

/** The α cell: the α used, or its range over splits/targets, with the grid's range when it was chosen. */
export function alphaText(alpha: ScoreRow['alpha']): string {
  if (!alpha) return '';
  const used = alpha.min === alpha.max ? alphaNumber(alpha.min) : `${alphaNumber(alpha.min)}–${alphaNumber(alpha.max)}`;
  return alpha.grid ? `${used} (of ${alphaNumber(alpha.grid.min)}–${alphaNumber(alpha.grid.max)})` : used;
}

export function formatScoreTable(results: Results): string {
  const reasons: string[] = [];
  const valueCell = (s: ScoreRow) => {
    if (Number.isFinite(s.value)) return fixed(s.value);
    reasons.push(`[${reasons.length + 1}] ${s.comparison}, ${s.layer} × ${s.region}: NaN because ${s.reason ?? 'the metric gave no reason'}`);
    return `NaN [${reasons.length}]`;
  };
  const header = ['comparison', 'layer', 'region', 'value', 'normalised by', 'raw', '± SEM', 'CI', 'p', 'ceiling', 'α', 'measure'];
  const rows = results.scores.map((s) => [
    s.comparison,
    s.layer,
    s.region,
    valueCell(s),
    s.raw?.normalization ?? '',
    s.raw ? fixed(s.raw.value) : '',
    fixed(s.sem),
    s.ci ? `[${fixed(s.ci.lower)}, ${fixed(s.ci.upper)}]` : '',
    pValue(s.p?.value),
    ceilingText(s.noiseCeiling),
    alphaText(s.alpha),
    s.measure,
  ]);
  const always = new Set([0, 1, 2, 3, header.length - 1]);
  const used = header.map((_, c) => always.has(c) || rows.some((r) => r[c] !== ''));
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const numeric = new Set([3, 5, 6, 8, 9]);
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => (used[c] ? (numeric.has(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)) : undefined))
      .filter((cell) => cell !== undefined)
      .join('  ')
      .trimEnd();
  const title = results.title ? `${results.title}\n` : '';
  const notes = reasons.length ? `\n\n${reasons.join('\n')}` : '';
  return `${title}${line(header)}\n${line(header.map((_, c) => '-'.repeat(widths[c]!)))}\n${rows.map(line).join('\n')}${notes}`;
}
