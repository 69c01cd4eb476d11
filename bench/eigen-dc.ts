/**
 * eigh with divide-and-conquer eigenvectors vs QL-rotation eigenvectors (engine/linalg/wasm/eigen.ts,
 * docs/performance.md §3.1), same matrices, interleaved in one process so a loaded machine affects
 * both alike. Prints wall and CPU medians (CPU is the steadier figure on a shared machine).
 *
 *   npx tsx bench/eigen-dc.ts [n ...]        (default 200 300 500 1000)
 */
import { kernelVariant, setKernelMode, symmetricEigen } from '../engine/linalg/wasm';
import { eigenBlocking, setEigenBlocking } from '../engine/linalg/wasm/eigen';
import { loadavg } from 'node:os';

function randomSymmetric(n: number, seed: number): Float64Array {
  let s = seed;
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      s = (s * 16807) % 2147483647;
      const v = s / 2147483647 - 0.5;
      a[i * n + j] = v;
      a[j * n + i] = v;
    }
  }
  return a;
}

const median = (x: number[]): number => [...x].sort((p, q) => p - q)[Math.floor(x.length / 2)]!;
const sizes = process.argv.slice(2).map(Number).filter((x) => x > 0);
setKernelMode('wasm');
const defaults = eigenBlocking();
console.log(`kernels: wasm ${kernelVariant()}; divideConquerMinOrder default ${defaults.divideConquerMinOrder}; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
{
  // Warm-up of both paths (JIT tiers, wasm instances).
  const a = { rows: 300, cols: 300, data: randomSymmetric(300, 3) };
  for (const dc of [0, Infinity]) {
    setEigenBlocking({ divideConquerMinOrder: dc });
    for (let k = 0; k < 3; k++) symmetricEigen(a);
  }
}
console.log('n      DC wall ms  DC CPU ms   QL wall ms  QL CPU ms   QL/DC (CPU)');
for (const n of sizes.length ? sizes : [200, 300, 500, 1000]) {
  const a = { rows: n, cols: n, data: randomSymmetric(n, 11) };
  const reps = n <= 200 ? 15 : n <= 500 ? 7 : 3;
  const wall: Record<'DC' | 'QL', number[]> = { DC: [], QL: [] };
  const cpu: Record<'DC' | 'QL', number[]> = { DC: [], QL: [] };
  for (let r = 0; r < reps; r++) {
    for (const [name, dc] of [['DC', 0], ['QL', Infinity]] as const) {
      setEigenBlocking({ divideConquerMinOrder: dc });
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      symmetricEigen(a);
      const c = process.cpuUsage(c0);
      wall[name].push(performance.now() - t0);
      cpu[name].push((c.user + c.system) / 1000);
    }
  }
  const f = (x: number) => x.toFixed(1).padEnd(12);
  console.log(`${String(n).padEnd(7)}${f(median(wall.DC))}${f(median(cpu.DC))}${f(median(wall.QL))}${f(median(cpu.QL))}${(median(cpu.QL) / median(cpu.DC)).toFixed(2)}`);
}
setEigenBlocking();
setKernelMode(undefined);
