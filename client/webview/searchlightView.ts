/**
 * Panel view of `metric: searchlight` results (docs/searchlight.md): per comparison, each layer's
 * group peak (voxel and mm), smallest FWE p and cluster table, the best-layer codes and the NIfTI
 * maps written beside the results, and a placeholder the slice viewer (slices.ts) fills; every string
 * from the results is escaped, and the structure is checked before use (a results file is input).
 */
import { escapeHtml as esc } from './escape';
import { formatNumber, type PanelResults } from './model';

interface Peak {
  value?: number;
  voxel?: number[];
  mm?: number[];
}

interface ClusterRow {
  size?: number;
  mass?: number;
  peak?: Peak;
  p?: number;
}

interface LayerSummary {
  subjects?: number;
  peak?: Peak;
  peakOf?: string;
  minimumPFwe?: number;
  clusters?: ClusterRow[];
}

interface SearchlightDerived {
  searchlights?: number;
  statistic?: string;
  radius?: { value?: number; unit?: string };
  inference?: string;
  bestLayer?: { codes?: { code?: number; layer?: string }[] };
  layers?: Record<string, LayerSummary>;
  files?: { name?: string; file?: string }[];
}

const MAX_CLUSTERS = 10;

const coords = (v: unknown): string => (Array.isArray(v) && v.every((x) => typeof x === 'number') ? `(${v.map((x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(1))).join(', ')})` : '–');

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The searchlight comparisons of a results file and their `derived` summaries. */
export function searchlightSummaries(results: PanelResults): [string, SearchlightDerived][] {
  const names = new Set(results.comparisons.filter((c) => c.metric === 'searchlight').map((c) => c.name));
  return Object.entries(results.derived ?? {}).filter(([name, d]) => names.has(name) && isObject(d) && isObject(d.layers)) as [string, SearchlightDerived][];
}

export function searchlightSection(results: PanelResults): string {
  const summaries = searchlightSummaries(results);
  if (summaries.length === 0) return '';
  let html = `<section id="searchlight"><h2>Searchlight maps</h2>`;
  for (const [name, d] of summaries) {
    const statistic = typeof d.statistic === 'string' ? d.statistic : 'value';
    html += `<h3>${esc(name)}</h3><p class="note">${esc(String(d.searchlights ?? '?'))} spheres of radius ${esc(String(d.radius?.value ?? '?'))} ${esc(String(d.radius?.unit ?? ''))}; ${esc(statistic)}. ${esc(typeof d.inference === 'string' ? d.inference : '')}</p>`;
    html += `<div class="searchlight-viewer" data-comparison="${esc(name)}"><p class="note">Slice viewer: waiting for the maps…</p></div>`;
    html += `<table class="searchlight-peaks"><thead><tr><th>layer</th><th>subjects</th><th>peak</th><th>voxel</th><th>mm</th><th>min FWE p</th><th>clusters</th></tr></thead><tbody>`;
    for (const [layer, s] of Object.entries(d.layers ?? {})) {
      if (!isObject(s)) continue;
      const minimumP = typeof s.minimumPFwe === 'number' ? s.minimumPFwe : undefined;
      const peak = isObject(s.peak) ? (s.peak as Peak) : undefined;
      html += `<tr><td>${esc(layer)}</td><td class="num">${esc(String(s.subjects ?? '–'))}</td><td class="num">${esc(s.peakOf === 't' ? 't = ' : '')}${esc(formatNumber(peak?.value))}</td><td>${esc(coords(peak?.voxel))}</td><td>${esc(coords(peak?.mm))}</td><td class="num">${esc(formatNumber(minimumP))}</td><td class="num">${Array.isArray(s.clusters) ? s.clusters.length : 0}</td></tr>`;
    }
    html += `</tbody></table>`;
    for (const [layer, s] of Object.entries(d.layers ?? {})) {
      const clusters = isObject(s) && Array.isArray(s.clusters) ? s.clusters.filter(isObject) : [];
      if (clusters.length === 0) continue;
      html += `<table class="searchlight-clusters" data-layer="${esc(layer)}"><caption>${esc(layer)}: clusters (largest mass first${clusters.length > MAX_CLUSTERS ? `, ${MAX_CLUSTERS} of ${clusters.length}` : ''})</caption><thead><tr><th>size</th><th>mass</th><th>peak t</th><th>voxel</th><th>mm</th><th>p</th></tr></thead><tbody>`;
      for (const c of clusters.slice(0, MAX_CLUSTERS) as ClusterRow[]) {
        html += `<tr><td class="num">${esc(String(c.size ?? '–'))}</td><td class="num">${esc(formatNumber(c.mass, 2))}</td><td class="num">${esc(formatNumber(c.peak?.value, 2))}</td><td>${esc(coords(c.peak?.voxel))}</td><td>${esc(coords(c.peak?.mm))}</td><td class="num">${esc(formatNumber(c.p))}</td></tr>`;
      }
      html += `</tbody></table>`;
    }
    const codes = (d.bestLayer?.codes ?? []).filter(isObject);
    if (codes.length > 1) html += `<p class="note">Best layer per voxel: ${codes.map((c) => `${esc(String(c.code))} = ${esc(String(c.layer))}`).join(', ')}; 0 = none.</p>`;
    const files = (d.files ?? []).filter(isObject);
    if (files.length) html += `<p class="note">NIfTI maps beside the results: ${files.map((f) => `<code>${esc(String(f.file))}</code>`).join(', ')}</p>`;
  }
  return html + `</section>`;
}
