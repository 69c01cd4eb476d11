/**
 * The result panel in the browser: receives a results file from the host, renders it (view.ts),
 * keeps selection and sort in the webview state (restored after a reload), and posts row clicks
 * and exports back. No Node APIs; bundled as an IIFE into dist/webview.js.
 */
import { checkResults, rowKey, tableToCsv, sortedScores, type PanelResults, type SortColumn } from './model';
import { escapeHtml } from './escape';
import { renderBody } from './view';
import { timeCoursesCsv, timeGroups } from './timePlots';
import type { FromWebview, PersistedState, ToWebview } from './protocol';

interface VsCodeApi {
  postMessage(message: FromWebview): void;
  getState(): PersistedState | undefined;
  setState(state: PersistedState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const root = document.getElementById('root')!;
let state: PersistedState = vscode.getState() ?? { sort: { column: 'comparison', descending: false } };
let results: PanelResults | undefined;

function render(): void {
  if (!results) return;
  const scrollY = window.scrollY;
  root.innerHTML = renderBody(results, state);
  window.scrollTo(0, scrollY);
  vscode.setState(state);
  const rows = Array.from(root.querySelectorAll('#scores tbody tr')).map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent ?? ''));
  vscode.postMessage({ type: 'rendered', file: state.file, rows });
}

/** SVG with the computed theme colours written onto each element, so the exported file looks the same outside the panel. */
function standaloneSvg(svg: SVGSVGElement): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const source = svg.querySelectorAll('*');
  const target = clone.querySelectorAll('*');
  source.forEach((element, i) => {
    const style = getComputedStyle(element);
    const t = target[i] as SVGElement;
    for (const property of ['fill', 'stroke', 'stroke-width', 'stroke-dasharray', 'opacity', 'fill-opacity', 'font-size', 'font-family']) {
      const value = style.getPropertyValue(property);
      if (value && !t.getAttribute(property)) t.setAttribute(property, value);
    }
  });
  return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(clone);
}

root.addEventListener('click', (event) => {
  const target = event.target as HTMLElement;
  const sort = target.closest<HTMLElement>('th[data-sort]');
  if (sort && results) {
    const column = sort.dataset.sort as SortColumn;
    state.sort = { column, descending: state.sort.column === column ? !state.sort.descending : column === 'value' };
    render();
    return;
  }
  const exportSvg = target.closest<HTMLElement>('[data-export-svg]');
  if (exportSvg) {
    const svg = document.getElementById(exportSvg.dataset.exportSvg!) as SVGSVGElement | null;
    if (svg) vscode.postMessage({ type: 'export', kind: 'svg', name: exportSvg.dataset.name ?? 'plot', content: standaloneSvg(svg) });
    return;
  }
  const exportTime = target.closest<HTMLElement>('[data-export-time]');
  if (exportTime && results) {
    const group = timeGroups(results)[Number(exportTime.dataset.exportTime)];
    if (group) vscode.postMessage({ type: 'export', kind: 'csv', name: exportTime.dataset.name ?? 'time', content: timeCoursesCsv(group.scores) });
    return;
  }
  if (target.closest('#export-csv') && results) {
    vscode.postMessage({ type: 'export', kind: 'csv', name: 'scores', content: tableToCsv(results, sortedScores(results, state.sort)) });
    return;
  }
  const rowElement = target.closest<HTMLElement>('tr.score');
  if (rowElement && results) select(rowElement.dataset.key!);
});

root.addEventListener('keydown', (event) => {
  const rowElement = (event.target as HTMLElement).closest<HTMLElement>('tr.score');
  if (rowElement && (event.key === 'Enter' || event.key === ' ')) {
    event.preventDefault();
    select(rowElement.dataset.key!);
  }
});

function select(key: string): void {
  if (!results) return;
  const score = results.scores.find((s) => rowKey(s) === key);
  state.selected = key;
  render();
  if (score) vscode.postMessage({ type: 'reveal', comparison: score.comparison, layer: score.layer, region: score.region });
}

window.addEventListener('message', (event: MessageEvent<ToWebview>) => {
  const message = event.data;
  if (message.type === 'results') {
    try {
      results = checkResults(message.results);
      if (state.file !== message.file) state = { sort: state.sort, file: message.file };
      if (state.selected && !results.scores.some((s) => rowKey(s) === state.selected)) state.selected = undefined;
      render();
    } catch (error) {
      root.innerHTML = `<p class="error">${escapeHtml(message.file)}: ${escapeHtml((error as Error).message)}</p>`;
    }
  } else if (message.type === 'error') {
    results = undefined;
    state.file = message.file;
    vscode.setState(state);
    root.innerHTML = `<p class="error">${escapeHtml(message.file)}: ${escapeHtml(message.message)}</p>`;
  }
});

vscode.postMessage({ type: 'ready' });
