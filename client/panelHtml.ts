/**
 * The result panel's HTML shell: strict CSP (default-src 'none', a fresh nonce per render, nothing
 * remote), the nonce'd stylesheet built on --vscode-* theme variables, and the webview bundle.
 * No `vscode` import, so the webview test renders exactly this page in headless Chromium.
 */
import { randomBytes } from 'node:crypto';

export function createNonce(): string {
  return randomBytes(18).toString('base64').replace(/[+/=]/g, '');
}

export const panelStyles = `
body { font-family: var(--vscode-font-family, sans-serif); font-size: var(--vscode-font-size, 13px); color: var(--vscode-foreground, #ccc); background: var(--vscode-editor-background, #1e1e1e); padding: 0 16px 24px; }
h1 { font-size: 1.4em; margin: 12px 0 2px; } h2 { font-size: 1.1em; margin: 18px 0 6px; }
header { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 16px; } header .meta { color: var(--vscode-descriptionForeground, #999); margin: 0; flex: 1; }
#scores-wrap { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
td { white-space: nowrap; }
th, td { padding: 3px 10px; border-bottom: 1px solid var(--vscode-editorWidget-border, #444); text-align: left; }
td.num { text-align: right; }
th.sortable { cursor: pointer; user-select: none; } th.active { color: var(--vscode-textLink-foreground, #3794ff); }
tr.score { cursor: pointer; } tr.score:hover { background: var(--vscode-list-hoverBackground, #2a2d2e); }
tr.selected { background: var(--vscode-list-activeSelectionBackground, #04395e); color: var(--vscode-list-activeSelectionForeground, #fff); }
button.export { background: var(--vscode-button-secondaryBackground, #3a3d41); color: var(--vscode-button-secondaryForeground, #fff); border: none; padding: 2px 8px; cursor: pointer; font-size: 0.85em; }
button.export:hover { background: var(--vscode-button-secondaryHoverBackground, #45494e); }
.plots { display: flex; flex-wrap: wrap; gap: 12px; } figure { margin: 0; display: flex; flex-direction: column; align-items: flex-start; gap: 2px; }
.warning, .warn { color: var(--vscode-editorWarning-foreground, #cca700); } .error { color: var(--vscode-errorForeground, #f48771); } .note { color: var(--vscode-descriptionForeground, #999); }
svg.plot { font-family: var(--vscode-font-family, sans-serif); }
svg .plot-title { fill: var(--vscode-foreground, #ccc); font-size: 12px; font-weight: 600; }
svg .tick { fill: var(--vscode-descriptionForeground, #999); font-size: 10px; }
svg .grid { stroke: var(--vscode-editorWidget-border, #444); stroke-width: 0.5; }
svg .axis { stroke: var(--vscode-foreground, #ccc); stroke-width: 1; }
svg .ceiling { fill: var(--vscode-charts-green, #89d185); fill-opacity: 0.25; }
svg .whisker { stroke: var(--vscode-charts-blue, #3794ff); stroke-width: 1.5; }
svg .profile, svg polyline.profile { fill: none; stroke: var(--vscode-charts-blue, #3794ff); stroke-width: 1.5; }
svg .dot { fill: var(--vscode-charts-blue, #3794ff); }
svg .bar { fill: var(--vscode-charts-purple, #b180d7); }
svg .observed { stroke: var(--vscode-charts-red, #f14c4c); stroke-width: 2; }
svg .cell { fill: #fff; font-size: 10px; } svg .cell.dark { fill: #000; }
svg .point { fill: var(--vscode-charts-blue, #3794ff); }
svg .map-point.model circle { fill: var(--vscode-charts-blue, #3794ff); } svg .map-point.brain circle { fill: var(--vscode-charts-orange, #d18616); }
.searchlight-viewer { margin: 8px 0; } .slices-wrap { width: 100%; max-width: 960px; height: 360px; } canvas.slices-canvas { width: 100%; height: 100%; display: block; } .slices-controls { margin-bottom: 4px; }
table.warping caption { text-align: left; font-weight: 600; padding-bottom: 4px; white-space: nowrap; } table.warping td, table.warping th { padding: 2px 8px; }
`;

export interface PanelHtmlOptions {
  /** URI of dist/webview.js as the webview may load it (webview.asWebviewUri). */
  scriptUri: string;
  /** webview.cspSource */
  cspSource: string;
  nonce?: string;
  /** Further bundles (e.g. dist/slices.js, the searchlight slice viewer), loaded after the main one. */
  extraScriptUris?: string[];
}

export function panelHtml({ scriptUri, cspSource, nonce = createNonce(), extraScriptUris = [] }: PanelHtmlOptions): string {
  const csp = [`default-src 'none'`, `img-src ${cspSource} data:`, `style-src 'nonce-${nonce}'`, `font-src ${cspSource}`, `script-src 'nonce-${nonce}'`].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>simspec results</title>
<style nonce="${nonce}">${panelStyles}</style>
</head>
<body>
<div id="root"><p class="note">Loading results…</p></div>
<script nonce="${nonce}" src="${scriptUri}"></script>
${extraScriptUris.map((uri) => `<script nonce="${nonce}" src="${uri}"></script>\n`).join('')}</body>
</html>
`;
}
