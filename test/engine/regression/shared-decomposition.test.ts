// Decompose once (issue 11 item 2): a split's predictor decomposition made once and shared by
// several target sets (brain regions) gives the same per-unit held-out scores as fitting every
// (region, split) from scratch — for leave-one-out RidgeCV in eigen mode (n ≤ p, kernels from the
// full Gram) and SVD mode (n > p), and for inner k-fold α on the dual and primal routes. The
// fold kernels equal the Gram of the training-centred rows, whatever the offsets of the columns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Matrix } from '../../../engine/core/matrix';
import { selectRows } from '../../../engine/core/matrix';
import { centerColumns, gram, multiplyTransposed } from '../../../engine/linalg';
import { kFoldSplits, type Split } from '../../../engine/stats/cv';
import { crossValidatedEncoding, type Direction } from '../../../engine/metrics/regression/crossValidate';
import { isSharingEstimator, type Estimator, type SharingEstimator } from '../../../engine/metrics/regression/estimator';
import { centredRowGram, foldKernels } from '../../../engine/metrics/regression/prepared';
import { ridgeCvLooEstimator } from '../../../engine/metrics/regression/ridgeCvLoo';
import { ridgeCvKFoldEstimator } from '../../../engine/metrics/regression/ridgeCvKFold';
import { subtractRowVector } from '../../../engine/metrics/regression/design';
import { regressionRunner } from '../../../engine/families/regression';
import type { ComparisonSpec } from '../../../engine/spec/types';
import type { LoadedRepresentation, RunContext } from '../../../engine/run/types';

/** Seeded standard normals (LCG + Box–Muller): reproducible data, no fixture files. */
function normals(count: number, seed: number): Float64Array {
  let state = seed >>> 0 || 1;
  const uniform = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state + 0.5) / 4294967296;
  };
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  return out;
}

/** n×cols responses driven by a shared k-dimensional latent, plus noise and a column offset. */
function responses(latent: Matrix, cols: number, seed: number, offset = 0): Matrix {
  const { rows: n, cols: k } = latent;
  const weights = normals(k * cols, seed);
  const noise = normals(n * cols, seed + 1);
  const data = new Float64Array(n * cols);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < cols; j++) {
      let s = offset + 0.5 * noise[i * cols + j]!;
      for (let l = 0; l < k; l++) s += latent.data[i * k + l]! * weights[l * cols + j]!;
      data[i * cols + j] = s;
    }
  }
  return { rows: n, cols, data };
}

const N = 60;
const LATENT: Matrix = { rows: N, cols: 6, data: normals(N * 6, 7) };
const REGIONS = [responses(LATENT, 5, 101), responses(LATENT, 8, 202, 3), responses(LATENT, 3, 303, -1)];
const SPLITS = kFoldSplits(N, 5);
const ALPHAS = [0.1, 1, 10, 100, 1000];

/** Runs every region through one estimator twice: shared preparations (counted) and from scratch. */
function compareSharedAndUnshared(model: Matrix, estimator: Estimator, direction: Direction = 'model_to_brain') {
  assert.ok(isSharingEstimator(estimator));
  const sharing = estimator as SharingEstimator;
  let prepared = 0;
  let gramsMade = 0;
  let fullGram: Matrix | undefined;
  const byPredictors = new Map<Matrix, unknown[]>();
  const preparedSplit = (predictors: Matrix) => (index: number, split: Split) => {
    const folds = byPredictors.get(predictors) ?? byPredictors.set(predictors, []).get(predictors)!;
    return (folds[index] ??= (prepared++, sharing.prepare(predictors, split, () => (predictors === model ? (fullGram ??= (gramsMade++, centredRowGram(model))) : centredRowGram(predictors)))));
  };
  let worst = 0;
  for (const region of REGIONS) {
    const predictors = direction === 'model_to_brain' ? model : region;
    const shared = crossValidatedEncoding(model, region, SPLITS, estimator, { direction, preparedSplit: preparedSplit(predictors) });
    const alone = crossValidatedEncoding(model, region, SPLITS, estimator, { direction });
    for (let s = 0; s < SPLITS.length; s++) {
      const a = shared.splits[s]!.perTarget;
      const b = alone.splits[s]!.perTarget;
      assert.equal(a.length, b.length);
      for (let j = 0; j < a.length; j++) {
        assert.ok(Number.isFinite(a[j]!) && Number.isFinite(b[j]!), `split ${s} unit ${j}: finite scores`);
        worst = Math.max(worst, Math.abs(a[j]! - b[j]!));
      }
      assert.deepEqual(shared.splits[s]!.info.alpha, alone.splits[s]!.info.alpha, `split ${s}: same chosen α`);
    }
  }
  assert.ok(worst <= 1e-10, `largest per-unit difference ${worst}`);
  return { prepared, gramsMade };
}

test('LOO RidgeCV, eigen mode (n ≤ p): one decomposition per split for three regions, scores as unshared', () => {
  const model = responses(LATENT, 90, 11, 5); // 48 training rows < 90 units; offset 5 as ReLU-like means
  assert.equal(ridgeCvLooEstimator({ alphas: ALPHAS }).fitPredict(selectRows(model, SPLITS[0]!.train), selectRows(REGIONS[0]!, SPLITS[0]!.train), selectRows(model, SPLITS[0]!.test)).info.looMode, 'eigen');
  const shared = compareSharedAndUnshared(model, ridgeCvLooEstimator({ alphas: ALPHAS }));
  assert.deepEqual(shared, { prepared: SPLITS.length, gramsMade: 1 });
  compareSharedAndUnshared(model, ridgeCvLooEstimator({ alphas: ALPHAS, alphaPerTarget: true }));
});

test('LOO RidgeCV, SVD mode (n > p): one decomposition per split for three regions, scores as unshared', () => {
  const model = responses(LATENT, 20, 12, 2);
  assert.deepEqual(compareSharedAndUnshared(model, ridgeCvLooEstimator({ alphas: ALPHAS })), { prepared: SPLITS.length, gramsMade: 0 });
  compareSharedAndUnshared(model, ridgeCvLooEstimator({ alphas: ALPHAS, alphaPerTarget: true, mode: 'svd' }));
  // eigen mode forced with n > p: the kernel route of the shared path is used and still agrees.
  compareSharedAndUnshared(model, ridgeCvLooEstimator({ alphas: ALPHAS, mode: 'eigen' }));
});

test('LOO RidgeCV brain → model: the region is the predictor and its decomposition is shared', () => {
  const model = responses(LATENT, 30, 13);
  compareSharedAndUnshared(model, ridgeCvLooEstimator({ alphas: ALPHAS }), 'brain_to_model');
});

test('inner k-fold α: dual route (p > n) and primal route (p ≤ n), per-target and shared α, scores as unshared', () => {
  const wide = responses(LATENT, 90, 14, 4);
  const narrow = responses(LATENT, 12, 15, 1);
  for (const localAlpha of [true, false]) {
    for (const model of [wide, narrow]) {
      const counts = compareSharedAndUnshared(model, ridgeCvKFoldEstimator({ alphas: ALPHAS, folds: 4, localAlpha }));
      assert.equal(counts.prepared, SPLITS.length);
      assert.equal(counts.gramsMade, model === wide ? 1 : 0);
    }
  }
});

test('fold kernels equal the Gram of the training-centred rows, whatever the column offsets', () => {
  for (const offset of [0, 1e3]) {
    const x = responses(LATENT, 40, 16, offset);
    const split = SPLITS[3]!;
    const kernels = foldKernels(centredRowGram(x), split.train, split.test);
    const { centered, means } = centerColumns(selectRows(x, split.train));
    const wantTrain = gram(centered);
    const wantCross = multiplyTransposed(subtractRowVector(selectRows(x, split.test), means), centered);
    const scale = Math.max(...wantTrain.data.map(Math.abs));
    const worst = (got: Matrix, want: Matrix) => got.data.reduce((m, v, i) => Math.max(m, Math.abs(v - want.data[i]!)), 0) / scale;
    assert.ok(worst(kernels.train, wantTrain) < 1e-13, `train kernel, offset ${offset}`);
    assert.ok(worst(kernels.cross, wantCross) < 1e-13, `cross kernel, offset ${offset}`);
  }
});

test('regression family: two regions, both directions — values as the unshared encoding, Gram made once per layer', async () => {
  const model = responses(LATENT, 90, 17, 5);
  const calls = new Map<string, number>();
  const store = new Map<string, unknown>();
  const context: RunContext = {
    spec: { baseDir: '.' },
    signal: new AbortController().signal,
    progress() {},
    shared: {
      get<T>(key: string, compute: () => T): T {
        if (!store.has(key)) (store.set(key, compute()), calls.set(key, (calls.get(key) ?? 0) + 1));
        return store.get(key) as T;
      },
    },
    warn() {},
  };
  const rep = (role: 'model' | 'brain', name: string, m: Matrix): LoadedRepresentation => ({ name, role, kind: 'responses', stimuli: N, subjects: [{ responses: m }], hasSubjects: false, file: `${name}.npy` });
  const comparison: ComparisonSpec = {
    name: 'ridge',
    metric: 'regression',
    params: { method: 'ridge', alphas: ALPHAS, direction: 'both', cv: { scheme: 'kfold', folds: 5 } },
    layers: [],
    regions: [],
    statistics: { noiseCeiling: false, test: 'one-sided' },
    index: 0,
  } as ComparisonSpec;
  for (const [r, region] of REGIONS.slice(0, 2).entries()) {
    const score = await regressionRunner.run(comparison, rep('model', 'layer', model), rep('brain', `region${r}`, region), context);
    const details = score.details as Record<Direction, { value: number; perTarget: number[] }>;
    for (const direction of ['model_to_brain', 'brain_to_model'] as const) {
      const alone = crossValidatedEncoding(model, region, SPLITS, ridgeCvLooEstimator({ alphas: ALPHAS }), { direction });
      assert.ok(Math.abs(details[direction].value - alone.mean) <= 1e-10, `${direction} region ${r}`);
      details[direction].perTarget.forEach((v, j) => assert.ok(Math.abs(v - alone.perTargetMean[j]!) <= 1e-10));
    }
  }
  assert.deepEqual(
    [...calls].filter(([k]) => k.startsWith('gram:centred:')),
    [['gram:centred:model:layer', 1]], // SVD mode for the narrow regions: no Gram needed (the key is the one every metric shares, runner.ts sharedCentredGram)
  );
});

test('shared path: a split with one training row and non-finite targets are clear errors, as unshared', () => {
  const model = responses(LATENT, 20, 18);
  const estimator = ridgeCvLooEstimator({ alphas: ALPHAS }) as SharingEstimator;
  const preparedSplit = (_: number, split: Split) => estimator.prepare(model, split, () => centredRowGram(model));
  const tiny: Split[] = [{ train: Int32Array.of(0), test: Int32Array.of(1, 2) }];
  assert.throws(() => crossValidatedEncoding(model, REGIONS[0]!, tiny, estimator, { preparedSplit }), (e: Error) => e.name === 'SimspecError' && /only 1 training row/.test(e.message));
  const bad = { ...REGIONS[0]!, data: Float64Array.from(REGIONS[0]!.data) };
  bad.data[7] = NaN;
  assert.throws(() => crossValidatedEncoding(model, bad, SPLITS, estimator, { preparedSplit, names: { brain: 'V4' } }), (e: Error) => e.name === 'SimspecError' && /NaN at row 1, column 2/.test(e.message));
});
