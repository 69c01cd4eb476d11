/**
 * Peak memory of a ridge fit with many model units: 1000 stimuli × 4096 units, 100 targets,
 * 900 train / 100 test rows, fixed α (dual route) and a RidgeCV over 13 α (eigen-mode LOO).
 * The dual/eigen routes never form a 4096×4096 matrix (128 MiB) nor W (4096×100).
 * Run: /usr/bin/time -v npx tsx bench/ridge-memory.ts   (or just npx tsx bench/ridge-memory.ts)
 */
import { NumpyRandomState } from '../engine/stats/random';
import { ridgeFitPredict } from '../engine/metrics/regression/ridge';
import { ridgeCvLooFitPredict } from '../engine/metrics/regression/ridgeCvLoo';
import type { Matrix } from '../engine/core/matrix';

const n = 1000;
const p = 4096;
const q = 100;
const rng = new NumpyRandomState(0);
const random = (rows: number, cols: number): Matrix => ({ rows, cols, data: Float64Array.from({ length: rows * cols }, () => rng.randomSample() - 0.5) });
const x = random(n, p);
const y = random(n, q);
const train = (m: Matrix, from: number, to: number): Matrix => ({ rows: to - from, cols: m.cols, data: m.data.subarray(from * m.cols, to * m.cols) });

const mib = (b: number) => (b / 2 ** 20).toFixed(1);
let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 5);
const before = process.memoryUsage();
console.log(`inputs: X ${mib(x.data.byteLength)} MiB, Y ${mib(y.data.byteLength)} MiB; rss before fits ${mib(before.rss)} MiB`);
console.log(`a p×p matrix would be ${mib(p * p * 8)} MiB`);

let t = performance.now();
const fixed = ridgeFitPredict(train(x, 0, 900), train(y, 0, 900), train(x, 900, 1000), 1);
peakRss = Math.max(peakRss, process.memoryUsage().rss);
console.log(`ridge α=1 (${fixed.info.route}): ${(performance.now() - t).toFixed(0)} ms, rss peak so far ${mib(peakRss)} MiB`);
t = performance.now();
const cv = ridgeCvLooFitPredict(train(x, 0, 900), train(y, 0, 900), train(x, 900, 1000), {
  alphas: [0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30, 100, 300, 1000, 3000, 10000],
});
peakRss = Math.max(peakRss, process.memoryUsage().rss);
clearInterval(sampler);
console.log(`ridgecv LOO (${cv.mode}, α=${cv.alpha}): ${(performance.now() - t).toFixed(0)} ms`);
console.log(`peak rss ${mib(peakRss)} MiB (sampled every 5 ms); heap used now ${mib(process.memoryUsage().heapUsed)} MiB`);
