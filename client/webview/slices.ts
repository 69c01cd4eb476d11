/**
 * Orthogonal slice viewer for searchlight group maps (docs/searchlight.md), a browser bundle of its
 * own (dist/slices.js, ~2.3 MB minified, because @niivue/niivue is large; main.ts stays small). The
 * panel host (client/panel.ts via client/searchlightMaps.ts) posts each layer's group t (or mean) map
 * as NIfTI bytes; niivue (WebGL2) draws axial/coronal/sagittal slices on a canvas in the placeholder
 * that searchlightView.ts renders. Threshold input (cal_min), layer choice, colour bar, and the
 * crosshair's voxel, mm and value. Strings go in through textContent only. The placeholder is
 * re-filled whenever main.ts re-renders the body.
 */
import { Niivue } from '@niivue/niivue';
import type { SearchlightMap, ToWebview } from './protocol';

function decode(base64: string): ArrayBuffer {
  const bin = atob(base64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes.buffer;
}

const fmt = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(1));

/** Fills `container` with controls and a niivue canvas showing `maps` (one per layer). Resolves when drawn. */
export async function mountSlices(container: HTMLElement, maps: SearchlightMap[], threshold?: number): Promise<void> {
  container.textContent = '';
  container.dataset.mounted = 'pending';
  const controls = document.createElement('div');
  controls.className = 'slices-controls';
  const layerSelect = document.createElement('select');
  layerSelect.className = 'slices-layer';
  for (const [i, m] of maps.entries()) {
    const option = document.createElement('option');
    option.value = String(i);
    option.textContent = `${m.layer} (${m.statistic})`;
    layerSelect.append(option);
  }
  const label = document.createElement('label');
  label.textContent = ' threshold ';
  const input = document.createElement('input');
  input.type = 'number';
  input.step = 'any';
  input.className = 'slices-threshold';
  label.append(input);
  const location = document.createElement('span');
  location.className = 'slices-location note';
  controls.append(layerSelect, label, document.createTextNode(' '), location);
  const canvas = document.createElement('canvas');
  canvas.className = 'slices-canvas';
  const wrap = document.createElement('div');
  wrap.className = 'slices-wrap';
  wrap.append(canvas);
  container.append(controls, wrap);

  const nv = new Niivue({ show3Dcrosshair: false, isColorbar: true, backColor: [0, 0, 0, 1], crosshairColor: [0.2, 0.8, 1, 1], crosshairWidth: 0.15, crosshairWidthUnit: 'voxels', isResizeCanvas: true });
  await nv.attachToCanvas(canvas);
  nv.setSliceType(nv.sliceTypeMultiplanar);
  nv.setInterpolation(true); // nearest neighbour: a searchlight map is one value per voxel
  nv.onLocationChange = (data: unknown) => {
    const d = data as { vox?: ArrayLike<number>; mm?: ArrayLike<number>; values?: { value?: number }[] };
    const vox = d.vox ? `(${Array.from(d.vox).join(', ')})` : '–';
    const mm = d.mm ? `(${Array.from(d.mm).slice(0, 3).map(fmt).join(', ')})` : '–';
    const value = d.values?.[0]?.value;
    location.textContent = `voxel ${vox}, mm ${mm}, value ${typeof value === 'number' ? value.toPrecision(4) : '–'}`;
  };
  const show = async (index: number) => {
    const map = maps[index]!;
    for (const v of [...nv.volumes]) nv.removeVolume(v);
    await nv.loadFromArrayBuffer(decode(map.base64), map.name);
    const volume = nv.volumes[0];
    if (!volume) return;
    volume.colormap = 'hot';
    // The map's own maximum (niivue's global_max/robust range skip zeros and outliers).
    let top = -Infinity;
    for (const v of (volume.img ?? []) as ArrayLike<number> & Iterable<number>) if (Number.isFinite(v) && v > top) top = v;
    volume.cal_max = top > 0 ? top : 1;
    // t maps start at t = 3 (the cluster-forming default, docs/searchlight.md), mean maps at a quarter of the maximum.
    volume.cal_min = threshold ?? (top > 0 ? (map.statistic === 't' ? Math.min(3, top / 2) : top / 4) : 0);
    input.value = String(Number(volume.cal_min.toPrecision(3)));
    nv.updateGLVolume();
    if (map.peak) {
      nv.scene.crosshairPos = nv.vox2frac([map.peak[0]!, map.peak[1]!, map.peak[2]!] as unknown as Parameters<Niivue['vox2frac']>[0]);
      nv.drawScene();
      nv.createOnLocationChange();
    }
    container.dataset.layer = map.layer;
  };
  layerSelect.addEventListener('change', () => {
    threshold = undefined; // each layer's map starts at its own default
    void show(Number(layerSelect.value));
  });
  input.addEventListener('change', () => {
    const v = Number.parseFloat(input.value);
    const volume = nv.volumes[0];
    if (!volume || !Number.isFinite(v)) return;
    threshold = v;
    volume.cal_min = v;
    if ((volume.cal_max ?? -Infinity) <= v) volume.cal_max = v + 1e-6;
    nv.updateGLVolume();
  });
  await show(0);
  nv.drawScene();
  container.dataset.mounted = 'yes';
}

let latest: SearchlightMap[] = [];

function fill(): void {
  for (const el of Array.from(document.querySelectorAll<HTMLElement>('.searchlight-viewer'))) {
    if (el.dataset.mounted) continue;
    const maps = latest.filter((m) => m.comparison === el.dataset.comparison);
    if (maps.length === 0) continue;
    mountSlices(el, maps).catch((error: unknown) => {
      el.dataset.mounted = 'failed';
      const p = document.createElement('p');
      p.className = 'error';
      p.textContent = `Slice viewer: ${(error as Error).message}`;
      el.replaceChildren(p);
    });
  }
}

if (typeof window !== 'undefined') {
  window.addEventListener('message', (event: MessageEvent<ToWebview>) => {
    if (event.data?.type !== 'searchlight-maps') return;
    latest = Array.isArray(event.data.maps) ? event.data.maps : [];
    for (const el of Array.from(document.querySelectorAll<HTMLElement>('.searchlight-viewer'))) delete el.dataset.mounted;
    fill();
  });
  new MutationObserver(() => fill()).observe(document.body, { childList: true, subtree: true });
}
