/**
 * Searchlight RSA (Kriegeskorte, Goebel & Bandettini 2006): around every voxel of a brain mask, the
 * voxels of a sphere make a pattern per stimulus; its RDM is compared with each model layer's RDM,
 * which gives one map per layer.
 *
 * Conventions (docs/searchlight.md), those of rsatoolbox's `get_volume_searchlight(mask, radius,
 * threshold, truncate_at_boundary=True)` / `get_searchlight_RDMs` / `evaluate_models_searchlight`:
 *  - a sphere holds the voxels at distance **strictly less** than the radius from the centre
 *    (distance in voxels, or in mm with the voxel sizes of the affine), and only voxels inside the mask;
 *  - a centre is a mask voxel whose sphere keeps at least `threshold` of its voxels inside the mask
 *    (rsatoolbox's proportion) and at least `minVoxels` voxels;
 *  - sphere RDMs: `correlation` 1 − Pearson r between stimulus patterns (rows centred over the
 *    sphere's voxels), `euclidean` the squared distance divided by the voxel count (rsatoolbox
 *    `calc_rdm`);
 *  - comparison: `spearman` (average ranks, then Pearson r, rsatoolbox `compare_spearman`) or
 *    `pearson` (rsatoolbox `compare_correlation`).
 * Voxel indices are in NIfTI file order, v = i + nx·(j + ny·k).
 *
 * Memory: spheres are listed once (offsets + members); RDMs are made one centre at a time and
 * compared with every layer at once (each layer's RDM ranked and centred once), so nothing but the
 * maps (centres × layers floats) grows with the volume.
 */
import { SimspecError } from '../../core/errors';
import { gram } from '../../linalg';

export interface Spheres {
  dims: [number, number, number];
  /** Voxel index of each centre (NIfTI order), increasing. */
  centres: Int32Array;
  /** members[offsets[c] .. offsets[c+1]) are the voxel indices of centre c's sphere, increasing. */
  offsets: Int32Array;
  members: Int32Array;
}

export interface SphereOptions {
  radius: number;
  /** Voxel sizes along i, j, k (1, 1, 1 for a radius in voxels). */
  voxelSize: [number, number, number];
  /** Least proportion of the sphere's voxels inside the mask (rsatoolbox `threshold`). */
  threshold: number;
  minVoxels: number;
}

/** Ijk of a voxel index (NIfTI order). */
export function voxelIjk(v: number, dims: readonly number[]): [number, number, number] {
  const [nx, ny] = dims as [number, number];
  return [v % nx, Math.floor(v / nx) % ny, Math.floor(v / (nx * ny))];
}

export function searchlightSpheres(dims: [number, number, number], mask: ArrayLike<number>, options: SphereOptions): Spheres {
  const [nx, ny, nz] = dims;
  const { radius, voxelSize } = options;
  // Offsets inside the radius (strictly), scanned in NIfTI order so members come out increasing.
  const reach = voxelSize.map((s) => Math.ceil(radius / s)) as [number, number, number];
  const offsets: [number, number, number][] = [];
  for (let dk = -reach[2]; dk <= reach[2]; dk++)
    for (let dj = -reach[1]; dj <= reach[1]; dj++)
      for (let di = -reach[0]; di <= reach[0]; di++) {
        const d2 = (di * voxelSize[0]) ** 2 + (dj * voxelSize[1]) ** 2 + (dk * voxelSize[2]) ** 2;
        if (Math.sqrt(d2) < radius) offsets.push([di, dj, dk]);
      }
  const centres: number[] = [];
  const starts: number[] = [0];
  const members: number[] = [];
  const total = nx * ny * nz;
  for (let v = 0; v < total; v++) {
    if (!mask[v]) continue;
    const i = v % nx;
    const j = Math.floor(v / nx) % ny;
    const k = Math.floor(v / (nx * ny));
    let inGrid = 0;
    let inMask = 0;
    const start = members.length;
    for (const [di, dj, dk] of offsets) {
      const a = i + di;
      const b = j + dj;
      const c = k + dk;
      if (a < 0 || b < 0 || c < 0 || a >= nx || b >= ny || c >= nz) continue;
      inGrid++;
      const w = a + nx * (b + ny * c);
      if (mask[w]) {
        inMask++;
        members.push(w);
      }
    }
    // rsatoolbox's proportion is over the sphere's voxels inside the grid.
    if (inMask >= options.minVoxels && inMask / inGrid >= options.threshold) {
      centres.push(v);
      starts.push(members.length);
    } else members.length = start;
  }
  return { dims, centres: Int32Array.from(centres), offsets: Int32Array.from(starts), members: Int32Array.from(members) };
}

export type SphereRdmMethod = 'correlation' | 'euclidean';
export type SphereCompare = 'spearman' | 'pearson';

/**
 * Average ranks (ties share their mean rank), as scipy's rankdata; `scratch` is reused. The sort is
 * the typed array's own numeric sort on keys that carry each entry's index in the lowest mantissa
 * bits (ceil(log2 n) of 52 bits), so no comparator is called; ties are then found on the original
 * values. Two different values closer than that perturbation (2^-39 relative for 4186 pairs) may
 * swap ranks — far below any difference an RDM holds; exact ties are exact.
 */
export function averageRanksInto(values: Float64Array, out: Float64Array, scratch: Float64Array): void {
  const n = values.length;
  const bits = Math.max(1, Math.ceil(Math.log2(n)));
  if (bits > 24 || scratch.length < n) return averageRanksBySearch(values, out, scratch);
  const keys = scratch.subarray(0, n);
  keys.set(values);
  const words = new Uint32Array(keys.buffer, keys.byteOffset, 2 * n);
  const mask = (1 << bits) - 1;
  const low = LITTLE_ENDIAN ? 0 : 1;
  for (let k = 0; k < n; k++) words[2 * k + low] = ((words[2 * k + low]! & ~mask) | k) >>> 0;
  keys.sort();
  let q = 0;
  while (q < n) {
    const first = words[2 * q + low]! & mask;
    const x = values[first]!;
    let r = q + 1;
    while (r < n && values[words[2 * r + low]! & mask] === x) r++;
    const rank = (q + 1 + r) / 2;
    for (let t = q; t < r; t++) out[words[2 * t + low]! & mask] = rank;
    q = r;
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** The same ranks by binary search in a sorted copy (long vectors). */
function averageRanksBySearch(values: Float64Array, out: Float64Array, scratch: Float64Array): void {
  const n = values.length;
  const sorted = scratch.length >= n ? scratch.subarray(0, n) : new Float64Array(n);
  sorted.set(values);
  sorted.sort();
  for (let k = 0; k < n; k++) {
    const x = values[k]!;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    let up = lo;
    let top = n;
    while (up < top) {
      const mid = (up + top) >> 1;
      if (sorted[mid]! <= x) up = mid + 1;
      else top = mid;
    }
    out[k] = (lo + 1 + up) / 2;
  }
}

/** A layer RDM prepared for comparison: ranked (spearman) then centred and scaled to unit norm; undefined if constant. */
export function prepareLayerRdm(rdm: Float64Array, compare: SphereCompare): Float64Array | undefined {
  const x = new Float64Array(rdm.length);
  if (compare === 'spearman') averageRanksInto(rdm, x, new Float64Array(rdm.length));
  else x.set(rdm);
  return centreAndNormalise(x);
}

function centreAndNormalise(x: Float64Array): Float64Array | undefined {
  let mean = 0;
  for (let k = 0; k < x.length; k++) mean += x[k]!;
  mean /= x.length;
  let ss = 0;
  for (let k = 0; k < x.length; k++) {
    const d = x[k]! - mean;
    x[k] = d;
    ss += d * d;
  }
  if (!(ss > 0)) return undefined;
  const s = 1 / Math.sqrt(ss);
  for (let k = 0; k < x.length; k++) x[k]! *= s;
  return x;
}

/**
 * The condensed RDM of one sphere: `data` is stimuli × columns (row-major), `columns` the data
 * columns of the sphere's voxels. Writes into `out` (length n(n−1)/2); `patterns` is scratch of n·p.
 * The stimulus × stimulus products come from one Gram matrix (engine/linalg `gram`, the WebAssembly
 * kernels): correlation rows are centred and scaled to unit norm first (d = 1 − g_ij); for
 * euclidean each voxel is centred over stimuli first (distances do not change, cancellation does)
 * and d = (g_ii + g_jj − 2 g_ij)/p. Returns false when a correlation RDM is undefined (a stimulus
 * with a constant pattern).
 */
export function sphereRdm(data: Float64Array, n: number, width: number, columns: ArrayLike<number>, method: SphereRdmMethod, out: Float64Array, patterns: Float64Array): boolean {
  const p = columns.length;
  for (let i = 0; i < n; i++) {
    const row = i * width;
    const base = i * p;
    for (let c = 0; c < p; c++) patterns[base + c] = data[row + columns[c]!]!;
  }
  if (method === 'correlation') {
    for (let i = 0; i < n; i++) {
      const base = i * p;
      let mean = 0;
      for (let c = 0; c < p; c++) mean += patterns[base + c]!;
      mean /= p;
      let ss = 0;
      for (let c = 0; c < p; c++) {
        const d = patterns[base + c]! - mean;
        patterns[base + c] = d;
        ss += d * d;
      }
      if (!(ss > 0)) return false;
      const s = 1 / Math.sqrt(ss);
      for (let c = 0; c < p; c++) patterns[base + c]! *= s;
    }
  } else {
    for (let c = 0; c < p; c++) {
      let mean = 0;
      for (let i = 0; i < n; i++) mean += patterns[i * p + c]!;
      mean /= n;
      for (let i = 0; i < n; i++) patterns[i * p + c]! -= mean;
    }
  }
  const g = gram({ rows: n, cols: p, data: patterns.subarray(0, n * p) }).data;
  let k = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      out[k++] = method === 'correlation' ? 1 - g[i * n + j]! : (g[i * n + i]! + g[j * n + j]! - 2 * g[i * n + j]!) / p;
    }
  }
  return true;
}

export interface MapOptions {
  method: SphereRdmMethod;
  compare: SphereCompare;
  /** Data column of each voxel index (−1: not in the data); undefined when column = voxel index. */
  columnOf?: Int32Array;
  signal?: AbortSignal;
  /** Called every chunk with the fraction done. */
  onProgress?: (fraction: number) => void;
  /** Also keep the sphere RDM of these centres (condensed), for the panel's crosshair. */
  keepRdmsOf?: ReadonlySet<number>;
}

/**
 * One map per prepared layer RDM: value at centre c = compare(sphere RDM of c, layer RDM). NaN where
 * the sphere RDM or a layer RDM is undefined. `data` is stimuli × columns.
 */
export function searchlightMaps(data: Float64Array, n: number, width: number, spheres: Spheres, layers: (Float64Array | undefined)[], options: MapOptions): { maps: Float32Array[]; kept: Map<number, Float64Array> } {
  const pairs = (n * (n - 1)) / 2;
  const centres = spheres.centres.length;
  const maps = layers.map(() => new Float32Array(centres).fill(Number.NaN));
  const kept = new Map<number, Float64Array>();
  let maxP = 0;
  for (let c = 0; c < centres; c++) maxP = Math.max(maxP, spheres.offsets[c + 1]! - spheres.offsets[c]!);
  const patterns = new Float64Array(n * Math.max(1, maxP));
  const rdm = new Float64Array(pairs);
  const ranked = new Float64Array(pairs);
  const scratch = new Float64Array(pairs);
  const columns = new Int32Array(Math.max(1, maxP));
  const chunk = 512;
  for (let c0 = 0; c0 < centres; c0 += chunk) {
    if (options.signal?.aborted) throw options.signal.reason ?? new Error('aborted');
    const c1 = Math.min(centres, c0 + chunk);
    for (let c = c0; c < c1; c++) {
      const start = spheres.offsets[c]!;
      const p = spheres.offsets[c + 1]! - start;
      for (let m = 0; m < p; m++) {
        const v = spheres.members[start + m]!;
        const col = options.columnOf ? options.columnOf[v]! : v;
        if (col < 0) throw new SimspecError(`voxel ${v} of the mask has no data column`, { code: 'searchlight.mask-data' });
        columns[m] = col;
      }
      if (!sphereRdm(data, n, width, columns.subarray(0, p), options.method, rdm, patterns)) continue;
      if (options.keepRdmsOf?.has(spheres.centres[c]!)) kept.set(spheres.centres[c]!, Float64Array.from(rdm));
      if (options.compare === 'spearman') averageRanksInto(rdm, ranked, scratch);
      else ranked.set(rdm);
      // Centre; the layer RDMs are centred and unit-norm, so r = Σ x·y / ‖x − x̄‖.
      let mean = 0;
      for (let k = 0; k < pairs; k++) mean += ranked[k]!;
      mean /= pairs;
      let ss = 0;
      for (let k = 0; k < pairs; k++) {
        const d = ranked[k]! - mean;
        ranked[k] = d;
        ss += d * d;
      }
      if (!(ss > 0)) continue;
      const norm = 1 / Math.sqrt(ss);
      for (let l = 0; l < layers.length; l++) {
        const y = layers[l];
        if (!y) continue;
        let acc = 0;
        for (let k = 0; k < pairs; k++) acc += ranked[k]! * y[k]!;
        maps[l]![c] = acc * norm;
      }
    }
    options.onProgress?.(c1 / centres);
  }
  return { maps, kept };
}
