/**
 * Streaming bench: a 4 GB activation file (n = 1000 stimuli × p = 500 000 units, float64, C order)
 * written to $SIMSPEC_BENCH_DIR once, row by row, then its Gram matrix accumulated over column
 * blocks (engine/io/stream.ts) in a child process whose peak RSS is measured by /usr/bin/time.
 * Checks a few Gram entries against dot products of rows read directly.
 *   npx tsx bench/stream.ts [--rows=1000] [--cols=500000] [--memory=268435456]
 * The child mode (`--child PATH MEMORY`) prints JSON with the seconds and sampled entries.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { readNpyRows } from '../engine/io/npy';
import { streamGram } from '../engine/io/stream';

const argv = process.argv.slice(2);
const opt = (name: string, fallback: number) => Number(argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);

/** A format-1.0 '<f8' C-order header, padded to 64 bytes as numpy writes it. */
function npyHeader(rows: number, cols: number): Uint8Array {
  let header = `{'descr': '<f8', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
  header += ' '.repeat((64 - ((11 + header.length) % 64)) % 64) + '\n';
  const bytes = new Uint8Array(10 + header.length);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(bytes.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) bytes[10 + i] = header.charCodeAt(i);
  return bytes;
}

function writeBigNpy(path: string, rows: number, cols: number): void {
  if (existsSync(path) && statSync(path).size > rows * cols * 8) return;
  const fd = openSync(path, 'w');
  writeSync(fd, npyHeader(rows, cols));
  const row = new Float64Array(cols);
  let s = 2463534242;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      row[j] = (s >>> 0) / 2 ** 32 - 0.5 + (j % 7) * 0.01;
    }
    writeSync(fd, new Uint8Array(row.buffer));
  }
  closeSync(fd);
}

async function child(path: string, memory: number): Promise<void> {
  const t = performance.now();
  const g = await streamGram(path, { memoryBytes: memory });
  const seconds = (performance.now() - t) / 1000;
  const n = g.rows;
  const picks = [[0, 0], [0, 1], [n - 1, n - 2], [Math.floor(n / 2), 3]];
  console.log(JSON.stringify({ seconds, n, entries: picks.map(([i, j]) => [i, j, g.data[i! * n + j!]]) }));
}

export async function streamBench(rows: number, cols: number, memory: number, dir: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `big-${rows}x${cols}.npy`);
  let t = performance.now();
  writeBigNpy(path, rows, cols);
  const writeSeconds = (performance.now() - t) / 1000;
  t = performance.now();
  const run = spawnSync('/usr/bin/time', ['-f', '@@time %e %M', process.execPath, '--import', 'tsx', __filename, '--child', path, String(memory)], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
    env: process.env,
  });
  const m = /@@time ([\d.]+) (\d+)/.exec(run.stderr ?? '');
  if (run.status !== 0 || !m) return `stream: failed: ${(run.stderr ?? '').trim().split('\n').slice(-3).join(' | ')}`;
  const result = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { seconds: number; n: number; entries: Array<[number, number, number]> };
  let worst = 0;
  for (const [i, j, v] of result.entries) {
    const a = (await readNpyRows(path, i, 1)).data as Float64Array;
    const b = (await readNpyRows(path, j, 1)).data as Float64Array;
    let dot = 0;
    for (let k = 0; k < cols; k++) dot += a[k]! * b[k]!;
    worst = Math.max(worst, Math.abs(dot - v) / Math.max(1, Math.abs(dot)));
  }
  const gb = statSync(path).size / 1e9;
  return (
    `stream: ${gb.toFixed(2)} GB file (${rows}×${cols} f64${writeSeconds > 0.5 ? `, written in ${writeSeconds.toFixed(0)} s` : ''}); ` +
    `Gram in ${result.seconds.toFixed(1)} s (process ${m[1]} s), peak RSS ${(Number(m[2]) / 1024).toFixed(0)} MiB with memory bound ${(memory / 2 ** 20).toFixed(0)} MiB; ` +
    `sampled entries vs direct dot products: max rel diff ${worst.toExponential(1)}`
  );
}

if (require.main === module) {
  if (argv[0] === '--child') {
    void child(argv[1]!, Number(argv[2]));
  } else {
    void streamBench(opt('rows', 1000), opt('cols', 500000), opt('memory', 256 * 2 ** 20), process.env.SIMSPEC_BENCH_DIR ?? '/tmp/simspec-bench').then((line) => console.log(line));
  }
}
