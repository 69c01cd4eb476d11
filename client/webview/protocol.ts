/** Messages between the panel host (client/panel.ts) and the webview (client/webview/main.ts). */
import type { PanelResults } from './model';
import type { ViewState } from './view';

export type ToWebview =
  | { type: 'results'; file: string; results: PanelResults }
  | { type: 'error'; file: string; message: string };

export type FromWebview =
  | { type: 'ready' }
  | { type: 'reveal'; comparison: string; layer: string; region: string }
  | { type: 'export'; kind: 'csv' | 'svg'; name: string; content: string }
  /** After each render: the table's cells as shown (the host keeps them for the extension tests). */
  | { type: 'rendered'; file?: string; rows: string[][] };

/** What the webview keeps with vscode.setState and the serializer gets back after a reload. */
export interface PersistedState extends ViewState {
  file?: string;
}
