/**
 * The coverage simulation of the matrix families' bootstrap intervals (docs/metrics.md §2.6), shared
 * by the seeded test (test/engine/inference/coverage.test.ts, small) and the full table
 * (bench/coverage.ts, ≥ 500 datasets per cell).
 *
 * Data: n stimuli × p units, X = Z + E₁ and Y = effect·Z·W/√p + E₂ with Z, E₁, E₂, W standard
 * normal (numpy's RandomState stream, one seed per dataset). effect = 0 is the null (independent
 * networks), effect = 1 a known shared signal. The estimand is the value the metric takes on n
 * stimuli from this population, E[θ̂_n], estimated by the mean point value over `truthDatasets`
 * further datasets. For each of `datasets` simulated datasets the family's runner computes the
 * point value and the interval of `statistics.bootstrap`; we count how often the interval contains
 * E[θ̂_n] (coverage) and the point value itself.
 *
 * `scheme: 'with-replacement'` recomputes the interval the way the runner did before issue 14
 * (randint draws, duplicated stimuli, plain percentile interval), to show the test can fail.
 */
import { selectRows, type Matrix } from '../../engine/core/matrix';
import { runnerFor } from '../../engine/families';
import { forEachBootstrapDraw, percentileInterval } from '../../engine/inference/bootstrap';
import { numpyStandardNormal } from '../../engine/metrics/shape';
import type { LoadedRepresentation, RunContext } from '../../engine/run/types';
import type { ComparisonSpec, MetricFamily, Spec } from '../../engine/spec/types';

export interface CoverageCell {
  metric: MetricFamily;
  params: Record<string, unknown>;
  label: string;
  effect: number;
  stimuli: number;
  units: number;
  datasets: number;
  draws: number;
  truthDatasets: number;
  level: number;
  interval?: 'percentile' | 'bca';
  scheme?: 'simspec' | 'with-replacement';
  seed: number;
}

export interface CoverageResult {
  truth: number;
  coverage: number;
  containsPoint: number;
  meanWidth: number;
  /** Datasets whose interval was undefined (not counted). */
  undefinedIntervals: number;
}

function representation(name: string, role: 'model' | 'brain', m: Matrix): LoadedRepresentation {
  return { name, role, kind: 'responses', stimuli: m.rows, subjects: [{ responses: m }], hasSubjects: false, file: `${name}.npy` };
}

function context(): RunContext {
  const cache = new Map<string, unknown>();
  return {
    spec: { baseDir: '/tmp' } as Spec,
    signal: new AbortController().signal,
    progress: () => {},
    shared: { get: <T>(key: string, compute: () => T): T => (cache.has(key) ? (cache.get(key) as T) : (cache.set(key, compute()), cache.get(key) as T)) },
    warn: () => {},
  };
}

/** One simulated dataset (seeded): X = Z + E₁, Y = effect·Z·W/√p + E₂. */
export function simulatedPair(n: number, p: number, effect: number, seed: number, mixing: Float64Array): { x: Matrix; y: Matrix } {
  const draws = numpyStandardNormal(seed, 3 * n * p);
  const x = new Float64Array(n * p);
  const y = new Float64Array(n * p);
  const scale = effect / Math.sqrt(p);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) {
      const z = (k: number) => draws[i * p + k]!;
      x[i * p + j] = z(j) + draws[n * p + i * p + j]!;
      let mixed = 0;
      if (effect !== 0) for (let k = 0; k < p; k++) mixed += z(k) * mixing[k * p + j]!;
      y[i * p + j] = scale * mixed + draws[2 * n * p + i * p + j]!;
    }
  }
  return { x: { rows: n, cols: p, data: x }, y: { rows: n, cols: p, data: y } };
}

export async function simulateCoverage(cell: CoverageCell): Promise<CoverageResult> {
  const runner = runnerFor(cell.metric)!;
  const mixing = numpyStandardNormal(cell.seed + 999_983, cell.units * cell.units);
  const plain: ComparisonSpec = { name: 'c', metric: cell.metric, params: cell.params, layers: [], regions: [], statistics: { noiseCeiling: false, test: 'two-sided' }, index: 0 };
  const withBootstrap: ComparisonSpec = {
    ...plain,
    statistics: { ...plain.statistics, bootstrap: { over: ['stimuli'], samples: cell.draws, ci: cell.level, seed: 0, ...(cell.interval ? { interval: cell.interval } : {}) } },
  };
  const pointValue = async (x: Matrix, y: Matrix) => (await runner.run(plain, representation('m', 'model', x), representation('b', 'brain', y), context())).value;
  let truth = 0;
  for (let t = 0; t < cell.truthDatasets; t++) {
    const { x, y } = simulatedPair(cell.stimuli, cell.units, cell.effect, cell.seed + 1_000_000 + t, mixing);
    truth += (await pointValue(x, y)) / cell.truthDatasets;
  }
  let covered = 0;
  let contains = 0;
  let width = 0;
  let undefinedIntervals = 0;
  for (let d = 0; d < cell.datasets; d++) {
    const { x, y } = simulatedPair(cell.stimuli, cell.units, cell.effect, cell.seed + d, mixing);
    let value: number;
    let lower: number;
    let upper: number;
    if (cell.scheme === 'with-replacement') {
      value = await pointValue(x, y);
      const values: number[] = [];
      const plan = { samples: cell.draws, seed: d, stimuli: cell.stimuli, subjects: 1, resampleStimuli: true, resampleSubjects: false, order: 'stimuli-first' as const };
      const drawn: Int32Array[] = [];
      forEachBootstrapDraw(plan, (draw) => drawn.push(draw.stimuli!));
      for (const rows of drawn) {
        const v = await pointValue(selectRows(x, rows), selectRows(y, rows));
        if (Number.isFinite(v)) values.push(v);
      }
      ({ lower, upper } = percentileInterval(values, cell.level * 100));
    } else {
      const withSeed = { ...withBootstrap, statistics: { ...withBootstrap.statistics, bootstrap: { ...withBootstrap.statistics.bootstrap!, seed: d } } };
      const score = await runner.run(withSeed, representation('m', 'model', x), representation('b', 'brain', y), context());
      value = score.value;
      if (!score.ci) {
        undefinedIntervals++;
        continue;
      }
      ({ lower, upper } = score.ci);
    }
    if (!(Number.isFinite(lower) && Number.isFinite(upper))) {
      undefinedIntervals++;
      continue;
    }
    if (lower <= truth && truth <= upper) covered++;
    if (lower <= value && value <= upper) contains++;
    width += upper - lower;
  }
  const counted = cell.datasets - undefinedIntervals;
  return { truth, coverage: covered / counted, containsPoint: contains / counted, meanWidth: width / counted, undefinedIntervals };
}
