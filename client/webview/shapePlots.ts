/**
 * Panel views of the shape-metric extras: the warping index W = d_orth − d_lin of each
 * (layer, region) pair (Williams et al. 2021; docs/metrics.md §6.1) with its curve d(α), and
 * the metric-space map (classical MDS of all layers and regions under one comparison's distance).
 * Hand-written SVG like plots.ts; every data-derived string is escaped.
 */
import { escapeHtml as esc } from './escape';
import { formatNumber, type PanelMap, type PanelResults, type PanelScore } from './model';

const f = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : '0');

function finite(v: number | null | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** Scores that carry a warping index, grouped by comparison. */
export function warpingScores(results: PanelResults): Map<string, PanelScore[]> {
  const byComparison = new Map<string, PanelScore[]>();
  for (const s of results.scores) {
    if (!s.details?.warping) continue;
    byComparison.set(s.comparison, [...(byComparison.get(s.comparison) ?? []), s]);
  }
  return byComparison;
}

/** Layer × region table of W, with d_orth and d_lin in the tooltip. */
export function warpingTable(results: PanelResults, comparison: string, scores: PanelScore[]): string {
  const regions = results.regions.filter((r) => scores.some((s) => s.region === r));
  const layers = results.layers.filter((l) => scores.some((s) => s.layer === l));
  const label = scores[0]?.details?.warping?.label ?? 'W = d_orth − d_lin';
  let html = `<table class="warping" data-comparison="${esc(comparison)}"><caption>${esc(comparison)}: ${esc(label)}</caption><thead><tr><th>Layer</th>`;
  for (const r of regions) html += `<th>${esc(r)}</th>`;
  html += `</tr></thead><tbody>`;
  for (const l of layers) {
    html += `<tr><th>${esc(l)}</th>`;
    for (const r of regions) {
      const w = scores.find((s) => s.layer === l && s.region === r)?.details?.warping;
      const tip = w ? `d_orth = ${formatNumber(w.orthogonalDistance)}, d_lin = ${formatNumber(w.linearDistance)}${w.regime ? ` (${w.regime})` : ''}` : '';
      html += w ? `<td class="num" data-warping="${esc(`${l}|${r}`)}" title="${esc(tip)}">${esc(formatNumber(w.warpingIndex))}</td>` : '<td class="num">–</td>';
    }
    html += `</tr>`;
  }
  return html + `</tbody></table>`;
}

function svgOpen(width: number, height: number, title: string, id: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" class="plot" id="${esc(id)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(title)}"><title>${esc(title)}</title>`;
}

/** d(α) from α = 0 (linear) to α = 1 (orthogonal) for the selected pair. */
export function warpingCurve(score: PanelScore, id: string): string | undefined {
  const curve = (score.details?.warping?.curve ?? []).filter((p) => finite(p.distance));
  if (curve.length < 2) return undefined;
  const width = 320, height = 200, left = 48, right = 12, top = 26, bottom = 36;
  const values = curve.map((p) => p.distance as number);
  let lo = Math.min(0, ...values), hi = Math.max(...values);
  if (!(hi > lo)) hi = lo + 1;
  const x = (a: number) => left + (width - left - right) * a;
  const y = (v: number) => top + (height - top - bottom) * (1 - (v - lo) / (hi - lo));
  const title = `d(α): ${score.layer} × ${score.region}`;
  let out = svgOpen(width, height, title, id) + `<text class="plot-title" x="${left}" y="16">${esc(title)}</text>`;
  for (const t of [lo, (lo + hi) / 2, hi]) out += `<line class="grid" x1="${left}" x2="${width - right}" y1="${f(y(t))}" y2="${f(y(t))}"/><text class="tick" x="${left - 4}" y="${f(y(t) + 3)}" text-anchor="end">${esc(formatNumber(t, 2))}</text>`;
  for (const a of [0, 0.5, 1]) out += `<text class="tick" x="${f(x(a))}" y="${height - bottom + 14}" text-anchor="middle">${a}</text>`;
  out += `<text class="axis-label" x="${f(x(0.5))}" y="${height - 4}" text-anchor="middle">α (0 = linear, 1 = orthogonal)</text>`;
  out += `<polyline class="profile" points="${curve.map((p) => `${f(x(p.alpha))},${f(y(p.distance as number))}`).join(' ')}"/>`;
  for (const p of curve) out += `<circle class="point" cx="${f(x(p.alpha))}" cy="${f(y(p.distance as number))}" r="3"><title>α = ${esc(String(p.alpha))}: ${esc(formatNumber(p.distance))}</title></circle>`;
  return out + `</svg>`;
}

/** Scatter of the 2-D MDS coordinates; model layers and brain regions in different classes. */
export function metricSpaceMap(map: PanelMap, comparison: string, id: string): string | undefined {
  const points = map.coordinates.map((c, i) => ({ x: c[0] ?? 0, y: c[1] ?? 0, name: map.names[i] ?? '', role: map.roles[i] ?? 'model' }));
  if (points.length < 2) return undefined;
  const width = 360, height = 300, margin = 40, top = 26;
  const xs = points.map((p) => p.x), ys = points.map((p) => p.y);
  const span = Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys)) || 1;
  const cx = (Math.max(...xs) + Math.min(...xs)) / 2, cy = (Math.max(...ys) + Math.min(...ys)) / 2;
  const scale = (Math.min(width, height - top) - 2 * margin) / span;
  const px = (v: number) => width / 2 + (v - cx) * scale;
  const py = (v: number) => top + (height - top) / 2 - (v - cy) * scale;
  const title = `Metric-space map: ${comparison}`;
  let out = svgOpen(width, height, title, id) + `<text class="plot-title" x="8" y="16">${esc(title)}</text>`;
  for (const p of points) {
    const label = p.name.replace(/^(layer|region) /, '');
    out += `<g class="map-point ${p.role === 'brain' ? 'brain' : 'model'}" data-name="${esc(label)}"><circle cx="${f(px(p.x))}" cy="${f(py(p.y))}" r="${p.role === 'brain' ? 5 : 4}"><title>${esc(p.name)}</title></circle>`;
    out += `<text class="tick" x="${f(px(p.x) + 7)}" y="${f(py(p.y) + 3)}">${esc(label)}</text></g>`;
  }
  const note = `${map.regime ?? ''}${finite(map.negativeEigenvalueShare) ? ` · negative eigenvalue share ${formatNumber(map.negativeEigenvalueShare, 3)}` : ''}`;
  out += `<text class="tick" x="8" y="${height - 6}">${esc(note)}</text>`;
  return out + `</svg>`;
}
