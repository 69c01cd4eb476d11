/**
 * The panel's body as an HTML string for one state (results + selection + sort). Pure: main.ts puts
 * it in the DOM and wires events by data-* attributes; tests can render it without a browser.
 */
import { escapeHtml as esc } from './escape';
import { bestLayers, formatNumber, rowKey, sortedScores, type PanelResults, type PanelScore, type SortColumn, type SortState } from './model';
import { layerProfile, layerRegionMatrix, nullHistogram, rdmHeatmap } from './plots';
import { metricSpaceMap, warpingCurve, warpingScores, warpingTable } from './shapePlots';
import { perUnitHistogram, regressionDirections } from './regressionPlots';
import { searchlightSection } from './searchlightView';
import { matrixHeatmap, timeCourses, timeGroups, type TimeDerived } from './timePlots';

export interface ViewState {
  file?: string;
  selected?: string;
  sort: SortState;
}

const columns: { id: SortColumn | 'ci'; label: string }[] = [
  { id: 'comparison', label: 'Comparison' },
  { id: 'layer', label: 'Layer' },
  { id: 'region', label: 'Region' },
  { id: 'value', label: 'Value' },
  { id: 'ci', label: 'CI' },
  { id: 'p', label: 'p' },
  { id: 'ceiling', label: 'Noise ceiling' },
];

function exportButton(plotId: string, name: string): string {
  return `<button class="export" data-export-svg="${esc(plotId)}" data-name="${esc(name)}" title="Save this plot as SVG">SVG</button>`;
}

/** The value cell: the number, or for a NaN score its reason in its place (escaped: it can quote user data names). */
function valueCell(s: PanelScore): string {
  if (typeof s.value === 'number' && Number.isFinite(s.value)) return esc(formatNumber(s.value));
  const reason = typeof s.reason === 'string' && s.reason ? s.reason : 'no reason given';
  return `<span class="nan-reason" title="${esc(reason)}">NaN: ${esc(reason)}</span>`;
}

/** Columns shown only when some score fills them: the raw value of a normalised score, and ridge's α. */
interface OptionalColumns {
  raw: boolean;
  alpha: boolean;
}

function optionalColumns(results: PanelResults): OptionalColumns {
  return { raw: results.scores.some((s) => s.raw), alpha: results.scores.some((s) => s.alpha) };
}

/** A ceiling whose bounds agree (a split-half ceiling) is one number, not "0.7595 – 0.7595". */
function ceilingCell(c: PanelScore['noiseCeiling']): string {
  if (!c) return '–';
  return c.lower === c.upper ? formatNumber(c.upper) : `${formatNumber(c.lower)} – ${formatNumber(c.upper)}`;
}

function alphaNumber(a: number | null | undefined): string {
  if (typeof a !== 'number' || !Number.isFinite(a)) return '–';
  if (a !== 0 && (Math.abs(a) >= 1e4 || Math.abs(a) < 1e-2)) return a.toExponential(2).replace(/\.?0+e/, 'e').replace('e+', 'e');
  return String(Number(a.toPrecision(3)));
}

/** The α used (or its range over splits and targets), with the grid's range when it was chosen. */
function alphaCell(a: PanelScore['alpha']): string {
  if (!a) return '–';
  const used = a.min === a.max ? alphaNumber(a.min) : `${alphaNumber(a.min)}–${alphaNumber(a.max)}`;
  return a.grid ? `${used} (of ${alphaNumber(a.grid.min)}–${alphaNumber(a.grid.max)})` : used;
}

function row(s: PanelScore, selected: boolean, optional: OptionalColumns): string {
  const ci = s.ci ? `${formatNumber(s.ci.lower)} – ${formatNumber(s.ci.upper)}` : '–';
  const warn = s.warnings && s.warnings.length ? ` <span class="warn" title="${esc(s.warnings.join('\n'))}">⚠</span>` : '';
  const raw = optional.raw ? `<td data-col="raw" class="num">${s.raw ? `${esc(formatNumber(s.raw.value))} <span class="note">→ ${esc(s.raw.normalization ?? '')}</span>` : '–'}</td>` : '';
  const alpha = optional.alpha ? `<td data-col="alpha" class="num">${esc(alphaCell(s.alpha))}</td>` : '';
  return `<tr class="score${selected ? ' selected' : ''}" data-key="${esc(rowKey(s))}" tabindex="0" title="${esc(s.measure ?? '')}">` +
    `<td data-col="comparison">${esc(s.comparison)}</td><td data-col="layer">${esc(s.layer)}</td><td data-col="region">${esc(s.region)}</td>` +
    `<td data-col="value" class="num">${valueCell(s)}${warn}</td>${raw}<td data-col="ci" class="num">${esc(ci)}</td>` +
    `<td data-col="p" class="num">${esc(formatNumber(s.p?.value))}</td><td data-col="ceiling" class="num">${esc(ceilingCell(s.noiseCeiling))}</td>${alpha}</tr>`;
}

export function renderBody(results: PanelResults, state: ViewState): string {
  const rows = sortedScores(results, state.sort);
  const selected = results.scores.find((s) => rowKey(s) === state.selected) ?? rows[0];
  const best = bestLayers(results);
  let html = `<header><h1>${esc(results.title ?? 'simspec results')}</h1><p class="meta">${esc(results.spec.file)}${results.created ? ` · ${esc(results.created)}` : ''} · ${esc(String(results.stimuli ?? '?'))} stimuli · ${esc(results.engine?.name ?? 'simspec')} ${esc(results.engine?.version ?? '')}</p>`;
  html += `<button class="export" id="export-csv" title="Save the table as CSV">Export CSV</button></header>`;
  for (const w of results.warnings ?? []) html += `<p class="warning">${esc(w)}</p>`;
  html += `<section><h2>Scores</h2><div id="scores-wrap"><table id="scores"><thead><tr>`;
  const optional = optionalColumns(results);
  const shown: { id: SortColumn | 'ci' | 'raw' | 'alpha'; label: string }[] = [...columns];
  // The raw value sits right of the (normalised) value; α after the ceiling. Neither sorts.
  if (optional.raw) shown.splice(4, 0, { id: 'raw', label: 'Raw → normalised by' });
  if (optional.alpha) shown.push({ id: 'alpha', label: 'Ridge α' });
  for (const c of shown) {
    const sortable = c.id !== 'ci' && c.id !== 'raw' && c.id !== 'alpha';
    const active = state.sort.column === c.id;
    const arrow = active ? (state.sort.descending ? ' ▼' : ' ▲') : '';
    html += sortable ? `<th data-sort="${c.id}" class="sortable${active ? ' active' : ''}" aria-sort="${active ? (state.sort.descending ? 'descending' : 'ascending') : 'none'}">${c.label}${arrow}</th>` : `<th>${c.label}</th>`;
  }
  html += `</tr></thead><tbody>${rows.map((s) => row(s, s === selected, optional)).join('')}</tbody></table></div></section>`;

  html += `<section><h2>Layer × region</h2><div class="plots">`;
  results.comparisons.forEach((c, i) => {
    const id = `matrix-${i}`;
    html += `<figure>${layerRegionMatrix(results, c.name, best, id)}${exportButton(id, `matrix-${c.name}`)}</figure>`;
  });
  html += `</div></section>`;

  html += `<section><h2>Layer profiles</h2><div class="plots">`;
  let plotIndex = 0;
  for (const c of results.comparisons) {
    for (const r of results.regions) {
      if (!results.scores.some((s) => s.comparison === c.name && s.region === r)) continue;
      const id = `profile-${plotIndex++}`;
      html += `<figure>${layerProfile(results, c.name, r, id)}${exportButton(id, `profile-${c.name}-${r}`)}</figure>`;
    }
  }
  html += `</div></section>`;

  const groups = timeGroups(results);
  if (groups.length > 0) {
    html += `<section id="time"><h2>Over time</h2><div class="plots">`;
    groups.forEach((g, i) => {
      const id = `time-${i}`;
      html += `<figure>${timeCourses(g.scores, `${g.comparison}: layers × ${g.region} over time (mean ± SEM; bars: significant clusters)`, id)}${exportButton(id, `time-${g.comparison}-${g.region}`)}<button class="export" data-export-time="${i}" data-name="${esc(`time-${g.comparison}-${g.region}`)}" title="Save these time courses as CSV">CSV</button></figure>`;
      const derived = (results.derived?.[g.comparison]?.timeResolved as Record<string, TimeDerived> | undefined)?.[g.region];
      if (derived) {
        html += `<figure>${matrixHeatmap(derived.layerByTime, derived.layers, derived.times, `layer × time: ${g.region}`, `layer-time-${i}`, false)}${exportButton(`layer-time-${i}`, `layer-time-${g.comparison}-${g.region}`)}</figure>`;
        if (derived.temporalGeneralization) html += `<figure>${matrixHeatmap(derived.temporalGeneralization, undefined, derived.times, `temporal generalisation: ${g.region}`, `generalization-${i}`, true)}${exportButton(`generalization-${i}`, `generalization-${g.comparison}-${g.region}`)}</figure>`;
      }
    });
    html += `</div></section>`;
  }
  const warping = warpingScores(results);
  if (warping.size > 0) {
    html += `<section id="warping"><h2>Warping index</h2><p class="note">W = d_orth − d_lin (angular shape distances, Williams et al. 2021): W &gt; 0 means linear warps remove distance that rotations leave; W can be negative, because whitening up-weights low-variance directions.</p><div class="plots">`;
    for (const [comparison, scores] of warping) html += `<figure>${warpingTable(results, comparison, scores)}</figure>`;
    html += `</div></section>`;
  }
  const maps = Object.entries(results.derived ?? {}).filter(([, d]) => d.mds);
  if (maps.length > 0) {
    html += `<section id="maps"><h2>Metric-space map</h2><div class="plots">`;
    maps.forEach(([comparison, d], i) => {
      const svg = metricSpaceMap(d.mds!, comparison, `map-${i}`);
      if (svg) html += `<figure>${svg}${exportButton(`map-${i}`, `map-${comparison}`)}</figure>`;
    });
    html += `</div></section>`;
  }

  html += searchlightSection(results);

  if (selected) {
    html += `<section id="selection"><h2>Selected: ${esc(selected.comparison)} · ${esc(selected.layer)} × ${esc(selected.region)} = ${valueCell(selected)}</h2><div class="plots">`;
    const model = results.rdms?.model?.[selected.layer];
    const brain = results.rdms?.brain?.[selected.region];
    if (model) html += `<figure>${rdmHeatmap(model, `model: ${selected.layer}`, 'rdm-model')}${exportButton('rdm-model', `rdm-${selected.layer}`)}</figure>`;
    if (brain) html += `<figure>${rdmHeatmap(brain, `brain: ${selected.region}`, 'rdm-brain')}${exportButton('rdm-brain', `rdm-${selected.region}`)}</figure>`;
    const directions = regressionDirections(selected);
    directions.forEach((direction, i) => {
      html += `<figure>${perUnitHistogram(selected, direction, `units-${i}`)}${exportButton(`units-${i}`, `units-${selected.layer}-${selected.region}-${direction.direction ?? i}`)}</figure>`;
    });
    if (!model && !brain && selected.metric === 'rsa') html += `<p class="note">No RDMs in this results file (up to 400 stimuli they are stored in it; above, in the .rdms.npz sidecar beside it).</p>`;
    const curve = warpingCurve(selected, 'warping-curve');
    if (curve) html += `<figure>${curve}${exportButton('warping-curve', `warping-${selected.layer}-${selected.region}`)}</figure>`;
    const histogram = nullHistogram(selected, 'null');
    if (histogram) html += `<figure>${histogram}${exportButton('null', `null-${selected.layer}-${selected.region}`)}</figure>`;
    html += `</div></section>`;
  }
  return html;
}
