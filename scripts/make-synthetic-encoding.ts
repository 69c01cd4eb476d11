/**
 * Generates samples/synthetic-encoding/: a deterministic, fully synthetic encoding-model data set
 * (no real images or recordings). Run: `npx tsx scripts/make-synthetic-encoding.ts`.
 *
 * Random numbers: NumpyRandomState(SEED) (numpy's legacy MT19937), Gaussians by Box–Muller from
 * two `randomSample()` draws: z = √(−2 ln(1 − u₁))·cos(2π u₂) (one draw pair per value).
 *
 * Generative model (n = 200 stimuli, 8 categories × 25, in a seeded random order):
 *   pixels P (200 × 256)    = 0.7·prototype[category] + 0.7·own noise          (all N(0, 1))
 *   layer ℓ = 1..5 with widths 64, 256, 512, 1024, 2048 and depth d = (ℓ − 1)/4:
 *     pre = (1 − d)·P·A_ℓ/16 + d·1.5·onehot·B_ℓ + 0.3·noise                    (A, B ~ N(0, 1))
 *     layer1 = pre (linear in pixels); layers 2–5 = max(pre, 0) (ReLU).
 *     So early layers are linear in the pixels and late layers are categorical (AlexNet-like).
 *   brain regions (200 stimuli × 6 repeats × 100 units):
 *     V1 signal = g_u·(P·A_v/16 + 0.6·E)_u + 5,  IT signal = g_u·(0.9·onehot·B_i + 0.35·P·A_i/16 + 0.6·E)_u + 5,
 *     E ~ N(0, 1) per stimulus and unit: reliable brain variance that no model layer can explain,
 *     so ceiling-normalised scores stay below 1; gains g_u uniform in [0.2, 1.5] (so reliabilities
 *     vary); each repeat adds N(0, 0.8²) noise.
 *     Missing repeats: 30 stimuli (chosen at random) lose their last 1 or 2 repeats (NaN for
 *     every unit), as when a trial was aborted.
 * Files: model/layer{1..5}.npy (float32, stimuli × units), brain/{V1,IT}.npy (float64,
 * stimuli × repeats × units, NaN = missing), labels.csv (stimulus, category).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NumpyRandomState } from '../engine/stats/random';
import { writeNpy } from '../engine/io/npyWriter';

const SEED = 2026;
const OUT = join(__dirname, '..', 'samples', 'synthetic-encoding');
const N = 200;
const CATEGORIES = ['animal', 'body', 'car', 'chair', 'face', 'fruit', 'house', 'tool'];
const PIXELS = 256;
const WIDTHS = [64, 256, 512, 1024, 2048];
const REPEATS = 6;
const UNITS = 100;

const rng = new NumpyRandomState(SEED);
const gaussian = (): number => Math.sqrt(-2 * Math.log(1 - rng.randomSample())) * Math.cos(2 * Math.PI * rng.randomSample());
const gaussians = (count: number): Float64Array => Float64Array.from({ length: count }, gaussian);

// Categories: 25 of each, in a seeded random order.
const categoryOf = Int32Array.from({ length: N }, (_, i) => i % CATEGORIES.length);
rng.shuffle(categoryOf);

const prototypes = gaussians(CATEGORIES.length * PIXELS);
const pixels = new Float64Array(N * PIXELS);
for (let i = 0; i < N; i++) {
  for (let k = 0; k < PIXELS; k++) pixels[i * PIXELS + k] = 0.7 * prototypes[categoryOf[i]! * PIXELS + k]! + 0.7 * gaussian();
}

/** (P·A)/16 for a fresh Gaussian A (PIXELS × width). */
function pixelProjection(width: number): Float64Array {
  const a = gaussians(PIXELS * width);
  const out = new Float64Array(N * width);
  for (let i = 0; i < N; i++) {
    for (let k = 0; k < PIXELS; k++) {
      const v = pixels[i * PIXELS + k]! / 16;
      for (let j = 0; j < width; j++) out[i * width + j] += v * a[k * width + j]!;
    }
  }
  return out;
}

/** onehot(category)·B for a fresh Gaussian B (categories × width). */
function categoryCode(width: number): Float64Array {
  const b = gaussians(CATEGORIES.length * width);
  const out = new Float64Array(N * width);
  for (let i = 0; i < N; i++) out.set(b.subarray(categoryOf[i]! * width, (categoryOf[i]! + 1) * width), i * width);
  return out;
}

mkdirSync(join(OUT, 'model'), { recursive: true });
mkdirSync(join(OUT, 'brain'), { recursive: true });

WIDTHS.forEach((width, l) => {
  const depth = l / (WIDTHS.length - 1);
  const linear = pixelProjection(width);
  const categorical = categoryCode(width);
  const layer = new Float64Array(N * width);
  for (let k = 0; k < layer.length; k++) {
    const pre = (1 - depth) * linear[k]! + depth * 1.5 * categorical[k]! + 0.3 * gaussian();
    layer[k] = l === 0 ? pre : Math.max(pre, 0);
  }
  writeNpy(join(OUT, 'model', `layer${l + 1}.npy`), [N, width], layer, '<f4');
});

function region(structured: Float64Array): Float64Array {
  const signal = structured.map((v) => v + 0.6 * gaussian());
  const gains = Float64Array.from({ length: UNITS }, () => 0.2 + 1.3 * rng.randomSample());
  const out = new Float64Array(N * REPEATS * UNITS);
  for (let i = 0; i < N; i++) {
    for (let r = 0; r < REPEATS; r++) {
      for (let u = 0; u < UNITS; u++) out[(i * REPEATS + r) * UNITS + u] = gains[u]! * signal[i * UNITS + u]! + 5 + 0.8 * gaussian();
    }
  }
  return out;
}

const v1 = region(pixelProjection(UNITS));
const itPixels = pixelProjection(UNITS);
const itCategories = categoryCode(UNITS);
const it = region(itCategories.map((c, k) => 0.9 * c + 0.35 * itPixels[k]!));

// Missing repeats: 30 stimuli lose their last 1 or 2 repeats in both regions.
const missing = rng.permutation(N).subarray(0, 30);
for (const i of missing) {
  const lost = 1 + rng.randomInterval(1);
  for (let r = REPEATS - lost; r < REPEATS; r++) {
    for (let u = 0; u < UNITS; u++) {
      v1[(i * REPEATS + r) * UNITS + u] = NaN;
      it[(i * REPEATS + r) * UNITS + u] = NaN;
    }
  }
}
writeNpy(join(OUT, 'brain', 'V1.npy'), [N, REPEATS, UNITS], v1);
writeNpy(join(OUT, 'brain', 'IT.npy'), [N, REPEATS, UNITS], it);

const csv = ['stimulus,category', ...Array.from(categoryOf, (c, i) => `s${String(i).padStart(3, '0')},${CATEGORIES[c]}`)].join('\n') + '\n';
writeFileSync(join(OUT, 'labels.csv'), csv);
console.log(`wrote ${OUT}`);
