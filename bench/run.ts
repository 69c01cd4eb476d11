/**
 * `npm run bench` — simspec against the Python peers on this machine (never part of `npm test`).
 *   npx tsx bench/run.ts [--quick] [--only=kernels,W1,W2,W3,W4,W5,W6,load,stream] [--scale=0.25] [--threads=1] [--hugepages]
 * Prints the kernel table (ours vs numpy at the same thread count) and workloads W1–W5 of issue 7
 * and W6 of issue 11, each run by the simspec CLI and by the equivalent peer computation on the same
 * .npy files, with wall times, the ratio peer ÷ simspec, peak RSS, whether the values agree, and a
 * stage breakdown (simspec: the results file's timings.stageMilliseconds, recorded by
 * engine/core/stageTimer.ts under SIMSPEC_STAGE_TIMES=1; peers: their own stage timers); then the
 * .npy load bench (bench/load.ts) and the streaming case (a 4 GB .npy's Gram under a memory bound,
 * peak RSS; bench/stream.ts). The peers run without OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE.
 * Data go to $SIMSPEC_BENCH_DIR (default /tmp/simspec-bench) and are reused across runs.
 * The machine is shared and noisy: read the numbers as ±20 %.
 */
import { cpus, loadavg } from 'node:os';
import { loadBench } from './load';
import { attachNumpy, kernelTable, numpyKernelTimes, pooledKernelRows } from './kernels';
import { closePool } from '../engine/linalg/wasm';
import { findPython, pinnedInEnvironment, PINNING_VARIABLES } from './python';
import { streamBench } from './stream';
import { BENCH_DIR, prepare, runPeers, runSimspec, STAGES, workloads } from './workloads';

const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k!, v ?? 'true'] as const;
  }),
);
const quick = args.has('quick');
const scale = Number(args.get('scale') ?? (quick ? 0.25 : 1));
const threads = Number(args.get('threads') ?? 1);
const only = new Set((args.get('only') ?? 'kernels,W1,W2,W3,W4,W5,W6,load,stream').split(','));

const python = findPython();
const cpu = cpus()[0]?.model ?? 'unknown CPU';
console.log(`machine: ${cpus().length} × ${cpu}; node ${process.version}`);
console.log(
  `peers: ${python.all ? `${python.all.path} numpy ${python.all.numpy}, scipy ${python.all.scipy}, scikit-learn ${python.all.sklearn}` : python.numpyOnly ? `${python.numpyOnly.path} numpy ${python.numpyOnly.numpy} (no scikit-learn: ridge peer skipped)` : 'none (no python3 with numpy)'}`,
);
const core = python.all ?? python.numpyOnly;
const pinned = pinnedInEnvironment();
if (core) {
  console.log(
    `numpy's OpenBLAS core (peers run without ${PINNING_VARIABLES.join(' and ')}): ${core.blasCore ?? 'unknown (not OpenBLAS, or not readable)'}` +
      (pinned.length ? `; removed from the peers' environment: ${pinned.join(' ')}` : ''),
  );
}
console.log(`threads: ${threads} (simspec and OPENBLAS_NUM_THREADS)${args.has('hugepages') ? '; simspec with GLIBC_TUNABLES=glibc.malloc.hugetlb=1' : ''}; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}\n`);

const pad = (s: string, n: number) => s.padEnd(n);
const loadAverage = () => loadavg().map((x) => x.toFixed(1)).join(' ');
const fmt = (x: number | undefined, d = 3) => (x === undefined || Number.isNaN(x) ? '—' : x.toFixed(d));

if (only.has('kernels')) {
  const rows = kernelTable({ quick, modes: ['wasm-fma', 'wasm-simd', 'js'] });
  attachNumpy(rows, numpyKernelTimes(python.all ?? python.numpyOnly, 1, quick));
  console.log('Kernel table (1 thread; ratio = numpy time ÷ ours; numpy: syrk for gram, gemm for xty, LAPACK syevd for eigh)');
  console.log(`${pad('kernel', 16)}${pad('ours', 30)}${pad('time s', 9)}${pad('GF/s', 8)}${pad('numpy s', 9)}ratio`);
  for (const r of rows) console.log(`${pad(r.kernel, 16)}${pad(r.ours, 30)}${pad(fmt(r.seconds), 9)}${pad(fmt(r.gflops, 1), 8)}${pad(fmt(r.numpy), 9)}${fmt(r.ratio, 2)}`);
  console.log('');
  const pooled = pooledKernelRows({ quick, threads: 2 });
  attachNumpy(pooled, numpyKernelTimes(python.all ?? python.numpyOnly, 2, quick));
  console.log('Kernel table, 2 threads (worker pool vs OPENBLAS_NUM_THREADS=2; the two vCPUs do not always scale)');
  for (const r of pooled) console.log(`${pad(r.kernel, 16)}${pad(r.ours, 30)}${pad(fmt(r.seconds), 9)}${pad(fmt(r.gflops, 1), 8)}${pad(fmt(r.numpy), 9)}${fmt(r.ratio, 2)}`);
  console.log('');
  void closePool();
}

const selected = workloads(scale).filter((w) => only.has(w.id));
if (selected.length > 0) {
  console.log(`Workloads (scale ${scale}; times include process start and loading the .npy files)`);
  console.log(`${pad('id', 4)}${pad('simspec s', 11)}${pad('peer s', 9)}${pad('peer÷simspec', 14)}${pad('CPU s (ours/peer)', 19)}${pad('CPU ratio', 11)}${pad('RSS MiB (ours/peer)', 21)}values`);
  for (const w of selected) {
    const { spec, dir } = prepare(w, scale);
    const loadBefore = loadAverage();
    // --hugepages: glibc's malloc asks for transparent huge pages (as numpy does for its arrays), see bench/load.ts.
    const env = { ...process.env, SIMSPEC_THREADS: String(threads), ...(args.has('hugepages') ? { GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1' } : {}) };
    const ours = runSimspec(w, spec, dir, env);
    const peer = runPeers(w, dir, python, threads);
    let agreement = 'no peer';
    if (!ours.ok) agreement = `simspec failed: ${ours.error}`;
    else if (peer && !peer.ok) agreement = `peer failed: ${peer.error}`;
    else if (peer) {
      let worst = 0;
      let compared = 0;
      const missing: string[] = [];
      for (const [key, want] of peer.values) {
        const got = ours.values.get(key);
        // '#' keys (interval ends, standard errors) are compared where both sides report them.
        if (key.includes('#') && got === undefined) continue;
        if (got === undefined) {
          missing.push(key);
          continue;
        }
        compared++;
        worst = Math.max(worst, Math.abs(got - want) / Math.max(1, Math.abs(want)));
      }
      agreement = `${worst <= w.tolerance && missing.length === 0 ? 'agree' : 'DIFFER'} (${compared} values, max rel diff ${worst.toExponential(1)}${missing.length ? `, missing ${missing.join(' ')}` : ''})`;
    }
    const ratio = peer?.ok && ours.ok ? peer.seconds / ours.seconds : undefined;
    const cpuRatio = peer?.ok && ours.ok ? peer.cpuSeconds / ours.cpuSeconds : undefined;
    console.log(
      `${pad(w.id, 4)}${pad(fmt(ours.seconds, 2), 11)}${pad(fmt(peer?.seconds, 2), 9)}${pad(fmt(ratio, 2), 14)}${pad(`${fmt(ours.cpuSeconds, 1)}/${fmt(peer?.cpuSeconds, 1)}`, 19)}${pad(fmt(cpuRatio, 2), 11)}${pad(`${fmt(ours.peakMiB, 0)}/${fmt(peer?.peakMiB, 0)}`, 21)}${agreement}`,
    );
    console.log(`    ${w.title} (load average before/after: ${loadBefore} / ${loadAverage()})`);
    const stageLine = (who: string, t: { stages: Record<string, number> } | undefined) =>
      t && Object.keys(t.stages).length ? `    ${who.padEnd(8)}${STAGES.filter((s) => t.stages[s] !== undefined).map((s) => `${s} ${fmt(t.stages[s], 2)}`).join(' · ')}` : undefined;
    for (const line of [stageLine('simspec', ours), stageLine('peer', peer)]) if (line) console.log(line);
    if (w.note) console.log(`    note: ${w.note}`);
  }
}

if (only.has('load')) {
  console.log(`\n${loadBench(1000, quick ? 10000 : 40000, 3, BENCH_DIR, python.all ?? python.numpyOnly)}`);
}

if (only.has('stream')) {
  void (async () => {
    const cols = quick ? 50000 : 500000; // 1000 × 500 000 × 8 B = 4 GB
    console.log(`\n${await streamBench(1000, cols, 256 * 2 ** 20, BENCH_DIR)}`);
  })();
}
