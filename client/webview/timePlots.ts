/**
 * Panel views of time-resolved RSA (`metric: rsa-time`, docs/timeresolved.md): per region, the time
 * course of every layer (mean line, SEM band, the noise-ceiling band, significant clusters as bars
 * under the axis, each layer's peak latency with its bootstrap interval), the layer × time heat map
 * and the temporal-generalisation matrix. Hand-written SVG like plots.ts; layer and data colours are
 * fixed palettes, every data-derived string is escaped.
 */
import { escapeHtml as esc } from './escape';
import { formatNumber, type PanelResults, type PanelScore } from './model';
import { rampColour } from './plots';

const f = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : '0');
const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

export interface TimeDetails {
  times: number[];
  mean: (number | null)[];
  sem: (number | null)[];
  clusters?: { start: number; end: number; p: number | null; significant: boolean }[];
  peakLatency?: { seconds: number; lower: number | null; upper: number | null; level?: number };
  ceiling?: { lower: (number | null)[]; upper: (number | null)[] };
}

export interface TimeDerived {
  times: number[];
  layers: string[];
  layerByTime: (number | null)[][];
  temporalGeneralization?: (number | null)[][];
}

function num(v: number | null | undefined): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : Number.NaN;
}

function svgOpen(width: number, height: number, title: string, id: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" class="plot" id="${esc(id)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(title)}"><title>${esc(title)}</title>`;
}

/** Time-resolved scores, grouped by comparison and region (in file order). */
export function timeGroups(results: PanelResults): { comparison: string; region: string; scores: PanelScore[] }[] {
  const groups: { comparison: string; region: string; scores: PanelScore[] }[] = [];
  for (const s of results.scores) {
    if (!s.details || s.details.timeResolved !== true) continue;
    let g = groups.find((x) => x.comparison === s.comparison && x.region === s.region);
    if (!g) groups.push((g = { comparison: s.comparison, region: s.region, scores: [] }));
    g.scores.push(s);
  }
  return groups;
}

const ms = (t: number) => `${Math.round(t * 1000)}`;

/** Mean ± SEM per layer over time, ceiling band, significant clusters, peak latencies with CIs. */
export function timeCourses(scores: PanelScore[], title: string, id: string): string {
  const details = scores.map((s) => s.details as unknown as TimeDetails);
  const times = details[0]!.times;
  if (!times || times.length < 2) return '';
  const width = 640, left = 52, right = 110, top = 26, plotBottom = 250, barRow = 8;
  const height = plotBottom + 34 + barRow * scores.length + 10;
  let lo = 0, hi = 0;
  details.forEach((d) => d.mean.forEach((m, j) => {
    const v = num(m), e = num(d.sem[j]);
    if (Number.isFinite(v)) { lo = Math.min(lo, v - (e || 0)); hi = Math.max(hi, v + (e || 0)); }
  }));
  const ceiling = details.find((d) => d.ceiling)?.ceiling;
  if (ceiling) ceiling.upper.forEach((u) => Number.isFinite(num(u)) && (hi = Math.max(hi, num(u))));
  if (!(hi > lo)) hi = lo + 1;
  const t0 = times[0]!, t1 = times[times.length - 1]!;
  const x = (t: number) => left + ((width - left - right) * (t - t0)) / (t1 - t0 || 1);
  const y = (v: number) => top + ((plotBottom - top) * (hi - v)) / (hi - lo);
  let out = svgOpen(width, height, title, id) + `<text class="plot-title" x="${left}" y="16">${esc(title)}</text>`;
  if (ceiling) {
    const upper = times.map((t, j) => `${f(x(t))},${f(y(num(ceiling.upper[j]) || 0))}`);
    const lower = times.map((t, j) => `${f(x(t))},${f(y(num(ceiling.lower[j]) || 0))}`).reverse();
    out += `<polygon class="ceiling" data-ceiling="1" points="${upper.concat(lower).join(' ')}"><title>noise ceiling (leave-one-subject-out)</title></polygon>`;
  }
  for (let k = 0; k <= 4; k++) {
    const v = lo + ((hi - lo) * k) / 4;
    out += `<line class="grid" x1="${left}" x2="${width - right}" y1="${f(y(v))}" y2="${f(y(v))}"/><text class="tick" x="${left - 4}" y="${f(y(v) + 3)}" text-anchor="end">${esc(formatNumber(v, 2))}</text>`;
  }
  out += `<line class="axis" x1="${left}" x2="${width - right}" y1="${f(y(0))}" y2="${f(y(0))}"/>`;
  if (t0 < 0 && t1 > 0) out += `<line class="grid" x1="${f(x(0))}" x2="${f(x(0))}" y1="${top}" y2="${plotBottom}"/>`;
  const step = Math.max(0.05, Math.ceil(((t1 - t0) / 8) * 20) / 20);
  for (let t = Math.ceil(t0 / step) * step; t <= t1 + 1e-9; t += step) out += `<text class="tick" x="${f(x(t))}" y="${plotBottom + 12}" text-anchor="middle">${esc(ms(t))}</text>`;
  out += `<text class="tick" x="${width - right}" y="${plotBottom + 24}" text-anchor="end">ms</text>`;
  details.forEach((d, i) => {
    const colour = PALETTE[i % PALETTE.length]!;
    const up = times.map((t, j) => `${f(x(t))},${f(y(num(d.mean[j]) + (num(d.sem[j]) || 0)))}`);
    const down = times.map((t, j) => `${f(x(t))},${f(y(num(d.mean[j]) - (num(d.sem[j]) || 0)))}`).reverse();
    out += `<polygon fill="${colour}" fill-opacity="0.2" stroke="none" points="${up.concat(down).join(' ')}"/>`;
    out += `<polyline fill="none" stroke="${colour}" stroke-width="1.5" data-layer="${esc(scores[i]!.layer)}" points="${times.map((t, j) => `${f(x(t))},${f(y(num(d.mean[j]) || 0))}`).join(' ')}"/>`;
    const peak = d.peakLatency;
    if (peak && Number.isFinite(peak.seconds)) {
      const j = times.findIndex((t) => Math.abs(t - peak.seconds) < 1e-9);
      const py = y(num(d.mean[j]) || 0);
      if (Number.isFinite(num(peak.lower)) && Number.isFinite(num(peak.upper))) out += `<line stroke="${colour}" stroke-width="2" x1="${f(x(num(peak.lower)))}" x2="${f(x(num(peak.upper)))}" y1="${f(py - 6)}" y2="${f(py - 6)}"/>`;
      out += `<circle fill="${colour}" cx="${f(x(peak.seconds))}" cy="${f(py)}" r="3.5" data-peak="${esc(scores[i]!.layer)}" data-seconds="${peak.seconds}"><title>${esc(scores[i]!.layer)}: peak ${esc(ms(peak.seconds))} ms (${esc(ms(num(peak.lower)))}–${esc(ms(num(peak.upper)))} ms)</title></circle>`;
    }
    const rowY = plotBottom + 30 + i * barRow;
    for (const c of d.clusters ?? []) {
      if (!c.significant) continue;
      out += `<rect fill="${colour}" x="${f(x(c.start) - 1)}" y="${f(rowY)}" width="${f(Math.max(2, x(c.end) - x(c.start) + 2))}" height="${barRow - 2}" data-cluster="${esc(scores[i]!.layer)}"><title>${esc(scores[i]!.layer)}: cluster ${esc(ms(c.start))}–${esc(ms(c.end))} ms, p = ${esc(formatNumber(c.p))}</title></rect>`;
    }
    out += `<text class="tick" x="${width - right + 6}" y="${top + 12 + i * 14}" fill="${colour}">${esc(scores[i]!.layer)}${peak ? ` ${esc(ms(peak.seconds))} ms` : ''}</text>`;
  });
  return out + `</svg>`;
}

/** A matrix heat map (rows × columns) on the perceptual ramp, scaled to its own range. */
export function matrixHeatmap(full: (number | null)[][], rowLabels: string[] | undefined, times: number[], title: string, id: string, square: boolean, maxCells = 140): string {
  // Block averages when there are more time samples than cells (700 × 700 would be 490 000 rects).
  const matrix = blockAverage(full, square ? maxCells : full.length, maxCells, square);
  const rows = matrix.length;
  const cols = matrix[0]?.length ?? 0;
  if (rows === 0 || cols === 0) return '';
  const left = rowLabels ? 70 : 36, top = 22, plotW = 300, plotH = square ? 300 : Math.max(60, rows * 18);
  let lo = Infinity, hi = -Infinity;
  // A temporal-generalisation matrix is scaled by its off-diagonal values (the diagonal is 1 by construction).
  matrix.forEach((r, i) => r.forEach((v, j) => {
    if (Number.isFinite(num(v)) && !(square && i === j && full.length === rows)) { lo = Math.min(lo, num(v)); hi = Math.max(hi, num(v)); }
  }));
  if (!(hi > lo)) hi = lo + 1;
  const cw = plotW / cols, ch = plotH / rows;
  let out = svgOpen(left + plotW + 4, top + plotH + 20, title, id) + `<text class="plot-title" x="2" y="14">${esc(title)} (${esc(formatNumber(lo, 3))} … ${esc(formatNumber(hi, 3))}${square ? ', off-diagonal' : ''})</text><g shape-rendering="crispEdges">`;
  matrix.forEach((r, i) => r.forEach((v, j) => {
    out += `<rect x="${f(left + j * cw)}" y="${f(top + i * ch)}" width="${f(cw + 0.05)}" height="${f(ch + 0.05)}" fill="${rampColour((num(v) - lo) / (hi - lo))}"/>`;
  }));
  out += `</g>`;
  if (rowLabels) rowLabels.forEach((l, i) => (out += `<text class="tick" x="${left - 4}" y="${f(top + (i + 0.5) * ch + 3)}" text-anchor="end">${esc(l)}</text>`));
  const t0 = times[0]!, t1 = times[times.length - 1]!;
  out += `<text class="tick" x="${left}" y="${top + plotH + 12}">${esc(ms(t0))} ms</text><text class="tick" x="${left + plotW}" y="${top + plotH + 12}" text-anchor="end">${esc(ms(t1))} ms</text>`;
  if (square) out += `<text class="tick" x="${left - 4}" y="${top + 8}" text-anchor="end">${esc(ms(t0))}</text><text class="tick" x="${left - 4}" y="${top + plotH}" text-anchor="end">${esc(ms(t1))}</text>`;
  return out + `</svg>`;
}

/** Mean over blocks of rows and columns, down to at most maxRows × maxCols (the diagonal left out of square blocks on it). */
function blockAverage(m: (number | null)[][], maxRows: number, maxCols: number, square: boolean): (number | null)[][] {
  const R = m.length, C = m[0]?.length ?? 0;
  const rb = Math.max(1, Math.ceil(R / maxRows)), cb = Math.max(1, Math.ceil(C / maxCols));
  if (rb === 1 && cb === 1) return m;
  const out: (number | null)[][] = [];
  for (let i0 = 0; i0 < R; i0 += rb) {
    const row: (number | null)[] = [];
    for (let j0 = 0; j0 < C; j0 += cb) {
      let sum = 0, count = 0;
      for (let i = i0; i < Math.min(R, i0 + rb); i++) for (let j = j0; j < Math.min(C, j0 + cb); j++) {
        const v = num(m[i]![j]);
        if (Number.isFinite(v) && !(square && i === j)) { sum += v; count++; }
      }
      row.push(count ? sum / count : null);
    }
    out.push(row);
  }
  return out;
}

/** The time courses of one (comparison, region) as CSV: time, then per layer mean, SEM, and the ceiling bounds. */
export function timeCoursesCsv(scores: PanelScore[]): string {
  const details = scores.map((s) => s.details as unknown as TimeDetails);
  const times = details[0]?.times ?? [];
  const ceiling = details.find((d) => d.ceiling)?.ceiling;
  const cell = (v: number | null | undefined) => (typeof v === 'number' && Number.isFinite(v) ? String(v) : '');
  const quote = (v: string) => (/[",\n\r]/.test(v) || /^[=+\-@\t]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const header = ['time_s', ...scores.flatMap((s) => [quote(`${s.layer}_mean`), quote(`${s.layer}_sem`)]), ...(ceiling ? ['ceiling_lower', 'ceiling_upper'] : [])];
  const lines = times.map((t, j) => [String(t), ...details.flatMap((d) => [cell(d.mean[j]), cell(d.sem[j])]), ...(ceiling ? [cell(ceiling.lower[j]), cell(ceiling.upper[j])] : [])].join(','));
  return [header.join(','), ...lines].join('\n') + '\n';
}
