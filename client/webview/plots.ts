/**
 * Hand-written SVG plots for the result panel: layer profiles with CIs and the noise-ceiling band,
 * RDM heat maps, the permutation null histogram, and the layer × region matrix. Each function
 * returns an SVG string; colours come from CSS classes (styled with --vscode-* variables in the
 * panel) except data colours (heat maps), which use a fixed perceptual ramp. Every data-derived
 * string is escaped. No library: a few hundred lines of SVG are smaller than any plotting bundle
 * and need nothing but the panel's nonce'd stylesheet under a strict CSP.
 */
import { escapeHtml as esc } from './escape';
import { condensedSize, formatNumber, type BestLayer, type PanelResults, type PanelScore } from './model';

const f = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : '0');

function finite(v: number | null | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const step0 = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(step0));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= step0) ?? step0;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Math.abs(t) < step * 1e-9 ? 0 : t);
  return ticks;
}

function svgOpen(width: number, height: number, title: string, id: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" class="plot" id="${esc(id)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(title)}"><title>${esc(title)}</title>`;
}

/** Value per layer for one (comparison, region), with CI whiskers and the noise-ceiling band. */
export function layerProfile(results: PanelResults, comparison: string, region: string, id: string): string {
  const scores = results.layers
    .map((layer) => results.scores.find((s) => s.comparison === comparison && s.region === region && s.layer === layer))
    .filter((s): s is PanelScore => s !== undefined);
  const width = 420, height = 240, left = 52, right = 12, top = 26, bottom = 56;
  const values: number[] = [];
  for (const s of scores) {
    if (finite(s.value)) values.push(s.value);
    if (s.ci && finite(s.ci.lower) && finite(s.ci.upper)) values.push(s.ci.lower, s.ci.upper);
  }
  // A ceiling-normalised score (value already divided by the ceiling) is not drawn against the ceiling band.
  const normalised = (s: PanelScore) => typeof s.details?.ceilingNormalization === 'string' && s.details.ceilingNormalization !== 'none';
  const ceiling = scores.find((s) => !normalised(s) && s.noiseCeiling && finite(s.noiseCeiling.lower) && finite(s.noiseCeiling.upper))?.noiseCeiling;
  if (ceiling) values.push(ceiling.lower as number, ceiling.upper as number);
  let lo = Math.min(0, ...values), hi = Math.max(0, ...values);
  if (!(hi > lo)) hi = lo + 1;
  const pad = (hi - lo) * 0.05;
  lo -= pad; hi += pad;
  const y = (v: number) => top + (height - top - bottom) * (1 - (v - lo) / (hi - lo));
  const n = Math.max(scores.length, 1);
  const x = (i: number) => left + ((width - left - right) * (i + 0.5)) / n;
  const title = `${comparison} — ${region}`;
  let out = svgOpen(width, height, `Layer profile: ${title}`, id);
  out += `<text class="plot-title" x="${left}" y="16">${esc(title)}</text>`;
  if (ceiling) {
    out += `<rect class="ceiling" x="${left}" y="${f(y(ceiling.upper as number))}" width="${width - left - right}" height="${f(Math.max(1, y(ceiling.lower as number) - y(ceiling.upper as number)))}"><title>noise ceiling ${esc(formatNumber(ceiling.lower))}–${esc(formatNumber(ceiling.upper))}${ceiling.convention ? ' (' + esc(ceiling.convention) + ')' : ''}</title></rect>`;
  }
  for (const t of niceTicks(lo, hi)) {
    out += `<line class="grid" x1="${left}" x2="${width - right}" y1="${f(y(t))}" y2="${f(y(t))}"/><text class="tick" x="${left - 4}" y="${f(y(t) + 3)}" text-anchor="end">${esc(formatNumber(t, 2))}</text>`;
  }
  if (lo < 0 && hi > 0) out += `<line class="axis" x1="${left}" x2="${width - right}" y1="${f(y(0))}" y2="${f(y(0))}"/>`;
  const points: string[] = [];
  scores.forEach((s, i) => {
    out += `<text class="tick" transform="translate(${f(x(i))},${height - bottom + 12}) rotate(30)">${esc(s.layer)}</text>`;
    if (!finite(s.value)) return;
    if (s.ci && finite(s.ci.lower) && finite(s.ci.upper)) {
      out += `<line class="whisker" x1="${f(x(i))}" x2="${f(x(i))}" y1="${f(y(s.ci.lower))}" y2="${f(y(s.ci.upper))}"/>`;
    }
    points.push(`${f(x(i))},${f(y(s.value))}`);
  });
  if (points.length > 1) out += `<polyline class="profile" points="${points.join(' ')}"/>`;
  scores.forEach((s, i) => {
    if (finite(s.value)) out += `<circle class="dot" cx="${f(x(i))}" cy="${f(y(s.value))}" r="3.5"><title>${esc(s.layer)}: ${esc(formatNumber(s.value))}</title></circle>`;
  });
  const measure = scores[0]?.measure ?? 'value';
  out += `<text class="tick" transform="translate(12,${f((top + height - bottom) / 2)}) rotate(-90)" text-anchor="middle">${esc(measure.length > 34 ? measure.slice(0, 33) + '…' : measure)}</text>`;
  return out + '</svg>';
}

// viridis at 9 stops (matplotlib's, public domain)
const RAMP = ['#440154', '#472d7b', '#3b528b', '#2c728e', '#21918c', '#28ae80', '#5ec962', '#addc30', '#fde725'];

export function rampColour(t: number): string {
  if (!Number.isFinite(t)) return '#808080';
  const u = Math.min(1, Math.max(0, t)) * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(u));
  const a = RAMP[i], b = RAMP[i + 1], w = u - i;
  const c = (k: number) => Math.round(parseInt(a.slice(k, k + 2), 16) * (1 - w) + parseInt(b.slice(k, k + 2), 16) * w).toString(16).padStart(2, '0');
  return `#${c(1)}${c(3)}${c(5)}`;
}

/** Rank-transformed (percentile) RDM as a heat map, block-averaged to at most `maxCells` per side. */
export function rdmHeatmap(condensed: (number | null)[], title: string, id: string, maxCells = 100): string {
  const n = condensedSize(condensed.length);
  if (n === undefined) return `<p class="note">${esc(title)}: not a condensed RDM (length ${condensed.length}).</p>`;
  // percentile ranks of the finite dissimilarities
  const order = condensed.map((v, i) => ({ v: finite(v) ? v : Number.NaN, i })).filter((e) => !Number.isNaN(e.v)).sort((a, b) => a.v - b.v);
  const rank = new Float64Array(condensed.length).fill(Number.NaN);
  order.forEach((e, k) => (rank[e.i] = order.length > 1 ? k / (order.length - 1) : 0.5));
  const cells = Math.min(n, maxCells);
  const block = n / cells;
  const sum = new Float64Array(cells * cells), count = new Float64Array(cells * cells);
  let k = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++, k++) {
      if (Number.isNaN(rank[k])) continue;
      const a = Math.floor(i / block), b = Math.floor(j / block);
      sum[a * cells + b] += rank[k]; count[a * cells + b]++;
      sum[b * cells + a] += rank[k]; count[b * cells + a]++;
    }
  }
  const size = 240, cell = size / cells, top = 20;
  let out = svgOpen(size + 2, size + top + 2, `RDM ${title}`, id);
  out += `<text class="plot-title" x="1" y="14">${esc(title)}</text><g transform="translate(1,${top})" shape-rendering="crispEdges">`;
  for (let a = 0; a < cells; a++) {
    for (let b = 0; b < cells; b++) {
      const c = count[a * cells + b];
      const colour = a === b && c === 0 ? RAMP[0] : rampColour(c > 0 ? sum[a * cells + b] / c : Number.NaN);
      out += `<rect x="${f(b * cell)}" y="${f(a * cell)}" width="${f(cell + 0.05)}" height="${f(cell + 0.05)}" fill="${colour}"/>`;
    }
  }
  return out + `</g></svg>`;
}

/** Histogram of a permutation null distribution with the observed value marked. */
export function nullHistogram(score: PanelScore, id: string): string {
  const nulls = (score.nullDistribution ?? []).filter(finite);
  if (nulls.length === 0) return '';
  const width = 420, height = 200, left = 40, right = 12, top = 26, bottom = 30, bins = 30;
  const observed = finite(score.value) ? score.value : Number.NaN;
  let lo = Math.min(...nulls, Number.isNaN(observed) ? Infinity : observed);
  let hi = Math.max(...nulls, Number.isNaN(observed) ? -Infinity : observed);
  if (!(hi > lo)) hi = lo + 1;
  const counts = new Array<number>(bins).fill(0);
  for (const v of nulls) counts[Math.min(bins - 1, Math.floor(((v - lo) / (hi - lo)) * bins))]++;
  const maxCount = Math.max(...counts);
  const x = (v: number) => left + ((width - left - right) * (v - lo)) / (hi - lo);
  const yh = (c: number) => ((height - top - bottom) * c) / maxCount;
  const title = `Permutation null: ${score.comparison}, ${score.layer} × ${score.region}`;
  let out = svgOpen(width, height, title, id) + `<text class="plot-title" x="${left}" y="16">${esc(title)}</text>`;
  const bw = (width - left - right) / bins;
  counts.forEach((c, i) => {
    if (c > 0) out += `<rect class="bar" x="${f(left + i * bw)}" y="${f(height - bottom - yh(c))}" width="${f(bw - 1)}" height="${f(yh(c))}"/>`;
  });
  out += `<line class="axis" x1="${left}" x2="${width - right}" y1="${height - bottom}" y2="${height - bottom}"/>`;
  for (const t of niceTicks(lo, hi, 6)) out += `<text class="tick" x="${f(x(t))}" y="${height - bottom + 14}" text-anchor="middle">${esc(formatNumber(t, 2))}</text>`;
  if (!Number.isNaN(observed)) {
    out += `<line class="observed" x1="${f(x(observed))}" x2="${f(x(observed))}" y1="${top}" y2="${height - bottom}"/><text class="tick" x="${f(x(observed))}" y="${top - 2}" text-anchor="${x(observed) > width * 0.7 ? 'end' : x(observed) < width * 0.3 ? 'start' : 'middle'}">observed ${esc(formatNumber(observed))}${score.p && finite(score.p.value) ? ', p = ' + esc(formatNumber(score.p.value)) : ''}</text>`;
  }
  return out + `<text class="tick" x="${left}" y="${height - 4}">${nulls.length} permutations</text></svg>`;
}

/** Layer × region grid for one comparison: colour by value within the comparison, ★ on each region's best layer. */
export function layerRegionMatrix(results: PanelResults, comparison: string, best: BestLayer[], id: string): string {
  const scores = results.scores.filter((s) => s.comparison === comparison);
  const values = scores.map((s) => s.value).filter(finite);
  const lo = Math.min(...values), hi = Math.max(...values);
  const higher = scores[0]?.higherIsBetter !== false;
  const layers = results.layers.filter((l) => scores.some((s) => s.layer === l));
  const regions = results.regions.filter((r) => scores.some((s) => s.region === r));
  const left = 12 + 6.2 * Math.max(4, ...layers.map((l) => l.length)), top = 40, cw = 72, ch = 24;
  const width = Math.max(left + cw * regions.length + 8, 20 + 6.8 * (comparison.length + 28)), height = top + ch * layers.length + 8;
  let out = svgOpen(width, height, `Layer × region: ${comparison}`, id) + `<text class="plot-title" x="2" y="14">${esc(comparison)}: best layer per region ★</text>`;
  regions.forEach((r, j) => (out += `<text class="tick" x="${left + cw * j + cw / 2}" y="${top - 6}" text-anchor="middle">${esc(r)}</text>`));
  layers.forEach((l, i) => {
    out += `<text class="tick" x="${left - 6}" y="${top + ch * i + ch / 2 + 4}" text-anchor="end">${esc(l)}</text>`;
    regions.forEach((r, j) => {
      const s = scores.find((t) => t.layer === l && t.region === r);
      if (!s) return;
      const t = finite(s.value) && hi > lo ? (s.value - lo) / (hi - lo) : 0.5;
      const b = best.find((e) => e.comparison === comparison && e.region === r);
      const mark = b?.layer === l ? '★' : b?.tied.includes(l) ? '∼' : '';
      const tip = `${l} × ${r}: ${formatNumber(s.value)}${b?.layer === l && b.ci ? ` (best; CI ${formatNumber(b.ci.lower)}–${formatNumber(b.ci.upper)})` : mark === '∼' ? ' (inside the best layer’s CI)' : ''}`;
      const shade = higher ? t : 1 - t;
      out += `<rect x="${left + cw * j}" y="${top + ch * i}" width="${cw - 2}" height="${ch - 2}" fill="${rampColour(shade)}"><title>${esc(tip)}</title></rect>`;
      out += `<text class="cell${shade > 0.6 ? ' dark' : ''}" x="${left + cw * j + cw / 2 - 1}" y="${top + ch * i + ch / 2 + 3}" text-anchor="middle">${mark} ${esc(finite(s.value) ? (Math.abs(s.value) >= 1000 ? s.value.toExponential(1) : s.value.toPrecision(3)) : '–')}</text>`;
    });
  });
  return out + '</svg>';
}
