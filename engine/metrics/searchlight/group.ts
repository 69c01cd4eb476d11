/**
 * Group inference over subjects' searchlight maps (docs/searchlight.md): mean map, one-sample t map
 * (t = mean / (sd/√n), sd with ddof 1, as MNE's `ttest_1samp_no_p` with sigma = 0), sign-flip
 * permutations with the maximum statistic over voxels (FWE; one-sided, larger is more extreme),
 * clusters (6-connected on the voxel grid, faces only, as scipy.ndimage.label's default structure)
 * and TFCE in MNE's `permutation_cluster_1samp_test(threshold=dict(start, step), tail=1)` form:
 * thresholds h_i = start + i·step below the map's maximum, and
 *   TFCE(v) = Σ_i Δh_i^H · e_i(v)^E,  Δh_0 = |start|, Δh_i = step,
 * e_i(v) the size of v's cluster above h_i (E = 0.5, H = 2 by default; Smith & Nichols 2009 weight
 * each step by the height h_i^H instead — MNE's form is the one we match and test).
 */
import { NumpyRandomState } from '../../stats/random';
import { voxelIjk, type Spheres } from './index';

export interface GroupOptions {
  permutations: number;
  seed: number;
  correction: 'tfce' | 'cluster-mass' | 'max-t';
  clusterThreshold: number;
  tfce: { start: number; step: number; e: number; h: number };
  signal?: AbortSignal;
}

export interface Cluster {
  size: number;
  mass: number;
  peak: { value: number; voxel: number[] };
  /** Cluster-mass FWE p (correction: cluster-mass with permutations). */
  p?: number;
}

export interface LayerGroup {
  subjects: number;
  mean: Float32Array;
  t?: Float32Array;
  tfce?: Float32Array;
  pFwe?: Float32Array;
  clusters: Cluster[];
}

/** Neighbour lists (6-connected) between centres: for each centre, the centres sharing a face. */
export function centreAdjacency(spheres: Spheres): Int32Array[] {
  const [nx, ny] = spheres.dims;
  const index = new Map<number, number>();
  spheres.centres.forEach((v, c) => index.set(v, c));
  return Array.from(spheres.centres, (v) => {
    const [i, j, k] = voxelIjk(v, spheres.dims);
    const out: number[] = [];
    const steps: [number, boolean][] = [[-1, i > 0], [1, i < nx - 1], [-nx, j > 0], [nx, j < ny - 1], [-nx * ny, k > 0], [nx * ny, true]];
    for (const [d, ok] of steps) {
      if (!ok) continue;
      const c = index.get(v + d);
      if (c !== undefined) out.push(c);
    }
    return Int32Array.from(out);
  });
}

/** Connected components of the centres where `above(c)`; each as a list of centre indices. */
export function components(count: number, adjacency: Int32Array[], above: (c: number) => boolean): number[][] {
  const seen = new Uint8Array(count);
  const out: number[][] = [];
  const stack: number[] = [];
  for (let c = 0; c < count; c++) {
    if (seen[c] || !above(c)) continue;
    const members: number[] = [];
    seen[c] = 1;
    stack.push(c);
    while (stack.length) {
      const x = stack.pop()!;
      members.push(x);
      for (const y of adjacency[x]!) {
        if (!seen[y] && above(y)) {
          seen[y] = 1;
          stack.push(y);
        }
      }
    }
    out.push(members);
  }
  return out;
}

/**
 * TFCE of a map (MNE's form, tail 1; see the header). NaN entries are never above a threshold.
 * The thresholds are visited from the highest down while a union-find adds the voxels above each
 * one, so the clusters at every level come from merging, never from a fresh labelling.
 */
export function tfceMap(map: ArrayLike<number>, adjacency: Int32Array[], settings: { start: number; step: number; e: number; h: number }): Float64Array {
  const n = map.length;
  const out = new Float64Array(n);
  let stop = -Infinity;
  for (let c = 0; c < n; c++) if (map[c]! > stop) stop = map[c]!;
  const count = Math.max(0, Math.ceil((stop - settings.start) / settings.step));
  if (count === 0) return out;
  const order = Array.from({ length: n }, (_, c) => c).filter((c) => !Number.isNaN(map[c]!)).sort((a, b) => map[b]! - map[a]!);
  const parent = new Int32Array(n).fill(-1); // -1: not yet above
  const size = new Int32Array(n);
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!;
      x = parent[x]!;
    }
    return x;
  };
  const active: number[] = [];
  let next = 0;
  for (let i = count - 1; i >= 0; i--) {
    const h = settings.start + i * settings.step;
    while (next < order.length && map[order[next]!]! > h) {
      const v = order[next++]!;
      parent[v] = v;
      size[v] = 1;
      active.push(v);
      for (const w of adjacency[v]!) {
        if (parent[w] === -1) continue;
        const a = find(v);
        const b = find(w);
        if (a === b) continue;
        if (size[a]! < size[b]!) {
          parent[a] = b;
          size[b]! += size[a]!;
        } else {
          parent[b] = a;
          size[a]! += size[b]!;
        }
      }
    }
    const dh = (i === 0 ? Math.abs(h) : settings.step) ** settings.h;
    if (dh === 0) continue;
    for (const v of active) out[v]! += dh * size[find(v)]! ** settings.e;
  }
  return out;
}

function tMap(maps: Float32Array[], signs?: Int8Array): Float32Array {
  const n = maps.length;
  const out = new Float32Array(maps[0]!.length);
  for (let c = 0; c < out.length; c++) {
    let sum = 0;
    let sq = 0;
    for (let s = 0; s < n; s++) {
      const x = signs ? signs[s]! * maps[s]![c]! : maps[s]![c]!;
      sum += x;
      sq += x * x;
    }
    const mean = sum / n;
    const variance = (sq - n * mean * mean) / (n - 1);
    out[c] = variance > 0 ? mean / Math.sqrt(variance / n) : Number.NaN;
  }
  return out;
}

function maxOf(values: ArrayLike<number>): number {
  let m = -Infinity;
  for (let k = 0; k < values.length; k++) if (values[k]! > m) m = values[k]!;
  return m;
}

export function groupInference(layers: string[], subjectMaps: Map<string, Float32Array[]>, spheres: Spheres, options: GroupOptions): { layers: Map<string, LayerGroup>; bestLayer: Float32Array; description: string } {
  const adjacency = centreAdjacency(spheres);
  const out = new Map<string, LayerGroup>();
  const centres = spheres.centres.length;
  const statistic = (t: Float32Array): { perVoxel: ArrayLike<number>; max: number; clusterMasses?: number[][] } => {
    if (options.correction === 'tfce') {
      const v = tfceMap(t, adjacency, options.tfce);
      return { perVoxel: v, max: maxOf(v) };
    }
    if (options.correction === 'cluster-mass') {
      const comps = components(centres, adjacency, (c) => t[c]! > options.clusterThreshold);
      const masses = comps.map((m) => m.reduce((a, c) => a + t[c]!, 0));
      return { perVoxel: t, max: masses.length ? maxOf(masses) : 0 };
    }
    return { perVoxel: t, max: maxOf(Array.from(t).filter((x) => !Number.isNaN(x))) };
  };
  let description = 'group mean map over subjects';
  for (const layer of layers) {
    const maps = subjectMaps.get(layer) ?? [];
    const group: LayerGroup = { subjects: maps.length, mean: new Float32Array(centres).fill(Number.NaN), clusters: [] };
    if (maps.length) {
      for (let c = 0; c < centres; c++) {
        let s = 0;
        for (const m of maps) s += m[c]!;
        group.mean[c] = s / maps.length;
      }
    }
    if (maps.length >= 2) {
      const t = tMap(maps);
      group.t = t;
      const observed = statistic(t);
      if (options.correction === 'tfce') group.tfce = Float32Array.from(observed.perVoxel);
      const comps = components(centres, adjacency, (c) => t[c]! > options.clusterThreshold);
      group.clusters = comps
        .map((m) => {
          let peak = m[0]!;
          for (const c of m) if (t[c]! > t[peak]!) peak = c;
          return { size: m.length, mass: m.reduce((a, c) => a + t[c]!, 0), peak: { value: t[peak]!, voxel: voxelIjk(spheres.centres[peak]!, spheres.dims) } } as Cluster;
        })
        .sort((a, b) => b.mass - a.mass);
      description = `mean and one-sample t maps over subjects (t = mean/(sd/√n), ddof 1); clusters: 6-connected centres with t > ${options.clusterThreshold}`;
      if (options.permutations > 0) {
        const random = new NumpyRandomState(options.seed);
        const nullMax = new Float64Array(options.permutations);
        const signs = new Int8Array(maps.length);
        for (let b = 0; b < options.permutations; b++) {
          if (options.signal?.aborted) throw options.signal.reason ?? new Error('aborted');
          for (let s = 0; s < maps.length; s++) signs[s] = random.randomSample() < 0.5 ? -1 : 1;
          nullMax[b] = statistic(tMap(maps, signs)).max;
        }
        const p = new Float32Array(centres).fill(Number.NaN);
        for (let c = 0; c < centres; c++) {
          const v = observed.perVoxel[c]!;
          if (Number.isNaN(v)) continue;
          let k = 0;
          for (const x of nullMax) if (x >= v) k++;
          p[c] = (1 + k) / (1 + options.permutations);
        }
        if (options.correction === 'cluster-mass') {
          // Voxel p is its cluster's p; voxels outside clusters get 1.
          p.fill(1);
          for (const [ci, m] of comps.entries()) {
            const mass = m.reduce((a, c) => a + t[c]!, 0);
            let k = 0;
            for (const x of nullMax) if (x >= mass) k++;
            const pc = (1 + k) / (1 + options.permutations);
            for (const c of m) p[c] = pc;
            void ci;
          }
          for (const cl of group.clusters) {
            let k = 0;
            for (const x of nullMax) if (x >= cl.mass) k++;
            cl.p = (1 + k) / (1 + options.permutations);
          }
        }
        group.pFwe = p;
        description += `; FWE p by ${options.permutations} sign-flip permutations (seed ${options.seed}), maximum ${options.correction === 'tfce' ? 'TFCE' : options.correction === 'cluster-mass' ? 'cluster mass' : 't'} over the map, one-sided: p = (1 + #{max ≥ observed})/(1 + B)`;
      }
    }
    out.set(layer, group);
  }
  const bestLayer = new Float32Array(centres);
  for (let c = 0; c < centres; c++) {
    let best = 0;
    let value = -Infinity;
    layers.forEach((l, k) => {
      const v = out.get(l)!.mean[c]!;
      if (!Number.isNaN(v) && v > value) {
        value = v;
        best = k + 1;
      }
    });
    bestLayer[c] = best;
  }
  return { layers: out, bestLayer, description };
}
