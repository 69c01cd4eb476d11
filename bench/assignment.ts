// Linear-assignment and exact-transport timings: `npx tsx bench/assignment.ts`, on uniform random
// costs (a hard case for shortest-augmenting-path solvers). Prints CPU seconds (the machine may be
// shared). Not part of npm test.
import { solveLinearAssignment, solveTransport } from '../engine/metrics/common/assignment';
import { NumpyRandomState } from '../engine/stats/random';

function cpuSeconds<T>(f: () => T): [T, number] {
  const start = process.cpuUsage();
  const out = f();
  const used = process.cpuUsage(start);
  return [out, (used.user + used.system) / 1e6];
}

const rng = new NumpyRandomState(0);
for (const n of [100, 300, 1000, 2000]) {
  const cost = { rows: n, cols: n, data: new Float64Array(n * n).map(() => rng.randomSample()) };
  const [r, t] = cpuSeconds(() => solveLinearAssignment(cost));
  console.log(`LSAP ${n}×${n} uniform: ${t.toFixed(2)} s CPU (total ${r.total.toFixed(4)})`);
}
for (const [p, q] of [[100, 150], [300, 200], [500, 700]] as const) {
  const cost = { rows: p, cols: q, data: new Float64Array(p * q).map(() => rng.randomSample()) };
  const [r, t] = cpuSeconds(() => solveTransport(cost, new Array(p).fill(q), new Array(q).fill(p)));
  console.log(`exact OT ${p}×${q} uniform marginals: ${t.toFixed(2)} s CPU, ${r.augmentations} augmentations`);
}
