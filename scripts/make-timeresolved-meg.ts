/**
 * Generates the synthetic MEG-like data of samples/timeresolved-meg/ (no real recordings): 92
 * stimuli, 20 subjects, 60 sensors, −100 … 600 ms at 100 Hz (71 samples), and four "model layers"
 * whose representational geometry appears in the sensors at planted latencies.
 * Run: `npx tsx scripts/make-timeresolved-meg.ts [outDir]` (default samples/timeresolved-meg/data).
 *
 * Random numbers: NumpyRandomState(seed) (numpy's legacy MT19937), Gaussians by Box–Muller from two
 * `randomSample()` draws (one pair per value), so a seed gives the same files on every machine.
 *
 * Generative model:
 *   layer ℓ features F_ℓ (stimuli × 32)  = 0.35·C + G_ℓ          C, G_ℓ ~ N(0, 1), C shared by all layers
 *   layer file ℓ                           = F_ℓ · R_ℓ (32 × 128 random mixing, float32)
 *   subject s, time t, sensors:  x_s(t) = Σ_ℓ a·exp(−(t − τ_ℓ)² / (2σ²))·F_ℓ·W_ℓs + 𝒩(0, 1)
 *     W_ℓs ~ N(0, 1)/√32 (32 × 60, a subject's own sensor mixing), a = 0.3, σ = 30 ms,
 *     τ = 90, 130, 180, 260 ms for layers conv1, conv3, conv5, fc7 (the planted latencies);
 *     before 0 ms there is only noise.
 * Files: model/<layer>.npy (stimuli × 128, float32), meg.npy (subjects × stimuli × sensors × time,
 * float32), times.txt (seconds, one per line).
 */
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NumpyRandomState } from '../engine/stats/random';
import { writeNpy } from '../engine/io/npyWriter';

export interface MegOptions {
  stimuli: number;
  subjects: number;
  sensors: number;
  /** First sample and rate (seconds, Hz) and number of samples. */
  onset: number;
  rate: number;
  samples: number;
  seed: number;
  amplitude: number;
  /** Number of layers: the four of PLANTED, or more with latencies spread evenly over 80 … 300 ms. */
  layers?: number;
}

export const DEFAULT_MEG: MegOptions = { stimuli: 92, subjects: 20, sensors: 60, onset: -0.1, rate: 100, samples: 71, seed: 2016, amplitude: 0.3 };
export const PLANTED = [
  { layer: 'conv1', latency: 0.09 },
  { layer: 'conv3', latency: 0.13 },
  { layer: 'conv5', latency: 0.18 },
  { layer: 'fc7', latency: 0.26 },
] as const;
const FEATURES = 32;
const WIDTH = 128;
const SIGMA = 0.03;

export interface MegData {
  layers: { name: string; latency: number; data: Float32Array; shape: [number, number] }[];
  /** subjects × stimuli × sensors × time */
  meg: Float32Array;
  shape: [number, number, number, number];
  times: number[];
}

/** The layers and their planted latencies for a layer count (PLANTED for 4). */
export function plantedLayers(count: number = PLANTED.length): { layer: string; latency: number }[] {
  if (count === PLANTED.length) return PLANTED.map((p) => ({ ...p }));
  return Array.from({ length: count }, (_, l) => ({ layer: `layer${l + 1}`, latency: Math.round((0.08 + (0.22 * l) / Math.max(1, count - 1)) * 1000) / 1000 }));
}

export function generateMeg(options: MegOptions = DEFAULT_MEG): MegData {
  const { stimuli: n, subjects: S, sensors: P, samples: T } = options;
  const planted = plantedLayers(options.layers);
  const rng = new NumpyRandomState(options.seed);
  const gaussian = (): number => Math.sqrt(-2 * Math.log(1 - rng.randomSample())) * Math.cos(2 * Math.PI * rng.randomSample());
  const gaussians = (count: number): Float64Array => Float64Array.from({ length: count }, gaussian);
  const times = Array.from({ length: T }, (_, k) => Math.round((options.onset + k / options.rate) * 1e6) / 1e6);
  const common = gaussians(n * FEATURES);
  const features = planted.map(() => {
    const own = gaussians(n * FEATURES);
    return own.map((v, k) => v + 0.35 * common[k]!);
  });
  const layers = planted.map(({ layer, latency }, l) => {
    const mix = gaussians(FEATURES * WIDTH);
    const data = new Float32Array(n * WIDTH);
    for (let i = 0; i < n; i++) for (let f = 0; f < FEATURES; f++) {
      const v = features[l]![i * FEATURES + f]!;
      for (let j = 0; j < WIDTH; j++) data[i * WIDTH + j] += v * mix[f * WIDTH + j]!;
    }
    return { name: layer, latency, data, shape: [n, WIDTH] as [number, number] };
  });
  const meg = new Float32Array(S * n * P * T);
  const gain = planted.map(({ latency }) => times.map((t) => options.amplitude * Math.exp(-((t - latency) ** 2) / (2 * SIGMA * SIGMA))));
  const pattern = new Float64Array(n * P);
  for (let s = 0; s < S; s++) {
    const patterns = planted.map((_, l) => {
      const w = gaussians(FEATURES * P);
      pattern.fill(0);
      for (let i = 0; i < n; i++) for (let f = 0; f < FEATURES; f++) {
        const v = features[l]![i * FEATURES + f]! / Math.sqrt(FEATURES);
        for (let c = 0; c < P; c++) pattern[i * P + c]! += v * w[f * P + c]!;
      }
      return Float64Array.from(pattern);
    });
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < P; c++) {
        const at = ((s * n + i) * P + c) * T;
        for (let k = 0; k < T; k++) {
          let v = gaussian();
          for (let l = 0; l < planted.length; l++) v += gain[l]![k]! * patterns[l]![i * P + c]!;
          meg[at + k] = v;
        }
      }
    }
  }
  return { layers, meg, shape: [S, n, P, T], times };
}

export function writeMeg(dir: string, data: MegData): void {
  mkdirSync(join(dir, 'model'), { recursive: true });
  for (const layer of data.layers) writeNpy(join(dir, 'model', `${layer.name}.npy`), layer.shape, layer.data, '<f4');
  writeNpy(join(dir, 'meg.npy'), data.shape, data.meg, '<f4');
  writeFileSync(join(dir, 'times.txt'), data.times.map((t) => t.toFixed(3)).join('\n') + '\n');
}

if (process.argv[1] && /make-timeresolved-meg\.ts$/.test(process.argv[1])) {
  // npx tsx scripts/make-timeresolved-meg.ts [outDir] [--subjects=20 --sensors=60 --samples=71 --rate=100 --layers=4 ...]
  const args = process.argv.slice(2);
  const out = args.find((a) => !a.startsWith('--')) ?? join(__dirname, '..', 'samples', 'timeresolved-meg', 'data');
  const options: MegOptions = { ...DEFAULT_MEG };
  for (const a of args.filter((x) => x.startsWith('--'))) {
    const [key, value] = a.slice(2).split('=') as [keyof MegOptions, string];
    if (!(key in DEFAULT_MEG) && key !== 'layers') throw new Error(`unknown option --${key}`);
    (options as unknown as Record<string, number>)[key] = Number(value);
  }
  writeMeg(out, generateMeg(options));
  console.log(`wrote ${out}`);
  // The spec is written with the data, so `New Spec from Sample` never offers a spec whose data do
  // not exist yet (the data are 31 MB and not committed). An existing spec is kept.
  const spec = join(out, '..', 'timeresolved-meg.simspec.yaml');
  if (!existsSync(spec)) {
    copyFileSync(join(__dirname, '..', 'samples', 'timeresolved-meg', 'spec-template.yaml'), spec);
    console.log(`wrote ${spec}`);
  }
}
