/**
 * Per-unit scores of an encoding model (held-out r or R² of every predicted unit, mean over splits)
 * as a histogram with the aggregate marked, one per direction: the spread behind a median that a
 * single number hides. Hand-written SVG like plots.ts; every data-derived string is escaped.
 */
import { escapeHtml as esc } from './escape';
import { formatNumber, type PanelScore } from './model';

const f = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : '0');

interface DirectionDetails {
  direction?: string;
  value?: number | null;
  perTarget?: (number | null)[];
}

/** The directions of a regression score that carry per-unit values. */
export function regressionDirections(score: PanelScore): DirectionDetails[] {
  if (score.metric !== 'regression' || !score.details) return [];
  return ['model_to_brain', 'brain_to_model']
    .map((key) => score.details![key] as DirectionDetails | undefined)
    .filter((d): d is DirectionDetails => Array.isArray(d?.perTarget) && d!.perTarget!.length > 0);
}

export function perUnitHistogram(score: PanelScore, direction: DirectionDetails, id: string): string {
  const values = (direction.perTarget ?? []).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const width = 420, height = 200, left = 40, right = 12, top = 26, bottom = 30, bins = 30;
  let lo = Math.min(0, ...values), hi = Math.max(...values, 1e-9);
  if (!(hi > lo)) hi = lo + 1;
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) counts[Math.min(bins - 1, Math.floor(((v - lo) / (hi - lo)) * bins))]!++;
  const maxCount = Math.max(1, ...counts);
  const x = (v: number) => left + ((width - left - right) * (v - lo)) / (hi - lo);
  const yh = (c: number) => ((height - top - bottom) * c) / maxCount;
  const arrow = direction.direction === 'brain_to_model' ? 'brain → model' : 'model → brain';
  const title = `Per-unit scores, ${arrow}: ${score.layer} × ${score.region}`;
  let out = `<svg xmlns="http://www.w3.org/2000/svg" class="plot" id="${esc(id)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(title)}"><title>${esc(title)}</title>`;
  out += `<text class="plot-title" x="${left}" y="16">${esc(title)}</text>`;
  const bw = (width - left - right) / bins;
  counts.forEach((c, i) => {
    if (c > 0) out += `<rect class="bar" x="${f(left + i * bw)}" y="${f(height - bottom - yh(c))}" width="${f(bw - 1)}" height="${f(yh(c))}"/>`;
  });
  out += `<line class="axis" x1="${left}" x2="${width - right}" y1="${height - bottom}" y2="${height - bottom}"/>`;
  for (const t of [lo, (lo + hi) / 2, hi]) out += `<text class="tick" x="${f(x(t))}" y="${height - bottom + 14}" text-anchor="middle">${esc(formatNumber(t, 2))}</text>`;
  const aggregate = direction.value;
  if (typeof aggregate === 'number' && Number.isFinite(aggregate)) {
    out += `<line class="observed" x1="${f(x(aggregate))}" x2="${f(x(aggregate))}" y1="${top}" y2="${height - bottom}"/><text class="tick" x="${f(x(aggregate))}" y="${top - 2}" text-anchor="middle">aggregate ${esc(formatNumber(aggregate))}</text>`;
  }
  return out + `<text class="tick" x="${left}" y="${height - 4}">${values.length} units</text></svg>`;
}
