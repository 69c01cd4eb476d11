/**
 * Coverage of the matrix families' bootstrap intervals (docs/metrics.md §2.6; issue 14): for each
 * family (Procrustes shape distance, unbiased and biased linear CKA, SVCCA, mutual k-NN) and each
 * scenario (null: independent networks; effect: a shared signal), `--datasets` seeded simulated
 * datasets (default 500), each with a `--draws`-draw bootstrap (default 200); prints the estimand
 * E[θ̂_n], the coverage of the nominal 95% interval, how often the interval contains the point
 * value, the mean width, and whether the coverage is in the stated band [0.90, 0.99].
 *
 *   npx tsx bench/coverage.ts                              # the table of docs/metrics.md §2.6 (~15–30 min on 2 busy cores)
 *   npx tsx bench/coverage.ts --datasets=100 --draws=100   # a quick look
 *   npx tsx bench/coverage.ts --interval=bca               # BCa instead of percentile
 *   npx tsx bench/coverage.ts --scheme=with-replacement    # the pre-issue-14 resampling, for contrast
 *   npx tsx bench/coverage.ts --only=cka,cca --truth=1000  # some families; E[θ̂_n] from 1000 datasets
 * The simulation itself is test/helpers/coverage.ts (also run, smaller, by test/engine/inference/coverage.test.ts).
 */
import { simulateCoverage } from '../test/helpers/coverage';
import type { MetricFamily } from '../engine/spec/types';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const datasets = Number(args.get('datasets') ?? 500);
const draws = Number(args.get('draws') ?? 200);
const interval = (args.get('interval') ?? 'percentile') as 'percentile' | 'bca';
const scheme = (args.get('scheme') ?? 'simspec') as 'simspec' | 'with-replacement';
const only = args.get('only')?.split(',');
const truthDatasets = Number(args.get('truth') ?? 2000);
const stimuli = Number(args.get('stimuli') ?? 60);
const units = Number(args.get('units') ?? 10);
const BAND = [0.9, 0.99] as const;

const families: { metric: MetricFamily; params: Record<string, unknown>; label: string }[] = [
  { metric: 'shape', params: { group: 'orthogonal' }, label: 'shape: Procrustes (orthogonal)' },
  { metric: 'cka', params: {}, label: 'CKA: linear, unbiased' },
  { metric: 'cka', params: { estimator: 'biased' }, label: 'CKA: linear, biased' },
  { metric: 'cca', params: { method: 'svcca', components: 5 }, label: 'CCA: SVCCA, 5 components' },
  { metric: 'knn', params: { k: 5 }, label: 'k-NN: mutual, k = 5' },
];

async function main(): Promise<void> {
  console.log(`coverage of nominal 95% ${scheme === 'simspec' ? interval : 'with-replacement percentile (pre-issue-14)'} intervals: ${stimuli} stimuli × ${units} units, ${datasets} datasets per row, ${draws} draws each, E[θ̂_n] from ${truthDatasets} datasets; band [${BAND.join(', ')}]`);
  console.log(['family'.padEnd(32), 'scenario', 'E[θ̂_n]'.padStart(9), 'coverage'.padStart(9), 'contains θ̂'.padStart(11), 'width'.padStart(8), 'in band', 'seconds'].join('  '));
  for (const family of families) {
    if (only && !only.includes(family.metric)) continue;
    for (const effect of [0, 1]) {
      const started = Date.now();
      const r = await simulateCoverage({ ...family, effect, stimuli, units, datasets, draws, truthDatasets, level: 0.95, interval, scheme, seed: 14 });
      const inBand = r.coverage >= BAND[0] && r.coverage <= BAND[1];
      console.log(
        [
          family.label.padEnd(32),
          (effect === 0 ? 'null' : 'effect').padEnd(8),
          r.truth.toFixed(4).padStart(9),
          r.coverage.toFixed(3).padStart(9),
          r.containsPoint.toFixed(3).padStart(11),
          r.meanWidth.toFixed(4).padStart(8),
          (inBand ? 'yes' : r.coverage > BAND[1] ? 'over' : 'NO').padEnd(7),
          ((Date.now() - started) / 1000).toFixed(0).padStart(7),
        ].join('  ') + (r.undefinedIntervals ? `  (${r.undefinedIntervals} undefined)` : ''),
      );
    }
  }
}

void main();
