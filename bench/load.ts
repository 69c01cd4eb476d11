/**
 * Load bench: a 320 MB .npy (1000 × 40 000 float64) loaded by numpy.load and by simspec, each in a
 * fresh child process under /usr/bin/time (peak RSS), after one untimed read so the file is in the
 * page cache for everyone. simspec is measured three ways:
 *   before  — the previous path: readFile into a Buffer, decodeNpy copies into a Float64Array, then
 *             the separate non-finite scan engine/run/load.ts does (`firstNonFinite`);
 *   after   — readNpy straight into the Float64Array, then the same separate scan;
 *   fused   — readNpy with check: 'finite' (the scan runs on each block while the next is read).
 *   npx tsx bench/load.ts [--rows=1000] [--cols=40000] [--repeats=3]
 * Times are the best of `repeats` fresh processes loading once (process start excluded); peak RSS the largest.
 * Where the time goes: reading from the page cache runs at several GB/s for both; what remains is
 * first-touch page faults on the freshly allocated result (numpy avoids most of them with huge
 * pages, which V8 does not request), so the "before" path, which filled two fresh 320 MB buffers,
 * paid them twice. On Linux with glibc ≥ 2.35, GLIBC_TUNABLES=glibc.malloc.hugetlb=1 in the
 * environment of the node process makes malloc request huge pages too; the last rows show it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { decodeNpy, readNpy } from '../engine/io/npy';
import { writeNpy } from '../engine/io/npyWriter';
import { peerEnvironment, type PythonInfo } from './python';

/** The scan engine/run/load.ts runs after loading (its `firstNonFinite`, responses: NaN not allowed). */
function separateScan(data: Float64Array): number {
  for (let k = 0; k < data.length; k++) if (!Number.isFinite(data[k]!)) return k;
  return -1;
}

async function child(path: string, mode: string, repeats: number): Promise<void> {
  let best = Infinity;
  let checksum = 0;
  for (let r = 0; r < repeats; r++) {
    const t = performance.now();
    let data: Float64Array;
    let bad: number;
    if (mode === 'before') {
      data = decodeNpy(await readFile(path), path).data;
      bad = separateScan(data);
    } else if (mode === 'after') {
      data = (await readNpy(path)).data;
      bad = separateScan(data);
    } else {
      const got = await readNpy(path, { check: 'finite' });
      data = got.data;
      bad = got.firstNonFinite!;
    }
    best = Math.min(best, (performance.now() - t) / 1000);
    checksum = data[data.length - 1]! + data[0]! + bad;
  }
  console.log(JSON.stringify({ seconds: best, checksum }));
}

function timedChild(command: string, args: string[], env: NodeJS.ProcessEnv): { seconds: number; peakMiB: number } {
  const run = spawnSync('/usr/bin/time', ['-f', '@@time %e %M', command, ...args], { env, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (run.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${run.stderr}`);
  const peak = /@@time [\d.]+ (\d+)/.exec(run.stderr);
  const out = JSON.parse(run.stdout.trim().split('\n').pop()!) as { seconds: number };
  return { seconds: out.seconds, peakMiB: peak ? Number(peak[1]) / 1024 : NaN };
}

/** Fastest of `repeats` fresh processes (one load each), with the largest peak RSS among them. */
function bestOf(repeats: number, run: () => { seconds: number; peakMiB: number }): { seconds: number; peakMiB: number } {
  let best = { seconds: Infinity, peakMiB: 0 };
  for (let r = 0; r < repeats; r++) {
    const got = run();
    best = { seconds: Math.min(best.seconds, got.seconds), peakMiB: Math.max(best.peakMiB, got.peakMiB) };
  }
  return best;
}

const NUMPY_LOAD = [
  'import sys, time, json, numpy as np',
  'best = 1e9',
  'for _ in range(int(sys.argv[2])):',
  '    t = time.perf_counter(); x = np.load(sys.argv[1]); ok = bool(np.isfinite(x).all()); best = min(best, time.perf_counter() - t)',
  'print(json.dumps({"seconds": best}))',
].join('\n');

const NUMPY_LOAD_ONLY = NUMPY_LOAD.replace('; ok = bool(np.isfinite(x).all())', '');

/**
 * numpy asks the kernel for transparent huge pages on large arrays (madvise); V8 cannot, so every
 * fresh Float64Array is faulted in 4 KiB at a time. This row shows what numpy pays without them.
 */
const NUMPY_LOAD_NO_HUGEPAGES = NUMPY_LOAD_ONLY.replace('best = 1e9', 'np.core.multiarray._set_madvise_hugepage(False)\nbest = 1e9');

export function loadBench(rows: number, cols: number, repeats: number, dir: string, python: PythonInfo | undefined): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `load-${rows}x${cols}.npy`);
  if (!existsSync(path) || statSync(path).size < rows * cols * 8) {
    const data = new Float64Array(rows * cols);
    let s = 88172645;
    for (let i = 0; i < data.length; i++) { s ^= s << 13; s ^= s >>> 17; s ^= s << 5; data[i] = (s >>> 0) / 2 ** 32 - 0.5; }
    writeNpy(path, [rows, cols], data);
  }
  readFileSync(path); // into the page cache
  const mb = (rows * cols * 8) / 1e6;
  const lines = [`Load (${rows}×${cols} float64, ${mb.toFixed(0)} MB .npy, page cache warm; best of ${repeats} fresh processes, one load each; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')})`];
  lines.push(`${'reader'.padEnd(58)}${'s'.padEnd(8)}${'GB/s'.padEnd(7)}peak RSS MiB`);
  const row = (name: string, r: { seconds: number; peakMiB: number }) =>
    lines.push(`${name.padEnd(58)}${r.seconds.toFixed(3).padEnd(8)}${(mb / 1e3 / r.seconds).toFixed(2).padEnd(7)}${r.peakMiB.toFixed(0)}`);
  if (python) {
    const env = peerEnvironment(1);
    row('numpy.load', bestOf(repeats, () => timedChild(python.path, ['-c', NUMPY_LOAD_ONLY, path, '1'], env)));
    row('numpy.load + np.isfinite(x).all()', bestOf(repeats, () => timedChild(python.path, ['-c', NUMPY_LOAD, path, '1'], env)));
    row('numpy.load without huge pages (as V8 allocates)', bestOf(repeats, () => timedChild(python.path, ['-c', NUMPY_LOAD_NO_HUGEPAGES, path, '1'], env)));
  }
  const self = [join(__dirname, '..', 'node_modules', 'tsx', 'dist', 'cli.mjs'), __filename, '--child'];
  row('simspec before: readFile + decodeNpy copy + separate scan', bestOf(repeats, () => timedChild(process.execPath, [...self, path, 'before', '1'], process.env)));
  row('simspec after: readNpy in place + separate scan', bestOf(repeats, () => timedChild(process.execPath, [...self, path, 'after', '1'], process.env)));
  row("simspec after: readNpy in place, check 'finite' fused", bestOf(repeats, () => timedChild(process.execPath, [...self, path, 'fused', '1'], process.env)));
  if (process.platform === 'linux') {
    // glibc ≥ 2.35 can madvise its large mmap'd chunks for huge pages (what numpy does itself); V8
    // allocates array buffers through malloc, so this environment variable gives node the same.
    const hugepages = { ...process.env, GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1' };
    row('simspec after + GLIBC_TUNABLES=glibc.malloc.hugetlb=1', bestOf(repeats, () => timedChild(process.execPath, [...self, path, 'after', '1'], hugepages)));
    row('simspec before + GLIBC_TUNABLES=glibc.malloc.hugetlb=1', bestOf(repeats, () => timedChild(process.execPath, [...self, path, 'before', '1'], hugepages)));
  }
  return lines.join('\n');
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child') {
    void child(argv[1]!, argv[2]!, Number(argv[3]));
  } else {
    const opt = (name: string, fallback: number) => Number(argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { findPython } = require('./python') as typeof import('./python');
    const found = findPython();
    console.log(loadBench(opt('rows', 1000), opt('cols', 40000), opt('repeats', 3), process.env.SIMSPEC_BENCH_DIR ?? '/tmp/simspec-bench', found.all ?? found.numpyOnly));
  }
}
