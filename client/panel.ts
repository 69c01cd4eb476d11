/**
 * Hosts the result panel: one webview panel per results file, the HTML shell from panelHtml.ts with
 * a fresh nonce per render, the results JSON read from disk (the same file the CLI writes), reload
 * when that file changes, reveal-in-spec for clicked rows, CSV/SVG export through a save dialog,
 * and a serializer so panels come back after a window reload.
 */
import * as vscode from 'vscode';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { panelHtml } from './panelHtml';
import { searchlightMaps } from './searchlightMaps';
import { readRunDate, runFactsFile } from './runFacts';
import { comparisonRange } from './specLocations';
import type { FromWebview, PersistedState, ToWebview } from './webview/protocol';

export const PANEL_VIEW_TYPE = 'simspec.results';

export class ResultsPanels implements vscode.Disposable {
  private readonly panels = new Map<string, ResultsPanel>();

  constructor(private readonly context: vscode.ExtensionContext) {
    context.subscriptions.push(
      vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel, state: PersistedState | undefined) => {
          if (!state?.file) {
            panel.dispose();
            return;
          }
          this.adopt(panel, state.file);
        },
      }),
    );
  }

  /** Opens (or reveals and reloads) the panel of a results file. */
  show(resultsFile: string): ResultsPanel {
    const existing = this.panels.get(resultsFile);
    if (existing) {
      existing.panel.reveal(existing.panel.viewColumn ?? vscode.ViewColumn.Beside, true);
      void existing.load();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, `Results: ${basename(resultsFile)}`, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {});
    return this.adopt(panel, resultsFile);
  }

  get(resultsFile: string): ResultsPanel | undefined {
    return this.panels.get(resultsFile);
  }

  private adopt(panel: vscode.WebviewPanel, resultsFile: string): ResultsPanel {
    const host = new ResultsPanel(this.context, panel, resultsFile, () => this.panels.delete(resultsFile));
    this.panels.set(resultsFile, host);
    return host;
  }

  dispose(): void {
    for (const p of this.panels.values()) p.panel.dispose();
  }
}

export class ResultsPanel {
  private ready = false;
  private readonly disposables: vscode.Disposable[] = [];
  /** The last message posted (tests read it to check what the panel shows). */
  lastMessage: ToWebview | undefined;
  /** The table cells the webview last rendered. */
  renderedRows: string[][] | undefined;
  private readonly rendered = new vscode.EventEmitter<string[][]>();
  readonly onDidRender = this.rendered.event;

  constructor(
    context: vscode.ExtensionContext,
    readonly panel: vscode.WebviewPanel,
    readonly resultsFile: string,
    onDispose: () => void,
  ) {
    const dist = vscode.Uri.joinPath(context.extensionUri, 'dist');
    panel.title = `Results: ${basename(resultsFile)}`;
    panel.webview.options = { enableScripts: true, localResourceRoots: [dist] };
    panel.webview.html = panelHtml({ scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(), cspSource: panel.webview.cspSource, extraScriptUris: [panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'slices.js')).toString()] });
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(dirname(resultsFile)), basename(resultsFile)));
    // The run-facts sidecar is written just after the file: its arrival brings the header's date.
    const sidecarWatcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(dirname(resultsFile)), basename(runFactsFile(resultsFile))));
    this.disposables.push(
      watcher,
      watcher.onDidChange(() => this.load()),
      watcher.onDidCreate(() => this.load()),
      sidecarWatcher,
      sidecarWatcher.onDidChange(() => this.load()),
      sidecarWatcher.onDidCreate(() => this.load()),
      panel.webview.onDidReceiveMessage((m: FromWebview) => this.receive(m)),
      this.rendered,
      panel.onDidDispose(() => {
        onDispose();
        for (const d of this.disposables) d.dispose();
      }),
    );
  }

  async load(): Promise<void> {
    let message: ToWebview;
    try {
      const results = JSON.parse(await readFile(this.resultsFile, 'utf8'));
      // The header's date comes from the run-facts sidecar (the results file carries none).
      const created = await readRunDate(this.resultsFile);
      if (created && results && typeof results === 'object' && results.created === undefined) results.created = created;
      message = { type: 'results', file: this.resultsFile, results };
    } catch (error) {
      message = { type: 'error', file: this.resultsFile, message: (error as Error).message };
    }
    this.lastMessage = message;
    if (this.ready) await this.panel.webview.postMessage(message);
    if (this.ready && message.type === 'results') {
      const maps = await searchlightMaps(this.resultsFile, message.results);
      if (maps.length) await this.panel.webview.postMessage({ type: 'searchlight-maps', file: this.resultsFile, maps } satisfies ToWebview);
    }
  }

  private async receive(message: FromWebview): Promise<void> {
    if (message.type === 'ready') {
      this.ready = true;
      await this.load();
    } else if (message.type === 'reveal') {
      await this.reveal(message.comparison);
    } else if (message.type === 'rendered') {
      this.renderedRows = message.rows;
      this.rendered.fire(message.rows);
    } else if (message.type === 'export') {
      await this.export(message.kind, message.name, message.content);
    }
  }

  private async reveal(comparison: string): Promise<void> {
    if (this.lastMessage?.type !== 'results') return;
    const specFile = this.lastMessage.results.spec.file;
    try {
      const document = await vscode.workspace.openTextDocument(vscode.Uri.file(specFile));
      const range = comparisonRange(document.getText(), comparison);
      const selection = range ? new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character) : undefined;
      await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.One, selection, preserveFocus: false });
    } catch (error) {
      void vscode.window.showWarningMessage(`simspec: cannot open the spec ${specFile}: ${(error as Error).message}`);
    }
  }

  private async export(kind: 'csv' | 'svg', name: string, content: string): Promise<void> {
    const safe = name.replace(/[^\w.-]+/g, '_').slice(0, 80) || 'export';
    const defaultUri = vscode.Uri.file(join(dirname(this.resultsFile), `${basename(this.resultsFile, '.json')}.${safe}.${kind}`));
    const target = await vscode.window.showSaveDialog({ defaultUri, filters: kind === 'csv' ? { CSV: ['csv'] } : { SVG: ['svg'] } });
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, Buffer.from(content, 'utf8'));
    void vscode.window.showInformationMessage(`simspec: saved ${vscode.workspace.asRelativePath(target)}`);
  }
}
