/** Messages between the panel host (client/panel.ts) and the webview (client/webview/main.ts). */
import type { PanelResults } from './model';
import type { ViewState } from './view';

export type ToWebview =
  | { type: 'results'; file: string; results: PanelResults }
  | { type: 'error'; file: string; message: string }
  /** Searchlight group maps for the slice viewer (client/webview/slices.ts; main.ts ignores them). */
  | { type: 'searchlight-maps'; file: string; maps: SearchlightMap[] };

/** One layer's group map of a searchlight comparison: NIfTI-1 bytes, base64. */
export interface SearchlightMap {
  comparison: string;
  layer: string;
  /** file name beside the results */
  name: string;
  statistic: 't' | 'mean';
  /** the layer's group peak (voxel indices), where the crosshair starts */
  peak?: number[];
  base64: string;
}

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
