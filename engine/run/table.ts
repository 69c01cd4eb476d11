/**
 * The terminal table `simspec run` prints: one row per score, aligned columns, 4 decimals. A NaN
 * score shows `NaN [k]` and its reason as note k under the table (a reason is a sentence: inline it
 * would stretch every row).
 */
import type { Results } from './results';

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

export function formatScoreTable(results: Results): string {
  const reasons: string[] = [];
  const valueCell = (s: Results['scores'][number]) => {
    if (Number.isFinite(s.value)) return fixed(s.value);
    reasons.push(`[${reasons.length + 1}] ${s.comparison}, ${s.layer} × ${s.region}: NaN because ${s.reason ?? 'the metric gave no reason'}`);
    return `NaN [${reasons.length}]`;
  };
  const header = ['comparison', 'layer', 'region', 'value', '± SEM', 'CI', 'p', 'ceiling (lower–upper)', 'measure'];
  const rows = results.scores.map((s) => [
    s.comparison,
    s.layer,
    s.region,
    valueCell(s),
    fixed(s.sem),
    s.ci ? `[${fixed(s.ci.lower)}, ${fixed(s.ci.upper)}]` : '',
    pValue(s.p?.value),
    s.noiseCeiling ? `${fixed(s.noiseCeiling.lower)}–${fixed(s.noiseCeiling.upper)}` : '',
    s.measure,
  ]);
  const used = header.map((_, c) => c < 4 || c === 8 || rows.some((r) => r[c] !== ''));
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const numeric = new Set([3, 4, 6]);
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
