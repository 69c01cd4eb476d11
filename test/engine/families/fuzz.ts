/**
 * Seeded random specs for the check/run agreement test: tiny data files of every kind (responses
 * narrower and wider than the stimulus count, subjects, repeats, RDMs, a label table, a folds file),
 * and comparisons whose keys and values are drawn from each family's composed schema — valid values
 * mostly, out-of-range and wrong-typed ones sometimes — with small statistics blocks.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { writeNpy } from '../../../engine/io/npyWriter';
import { encodeNifti } from '../../../engine/io/nifti';
import { specSchema } from '../../../engine/spec';
import { seededRandom } from '../../helpers/seededRandom';

export const STIMULI = 10;

export const random = seededRandom;

function gaussian(rand: () => number, count: number): Float64Array {
  return Float64Array.from({ length: count }, () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand()));
}

export interface FuzzData {
  dir: string;
  layers: Record<string, Record<string, unknown>>;
  regions: Record<string, Record<string, unknown>>;
  /** Regions with a `time` axis (only time-resolved families draw them; every spec lists them under `brain`). */
  timeRegions: Record<string, Record<string, unknown>>;
}

/** Write the data files once; returns the spec entries that point at them. */
export function writeFuzzData(dir: string): FuzzData {
  mkdirSync(dir, { recursive: true });
  const rand = random(7);
  const n = STIMULI;
  const pairs = (n * (n - 1)) / 2;
  const file = (name: string, shape: number[]) => {
    writeNpy(join(dir, name), shape, gaussian(rand, shape.reduce((a, b) => a * b, 1)));
    return name;
  };
  const rdms = (name: string, count: number) => {
    writeNpy(join(dir, name), [count, pairs], Float64Array.from({ length: count * pairs }, () => 0.1 + rand()));
    return name;
  };
  const movie = (name: string, shape: number[]) => {
    writeNpy(join(dir, name), shape, Float64Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => 0.1 + rand()));
    return name;
  };
  writeFileSync(join(dir, 'labels.csv'), `category,block\n${Array.from({ length: n }, (_, i) => `c${i % 3},b${Math.floor(i / 4)}`).join('\n')}\n`);
  // A searchlight mask on a 5 × 1 × 1 grid, 4 voxels in: `plain` holds the mask's voxels, the 5-unit sources the grid.
  writeFileSync(join(dir, 'mask.nii'), encodeNifti([5, 1, 1], [[2, 0, 0, 0], [0, 2, 0, 0], [0, 0, 2, 0], [0, 0, 0, 1]], [1, 1, 0, 1, 1]));
  writeFileSync(join(dir, 'folds.json'), JSON.stringify([{ train: [0, 1, 2, 3, 4, 5, 6], test: [7, 8, 9] }, { train: [3, 4, 5, 6, 7, 8, 9], test: [0, 1, 2] }]));
  return {
    dir,
    layers: {
      narrow: { file: file('narrow.npy', [n, 3]) },
      wide: { file: file('wide.npy', [n, 14]) },
      subjects: { file: file('model-subjects.npy', [2, n, 4]), subjects: 0 },
      modelrdm: { file: rdms('model-rdm.npy', 1), kind: 'rdm' },
    },
    regions: {
      plain: { file: file('plain.npy', [n, 4]) },
      subjects: { file: file('brain-subjects.npy', [3, n, 5]), subjects: 0 },
      repeats: { file: file('repeats.npy', [n, 4, 5]), kind: 'repeats' },
      rdms: { file: rdms('brain-rdms.npy', 3), kind: 'rdm', subjects: 0 },
    },
    timeRegions: {
      meg: { file: file('meg.npy', [3, n, 5, 6]), axes: ['subjects', 'stimuli', 'units', 'time'] },
      megruns: { file: file('meg-runs.npy', [3, n, 3, 4, 6]), kind: 'repeats', axes: ['subjects', 'stimuli', 'repeats', 'units', 'time'] },
      rdmmovie: { file: movie('rdm-movie.npy', [3, 6, pairs]), kind: 'rdm', axes: ['subjects', 'time', 'stimuli'] },
    },
  };
}

type Schema = Record<string, unknown>;

function resolveRef(schema: Schema): Schema {
  const ref = schema.$ref as string | undefined;
  if (!ref) return schema;
  let node: unknown = specSchema;
  for (const part of ref.replace(/^#\//, '').split('/')) node = (node as Schema)[part];
  return { ...(node as Schema), ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== '$ref')) };
}

/** A value for `schema`: valid most of the time, sometimes just outside its range or of the wrong type. */
function valueFor(schema: Schema, rand: () => number, key: string): unknown {
  const s = resolveRef(schema);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  if (rand() < 0.04) return pick(['oops', -1, 0, 2.5, true, [1]]);
  if (s.anyOf) return valueFor(pick(s.anyOf as Schema[]), rand, key);
  if (s.oneOf) return valueFor(pick(s.oneOf as Schema[]), rand, key);
  if (s.const !== undefined) return s.const;
  if (s.enum) return pick(s.enum as unknown[]);
  if (key === 'file') return pick(['folds.json', 'missing.json']);
  if (key === 'mask') return pick(['mask.nii', 'mask.nii', 'missing.nii', 'labels.csv']);
  if (key === 'stratify' || key === 'group') return pick(['category', 'block', 'nothing']);
  switch (s.type) {
    case 'boolean':
      return rand() < 0.5;
    case 'integer': {
      const low = typeof s.minimum === 'number' ? s.minimum : 0;
      return low + Math.floor(rand() ** 2 * 30);
    }
    case 'number': {
      const low = typeof s.exclusiveMinimum === 'number' ? s.exclusiveMinimum : typeof s.minimum === 'number' ? s.minimum : 0;
      const high = typeof s.exclusiveMaximum === 'number' ? s.exclusiveMaximum : typeof s.maximum === 'number' ? s.maximum : low + 10;
      return rand() < 0.15 && typeof s.maximum === 'number' ? s.maximum : low + (high - low) * (0.01 + 0.98 * rand());
    }
    case 'array': {
      const items = (s.items ?? {}) as Schema;
      return Array.from({ length: 1 + Math.floor(rand() * 3) }, () => valueFor(items, rand, key));
    }
    case 'object': {
      const properties = (s.properties ?? {}) as Record<string, Schema>;
      const required = (s.required ?? []) as string[];
      const out: Record<string, unknown> = {};
      for (const [k, p] of Object.entries(properties)) if (required.includes(k) || rand() < 0.4) out[k] = valueFor(p, rand, k);
      return out;
    }
    default:
      return rand() < 0.5 ? 1 : 'x';
  }
}

/** Keys left out of the fuzz, with the reason (see the report of the test). */
export const NOT_FUZZED: Record<string, string> = {
  noise: 'names a precision file; its shape is checked when it is read, not from the spec',
};

function subset(names: string[], rand: () => number): string[] {
  const chosen = names.filter(() => rand() < 0.45);
  return chosen.length ? chosen : [names[Math.floor(rand() * names.length)]!];
}

/** The YAML text of random spec number `index`. */
export function randomSpec(data: FuzzData, family: string, seed: number): string {
  const rand = random(seed);
  const properties = (specSchema.$defs as Record<string, Schema>)[`${family}Comparison`]!.properties as Record<string, Schema>;
  const comparison: Record<string, unknown> = { name: 'c', metric: family };
  for (const [key, schema] of Object.entries(properties)) {
    if (key in NOT_FUZZED || rand() > 0.35) continue;
    comparison[key] = valueFor(schema, rand, key);
  }
  // A searchlight without its mask only exercises the check that asks for it: give one most of the time.
  if (family === 'searchlight' && !('mask' in comparison) && rand() < 0.8) comparison.mask = 'mask.nii';
  comparison.layers = subset(Object.keys(data.layers), rand);
  const timeResolved = family === 'rsa-time';
  comparison.regions = subset(Object.keys(timeResolved ? data.timeRegions : data.regions), rand);
  const statistics: Record<string, unknown> = {};
  if (rand() < 0.25) statistics.bootstrap = { samples: 1 + Math.floor(rand() * 3), seed: 1, ...(rand() < 0.5 ? { over: rand() < 0.5 ? 'subjects' : ['stimuli', 'subjects'] } : {}) };
  if (rand() < 0.25) statistics.permutation = { samples: 1 + Math.floor(rand() * 3), seed: 2 };
  if (rand() < 0.2) statistics.noise_ceiling = rand() < 0.5;
  const spec: Record<string, unknown> = {
    simspec: 1,
    ...(rand() < 0.7 ? { stimuli: { labels: 'labels.csv' } } : {}),
    model: { layers: data.layers },
    brain: { ...data.regions, ...data.timeRegions },
    comparisons: [comparison],
    ...(Object.keys(statistics).length ? { statistics } : {}),
  };
  return stringify(spec);
}
