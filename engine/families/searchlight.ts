/**
 * `metric: searchlight` — searchlight RSA on fMRI volumes (Kriegeskorte, Goebel & Bandettini 2006;
 * docs/searchlight.md). The brain region holds stimuli × voxels (a 4-D NIfTI read by engine/io/nifti.ts,
 * or any array whose units are the voxels of the mask's grid, in NIfTI order, or only the mask's
 * voxels); `mask` (a 3-D NIfTI) gives the grid, the affine and the voxels searched. For each
 * (layer, region) pair: one map per subject of the region of compare(sphere RDM, layer RDM) over
 * every centre (engine/metrics/searchlight); the first job of a region computes the maps of every
 * layer still to score at once (each sphere RDM made once). The pair's value is the peak of the map
 * averaged over the region's subjects. `finish` makes the group maps over every subject of every
 * region of the comparison (mean, one-sample t, sign-flip permutation max-statistic FWE p, TFCE,
 * best layer per voxel), writes them as NIfTI beside the results, and lists peaks and clusters.
 */
import { resolve } from 'node:path';
import { statSync } from 'node:fs';
import { SimspecError } from '../core/errors';
import type { Matrix } from '../core/matrix';
import { readNiftiSync, voxelToWorld, encodeNifti, type NiftiHeader } from '../io/nifti';
import { rdmFromResponses } from '../metrics/rsa';
import { prepareLayerRdm, searchlightMaps, searchlightSpheres, voxelIjk, type SphereCompare, type SphereRdmMethod, type Spheres } from '../metrics/searchlight';
import { groupInference, type GroupOptions } from '../metrics/searchlight/group';
import type { FamilyComparison, FamilyDefinition, LoadedRepresentation, PairRecord, RunContext, Score } from './types';

export interface SearchlightParams {
  mask?: string;
  radius: number;
  radiusUnit: 'voxels' | 'mm';
  threshold: number;
  minVoxels: number;
  rdm: SphereRdmMethod;
  compare: SphereCompare;
  permutations: number;
  seed: number;
  correction: 'tfce' | 'cluster-mass' | 'max-t';
  clusterThreshold: number;
  tfce: { start: number; step: number; e: number; h: number };
}

const defaults = {
  radius: 3,
  radius_unit: 'voxels',
  threshold: 0,
  min_voxels: 10,
  rdm: 'correlation',
  compare: 'spearman',
  permutations: 0,
  seed: 1,
  correction: 'tfce',
  cluster_threshold: 3,
  'tfce.start': 0,
  'tfce.step': 0.1,
  'tfce.e': 0.5,
  'tfce.h': 2,
} as const;

interface MaskGeometry {
  header: NiftiHeader;
  dims: [number, number, number];
  mask: Uint8Array;
  count: number;
}

const maskCache = new Map<string, { key: string; value: MaskGeometry }>();

/** The mask as both check and run read it (engine/io/nifti.ts readNiftiSync), memoised on path + mtime + size. */
function readMask(path: string, written: string): MaskGeometry {
  let key = '';
  try {
    const st = statSync(path);
    key = `${st.mtimeMs}:${st.size}`;
  } catch {
    // readNiftiSync reports the missing file
  }
  const hit = maskCache.get(path);
  if (hit && key && hit.key === key) return hit.value;
  const volume = readNiftiSync(path);
  const { header } = volume;
  if (header.volumes !== 1 || header.dims.length > 3 && header.dims.slice(3).some((d) => d !== 1)) {
    throw new SimspecError(`the mask has ${header.dims.length} dimensions (${header.dims.join(' × ')})`, { file: written, expected: 'a 3-D mask (x × y × z)', code: 'searchlight.mask-shape' });
  }
  const dims = [0, 1, 2].map((a) => header.dims[a] ?? 1) as [number, number, number];
  const mask = new Uint8Array(header.voxels);
  let count = 0;
  for (let v = 0; v < mask.length; v++) {
    const x = volume.data[v]!;
    if (Number.isNaN(x)) throw new SimspecError(`the mask has NaN at voxel ${voxelIjk(v, dims).join(', ')}`, { file: written, expected: 'a mask of 0 and non-zero values', code: 'searchlight.mask-values' });
    if (x !== 0) {
      mask[v] = 1;
      count++;
    }
  }
  if (count === 0) throw new SimspecError('the mask holds no voxel (every value is 0)', { file: written, expected: 'a mask with non-zero voxels', code: 'searchlight.mask-empty' });
  const value = { header, dims, mask, count };
  if (key) maskCache.set(path, { key, value });
  return value;
}

function voxelSizeOf(header: NiftiHeader): [number, number, number] {
  return [0, 1, 2].map((c) => Math.hypot(header.affine[0]![c]!, header.affine[1]![c]!, header.affine[2]![c]!) || 1) as [number, number, number];
}

/** The sphere definition in force (the same in check, run and finish). */
function spheresOf(p: SearchlightParams, geometry: MaskGeometry): Spheres {
  return searchlightSpheres(geometry.dims, geometry.mask, {
    radius: p.radius,
    voxelSize: p.radiusUnit === 'mm' ? voxelSizeOf(geometry.header) : [1, 1, 1],
    threshold: p.threshold,
    minVoxels: p.minVoxels,
  });
}

/** Why a brain layout cannot be searched with this mask (the same words in check and run), or undefined. */
function layoutProblem(kind: string, units: number | undefined, geometry: MaskGeometry): string | undefined {
  if (kind === 'rdm') return 'a searchlight needs the brain region as stimuli × voxels, not an RDM';
  const grid = geometry.dims[0] * geometry.dims[1] * geometry.dims[2];
  if (units !== undefined && units !== grid && units !== geometry.count) {
    return `the brain region has ${units} voxels per stimulus, but the mask's grid (${geometry.dims.join(' × ')}) has ${grid} voxels and the mask ${geometry.count}`;
  }
  return undefined;
}

function maskPath(p: SearchlightParams, baseDir: string): string {
  return resolve(baseDir, p.mask!);
}

const MISSING_MASK = 'a searchlight needs `mask`: a 3-D NIfTI brain mask (.nii or .nii.gz) on the grid of the brain volumes';

function layerRdm(model: LoadedRepresentation, p: SearchlightParams, context: RunContext): Float64Array {
  return context.shared.get(`searchlight:layer-rdm:${model.name}:${p.rdm}`, () => {
    const rdms = model.subjects.map((s, k) => {
      if (s.rdm) return s.rdm;
      const origin = { file: model.file, variable: model.subjects.length > 1 ? `${model.key ?? model.name} (subject ${k})` : model.key ?? model.name };
      const result = rdmFromResponses(s.responses as Matrix, p.rdm, { ...origin, convention: 'rsatoolbox' });
      if (result.condensed.some(Number.isNaN)) {
        throw new SimspecError(`the ${p.rdm} RDM has undefined entries: some stimulus has the same response in every unit (a constant pattern)`, { ...origin, expected: 'patterns that vary across units', code: 'data.constant-pattern' });
      }
      return result.condensed;
    });
    if (rdms.length === 1) return rdms[0]!;
    const out = new Float64Array(rdms[0]!.length);
    for (const r of rdms) for (let k = 0; k < out.length; k++) out[k]! += r[k]! / rdms.length;
    return out;
  });
}

/** Maps of every subject of `brain` for `layers`, computed together (each sphere RDM made once). */
function computeMaps(brain: LoadedRepresentation, layers: LoadedRepresentation[], p: SearchlightParams, geometry: MaskGeometry, spheres: Spheres, context: RunContext): Float32Array[][] {
  const prepared = layers.map((l) => prepareLayerRdm(layerRdm(l, p, context), p.compare));
  const out: Float32Array[][] = layers.map(() => []);
  const grid = geometry.dims[0] * geometry.dims[1] * geometry.dims[2];
  brain.subjects.forEach((subject, s) => {
    const x = subject.responses as Matrix;
    let columnOf: Int32Array | undefined;
    if (x.cols !== grid) {
      columnOf = new Int32Array(grid).fill(-1);
      let c = 0;
      for (let v = 0; v < grid; v++) if (geometry.mask[v]) columnOf[v] = c++;
    }
    const { maps } = searchlightMaps(x.data, x.rows, x.cols, spheres, prepared, {
      method: p.rdm,
      compare: p.compare,
      ...(columnOf ? { columnOf } : {}),
      signal: context.signal,
      onProgress: (f) => context.progress((s + f) / brain.subjects.length, `searchlight ${brain.name}: subject ${s + 1}/${brain.subjects.length}`),
    });
    maps.forEach((m, l) => out[l]!.push(m));
  });
  return out;
}

function mapsKey(comparison: Pick<FamilyComparison, 'index'>, layer: string, region: string): string {
  return `searchlight:maps:${comparison.index}:${layer}:${region}`;
}

function meanMap(maps: Float32Array[]): Float32Array {
  const out = new Float32Array(maps[0]!.length);
  for (let c = 0; c < out.length; c++) {
    let sum = 0;
    for (const m of maps) sum += m[c]!;
    out[c] = sum / maps.length;
  }
  return out;
}

function peakOf(map: Float32Array, spheres: Spheres, header: NiftiHeader): { value: number; voxel: number[]; mm: number[] } | undefined {
  let best = -1;
  for (let c = 0; c < map.length; c++) if (!Number.isNaN(map[c]!) && (best < 0 || map[c]! > map[best]!)) best = c;
  if (best < 0) return undefined;
  const voxel = voxelIjk(spheres.centres[best]!, spheres.dims);
  return { value: map[best]!, voxel, mm: voxelToWorld(header.affine, voxel).map((v) => Math.round(v * 1000) / 1000) };
}

export const searchlight: FamilyDefinition<'searchlight', SearchlightParams> = {
  id: 'searchlight',
  summary: 'searchlight RSA on fMRI volumes (a map per layer)',
  description:
    '**Searchlight RSA** (Kriegeskorte, Goebel & Bandettini 2006): around every voxel of `mask`, the voxels within `radius` make an RDM that is compared with the layer\'s RDM, giving a brain map per layer (per subject and for the group, with sign-flip permutation, TFCE and FWE p-values; maps written as NIfTI beside the results). The brain region is a 4-D NIfTI (x × y × z × stimuli) or stimuli × voxels on the mask\'s grid.',
  defaults,
  properties: {
    mask: { type: 'string', markdownDescription: 'Brain mask: a 3-D NIfTI (`.nii` or `.nii.gz`), relative to the spec, on the grid of the brain volumes. Non-zero voxels are searched; voxels outside it never enter a sphere. Its affine places the maps and peaks in mm. **Required.**' },
    radius: { type: 'number', exclusiveMinimum: 0, maximum: 50, markdownDescription: 'Sphere radius: voxels at a distance **strictly less** than this from the centre (rsatoolbox convention), in `radius_unit`.' },
    radius_unit: { enum: ['voxels', 'mm'], markdownDescription: 'Unit of `radius`.', markdownEnumDescriptions: ['Distance in voxel steps.', 'Distance in mm, with the voxel sizes of the mask\'s affine (column norms).'] },
    threshold: { type: 'number', minimum: 0, maximum: 1, markdownDescription: 'Least proportion of a sphere\'s voxels (inside the grid) that must lie in the mask for its centre to be searched (rsatoolbox `get_volume_searchlight(threshold=…)`).' },
    min_voxels: { type: 'integer', minimum: 2, markdownDescription: 'Least number of in-mask voxels a sphere must hold for its centre to be searched.' },
    rdm: { enum: ['correlation', 'euclidean'], markdownDescription: 'RDM of each sphere and of response-matrix layers (rsatoolbox `calc_rdm`).', markdownEnumDescriptions: ['1 − Pearson r between stimulus patterns.', 'Squared Euclidean distance divided by the number of voxels (units).'] },
    compare: { enum: ['spearman', 'pearson'], markdownDescription: 'How a sphere RDM is compared with the layer RDM.', markdownEnumDescriptions: ['Spearman ρ (average ranks, then Pearson r; rsatoolbox `compare(method="spearman")`).', 'Pearson r (rsatoolbox `compare(method="corr")`).'] },
    permutations: { type: 'integer', minimum: 0, maximum: 100000, markdownDescription: 'Sign-flip permutations of the subjects\' maps for the group inference (0: none). Needs ≥ 2 subjects over the comparison\'s regions.' },
    seed: { type: 'integer', minimum: 0, markdownDescription: 'Seed of the sign flips.' },
    correction: { enum: ['tfce', 'cluster-mass', 'max-t'], markdownDescription: 'Family-wise error control of the group t map, by the maximum statistic over voxels in each permutation.', markdownEnumDescriptions: ['Threshold-free cluster enhancement (Smith & Nichols 2009) of the t map, steps `tfce.start`, `tfce.step` (MNE `threshold=dict(start, step)`).', 'Cluster mass: sum of t over each cluster (6-connected) above `cluster_threshold`.', 'The voxel t itself.'] },
    cluster_threshold: { type: 'number', exclusiveMinimum: 0, markdownDescription: 'Cluster-forming t threshold (cluster-mass correction and the cluster table).' },
    tfce: {
      type: 'object',
      additionalProperties: false,
      markdownDescription: 'TFCE settings: TFCE(v) = Σ over h = start, start+step, … ≤ t(v) of e(h)^E · h^H · step, e(h) the size of v\'s 6-connected cluster above h.',
      properties: {
        start: { type: 'number', minimum: 0, markdownDescription: 'First threshold.' },
        step: { type: 'number', exclusiveMinimum: 0, markdownDescription: 'Threshold step.' },
        e: { type: 'number', exclusiveMinimum: 0, markdownDescription: 'Extent exponent E.' },
        h: { type: 'number', exclusiveMinimum: 0, markdownDescription: 'Height exponent H.' },
      },
    },
  },
  parse(raw) {
    const t = (raw.tfce ?? {}) as Record<string, unknown>;
    const p: SearchlightParams = {
      radius: typeof raw.radius === 'number' ? raw.radius : defaults.radius,
      radiusUnit: raw.radius_unit === 'mm' ? 'mm' : defaults.radius_unit,
      threshold: typeof raw.threshold === 'number' ? raw.threshold : defaults.threshold,
      minVoxels: typeof raw.min_voxels === 'number' ? raw.min_voxels : defaults.min_voxels,
      rdm: raw.rdm === 'euclidean' ? 'euclidean' : defaults.rdm,
      compare: raw.compare === 'pearson' ? 'pearson' : defaults.compare,
      permutations: typeof raw.permutations === 'number' ? raw.permutations : defaults.permutations,
      seed: typeof raw.seed === 'number' ? raw.seed : defaults.seed,
      correction: raw.correction === 'cluster-mass' || raw.correction === 'max-t' ? raw.correction : defaults.correction,
      clusterThreshold: typeof raw.cluster_threshold === 'number' ? raw.cluster_threshold : defaults.cluster_threshold,
      tfce: {
        start: typeof t.start === 'number' ? t.start : defaults['tfce.start'],
        step: typeof t.step === 'number' ? t.step : defaults['tfce.step'],
        e: typeof t.e === 'number' ? t.e : defaults['tfce.e'],
        h: typeof t.h === 'number' ? t.h : defaults['tfce.h'],
      },
    };
    if (typeof raw.mask === 'string') p.mask = raw.mask;
    return p;
  },
  check(p, context, report) {
    if (!p.mask) {
      report(MISSING_MASK, ['metric'], 'searchlight.mask');
      return;
    }
    let geometry: MaskGeometry;
    try {
      geometry = readMask(maskPath(p, context.baseDir), p.mask);
    } catch (e) {
      if (!(e instanceof SimspecError)) throw e;
      report(`mask: ${e.message}${e.expected ? ` (expected ${e.expected})` : ''}`, ['mask'], e.code ?? 'searchlight.mask');
      return;
    }
    for (const { model, brain } of context.pairs) {
      const problem = layoutProblem(brain.kind, brain.units, geometry);
      if (problem) report(problem, ['mask'], 'searchlight.mask-data');
      if (model.stimuli < 3 || brain.stimuli < 3) report('a searchlight needs at least 3 stimuli (an RDM of at least 3 pairs)', ['metric'], 'searchlight.stimuli');
    }
  },
  async run(comparison, p, model, brain, context): Promise<Score> {
    if (!p.mask) throw new SimspecError(MISSING_MASK, { variable: `comparisons[${comparison.index}].mask`, code: 'searchlight.mask' });
    const geometry = readMask(maskPath(p, context.spec.baseDir), p.mask);
    const problem = layoutProblem(brain.kind, brain.subjects[0]?.responses?.cols, geometry);
    if (problem) throw new SimspecError(problem, { file: brain.file, variable: `comparisons[${comparison.index}].mask`, code: 'searchlight.mask-data' });
    if (brain.stimuli < 3) throw new SimspecError('a searchlight needs at least 3 stimuli (an RDM of at least 3 pairs)', { variable: `comparisons[${comparison.index}].metric`, code: 'searchlight.stimuli' });
    const spheres = context.shared.get(`searchlight:spheres:${comparison.index}`, () => spheresOf(p, geometry));
    let maps = cachedMaps(context, comparison, model.name, brain.name);
    if (!maps) {
      // The first job of this region scores every layer still to score at once.
      const layers = [model];
      for (const l of (await context.layersStillToScore?.()) ?? []) {
        if (l.name === model.name || l.stimuli !== model.stimuli) continue;
        try {
          layerRdm(l, p, context);
          layers.push(l);
        } catch (e) {
          if (!(e instanceof SimspecError)) throw e;
        }
      }
      const all = computeMaps(brain, layers, p, geometry, spheres, context);
      layers.forEach((l, k) => {
        context.shared.get<{ maps?: Float32Array[] }>(`${mapsKey(comparison, l.name, brain.name)}:slot`, () => ({})).maps = all[k];
      });
      maps = all[0]!;
    }
    return scoreOf(maps, p, spheres, geometry, brain);
  },
  async finish(comparison, p, records, representations, context) {
    if (!p.mask) return undefined;
    const geometry = readMask(maskPath(p, context.spec.baseDir), p.mask);
    const spheres = context.shared.get(`searchlight:spheres:${comparison.index}`, () => spheresOf(p, geometry));
    const byName = new Map(representations.map((r) => [`${r.role}:${r.name}`, r]));
    const layers = [...new Set(records.map((r) => r.layer))];
    const regions = [...new Set(records.map((r) => r.region))];
    const subjectMaps = new Map<string, Float32Array[]>();
    for (const layer of layers) {
      const all: Float32Array[] = [];
      for (const region of regions) {
        let maps = cachedMaps(context, comparison, layer, region);
        if (!maps) {
          const model = byName.get(`model:${layer}`);
          const brain = byName.get(`brain:${region}`);
          if (!model || !brain) continue;
          maps = computeMaps(brain, [model], p, geometry, spheres, context)[0]!;
        }
        all.push(...maps);
      }
      subjectMaps.set(layer, all);
    }
    const subjects = Math.max(0, ...[...subjectMaps.values()].map((m) => m.length));
    if (p.permutations > 0 && subjects < 2) context.warn(`\`permutations\` needs at least 2 subjects over the comparison's regions, but there is ${subjects}: no FWE p-maps`);
    const options: GroupOptions = { permutations: p.permutations, seed: p.seed, correction: p.correction, clusterThreshold: p.clusterThreshold, tfce: p.tfce, signal: context.signal };
    const group = groupInference(layers, subjectMaps, spheres, options);
    const grid = spheres.dims[0] * spheres.dims[1] * spheres.dims[2];
    const files: { name: string; file: string; layer?: string }[] = [];
    const toVolume = (map: Float32Array, fill = 0) => {
      const out = new Float32Array(grid).fill(fill);
      spheres.centres.forEach((v, c) => (out[v] = Number.isNaN(map[c]!) ? fill : map[c]!));
      return out;
    };
    const write = (suffix: string, map: Float32Array, layer?: string) => {
      const written = context.writeOutput?.(`${comparison.name}.${suffix}.nii`, encodeNifti(spheres.dims, geometry.header.affine, toVolume(map), 1, `simspec searchlight ${suffix}`.slice(0, 79)));
      if (written) files.push({ name: suffix, file: written, ...(layer ? { layer } : {}) });
    };
    const summary: Record<string, unknown> = {};
    for (const layer of layers) {
      const g = group.layers.get(layer)!;
      write(`${layer}.mean`, g.mean, layer);
      if (g.t) write(`${layer}.t`, g.t, layer);
      if (g.pFwe) write(`${layer}.p-fwe`, g.pFwe, layer);
      if (g.tfce) write(`${layer}.tfce`, g.tfce, layer);
      summary[layer] = {
        subjects: g.subjects,
        peak: peakOf(g.t ?? g.mean, spheres, geometry.header),
        peakOf: g.t ? 't' : 'mean',
        ...(g.pFwe ? { minimumPFwe: Math.min(...Array.from(g.pFwe).filter((x) => !Number.isNaN(x))) } : {}),
        clusters: g.clusters.map((c) => ({ ...c, peak: { ...c.peak, mm: voxelToWorld(geometry.header.affine, c.peak.voxel).map((v) => Math.round(v * 1000) / 1000) } })),
      };
    }
    if (layers.length > 1) write('best-layer', group.bestLayer);
    return {
      searchlights: spheres.centres.length,
      dims: spheres.dims,
      affine: geometry.header.affine,
      radius: { value: p.radius, unit: p.radiusUnit },
      statistic: p.compare === 'spearman' ? 'Spearman ρ' : 'Pearson r',
      bestLayer: { codes: layers.map((l, k) => ({ code: k + 1, layer: l })), rule: 'layer with the largest group mean at each centre (0: none)' },
      inference: group.description,
      layers: summary,
      files,
    };
  },
  caseHandlers: {},
};

function cachedMaps(context: RunContext, comparison: FamilyComparison, layer: string, region: string): Float32Array[] | undefined {
  return context.shared.get<{ maps?: Float32Array[] }>(`${mapsKey(comparison, layer, region)}:slot`, () => ({})).maps;
}

function scoreOf(maps: Float32Array[], p: SearchlightParams, spheres: Spheres, geometry: MaskGeometry, brain: LoadedRepresentation): Score {
  const mean = meanMap(maps);
  const peak = peakOf(mean, spheres, geometry.header);
  const what = p.compare === 'spearman' ? 'Spearman ρ' : 'Pearson r';
  const perSubjectPeaks = maps.map((m) => peakOf(m, spheres, geometry.header)?.value ?? Number.NaN);
  const score: Score = {
    measure: `peak searchlight ${what} over ${spheres.centres.length} spheres${maps.length > 1 ? ` (map averaged over ${maps.length} subjects)` : ''}`,
    value: peak ? peak.value : Number.NaN,
    higherIsBetter: true,
    details: { searchlights: spheres.centres.length, peak, ...(brain.subjects.length > 1 ? { perSubjectPeak: perSubjectPeaks } : {}) },
  };
  if (!peak) score.reason = spheres.centres.length === 0 ? `no searchlight centre: no mask voxel has ${p.minVoxels} in-mask voxels within radius ${p.radius} ${p.radiusUnit}` : 'every sphere RDM is undefined (constant patterns)';
  return score;
}

/** For tests: the spheres and the mask geometry of these params. */
export function searchlightGeometry(p: SearchlightParams, baseDir: string): { spheres: Spheres; geometry: MaskGeometry } {
  const geometry = readMask(maskPath(p, baseDir), p.mask!);
  return { spheres: spheresOf(p, geometry), geometry };
}

export type { PairRecord };
