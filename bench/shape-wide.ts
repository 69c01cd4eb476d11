// Wide shape-metric benchmark: `npx tsx bench/shape-wide.ts [n] [p] [q] [--end-to-end]` (default 1000 50000 500).
// An orthogonal-group (Procrustes) distance between an n × p and an n × q network. A p × p route
// (netrep) would need p² doubles (20 GB at p = 50000); the Gram route (docs/metrics.md §4.5) needs
// the input plus a few n × n matrices. Prints wall time per phase and peak RSS. Not part of npm test.
import type { Matrix } from '../engine/core/matrix';
import { alignFactors, factorizeNetwork, shapeDistance, trainingLinearScore } from '../engine/metrics/shape';

const sizes = process.argv.slice(2).filter((a) => !a.startsWith('--')).map(Number);
const [n, p, q] = sizes.concat([1000, 50000, 500].slice(sizes.length));

/** Shared 20-dimensional latent signal plus noise, with column offsets, from a fast xorshift. */
function structured(rows: number, cols: number, latent: Float64Array, seed: number): Matrix {
  let state = seed >>> 0 || 1;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296 - 0.5;
  };
  const k = 20;
  const loadings = new Float64Array(k * cols).map(() => next());
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      let s = 0.3 * next() + 0.01 * j;
      for (let c = 0; c < k; c++) s += latent[i * k + c]! * loadings[c * cols + j]!;
      data[i * cols + j] = s;
    }
  }
  return { rows, cols, data };
}

/** Wall and CPU seconds since a mark (CPU time is what counts on a machine shared with other jobs). */
function since(mark: { wall: number; cpu: NodeJS.CpuUsage }): string {
  const cpu = process.cpuUsage(mark.cpu);
  return `${((performance.now() - mark.wall) / 1000).toFixed(1)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU`;
}
const markNow = () => ({ wall: performance.now(), cpu: process.cpuUsage() });

function mb(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(0)} MB`;
}

let seed = 7;
const latent = new Float64Array(n! * 20).map(() => ((seed = (seed * 16807) % 2147483647) / 2147483647) - 0.5);
let t = markNow();
const x = structured(n!, p!, latent, 1);
const y = structured(n!, q!, latent, 2);
console.log(`data: X ${n}×${p} (${mb(x.data.byteLength)}), Y ${n}×${q} (${mb(y.data.byteLength)}) in ${since(t)}`);
console.log(`a p × p scatter matrix would need ${mb(p! * p! * 8)}`);

t = markNow();
const fx = factorizeNetwork(x);
console.log(`factor X: route ${fx.route}, rank ${fx.rank}, ${since(t)}`);
t = markNow();
const fy = factorizeNetwork(y);
console.log(`factor Y: route ${fy.route}, rank ${fy.rank}, ${since(t)}`);
t = markNow();
const al = alignFactors(fx, fy, 1, Math.max(p!, q!));
const angular = trainingLinearScore(al, 'angular');
console.log(`pair (U_xᵀU_y, SVD of ${fx.rank}×${fy.rank}): ${since(t)}`);
console.log(`orthogonal angular distance: ${angular.toFixed(6)}`);
if (process.argv.includes('--end-to-end')) {
t = markNow();
const whole = shapeDistance(x, y, { group: 'orthogonal' });
console.log(`shapeDistance end to end: ${since(t)}, distance ${whole.distance.toFixed(6)}, routes ${whole.route.x}/${whole.route.y}`);
}
console.log(`peak RSS: ${mb(process.resourceUsage().maxRSS * 1024)}`);
