/**
 * Shared by the hostile-input tests: run the built CLI as a child with a small V8 heap, a time
 * limit and a measured peak RSS, and assert what every hostile case must show — the expected exit
 * code, a message naming the file (or key) and what was expected, no stack trace.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { deflateRawSync, deflateSync } from 'node:zlib';

const MEASURED = resolve(__dirname, 'measured.cjs');
/** Every case must end within this (the test fails otherwise; the child is killed). */
export const TIME_LIMIT_MS = 10_000;
/** Peak resident memory allowed for one case (node itself takes about 50 MB). */
export const RSS_LIMIT_KB = 400 * 1024;

export interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
  milliseconds: number;
  maxRssKb: number;
  timedOut: boolean;
}

export function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'simspec-hostile-'));
}

/** The CLI in a child: heap capped at 512 MB, killed after TIME_LIMIT_MS. */
export function simspec(args: string[], options: { cwd?: string; env?: Record<string, string | undefined> } = {}): Promise<Outcome> {
  return new Promise((resolvePromise) => {
    const started = Date.now();
    const env = { ...process.env, ...options.env };
    for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
    const child = spawn(process.execPath, ['--max-old-space-size=512', MEASURED, ...args], { cwd: options.cwd ?? process.cwd(), env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, TIME_LIMIT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      const match = /\n@@maxrss (\d+)\n$/.exec(stderr);
      resolvePromise({ code, stdout, stderr: match ? stderr.slice(0, match.index) : stderr, milliseconds: Date.now() - started, maxRssKb: match ? Number(match[1]) : NaN, timedOut });
    });
  });
}

/** Exit code, bounded time and memory, no stack trace, and each pattern found in the output. */
export function assertClean(outcome: Outcome, code: number, ...patterns: RegExp[]): void {
  const output = `${outcome.stdout}\n${outcome.stderr}`;
  assert.equal(outcome.timedOut, false, `took over ${TIME_LIMIT_MS} ms:\n${output}`);
  assert.equal(outcome.code, code, `exit code ${outcome.code}, expected ${code}:\n${output}`);
  assert.doesNotMatch(output, /\n\s+at .+(:\d+:\d+\)?|\(native\))/, `stack trace in output:\n${output}`);
  assert.doesNotMatch(output, /internal error/, output);
  assert.ok(outcome.maxRssKb < RSS_LIMIT_KB, `peak RSS ${outcome.maxRssKb} kB over ${RSS_LIMIT_KB} kB`);
  for (const pattern of patterns) assert.match(output, pattern);
}

// ---- generators ---------------------------------------------------------------------------------

/** A .npy file (format 1.0) of float64 values in C order. */
export function npy(shape: number[], values: ArrayLike<number>): Buffer {
  let header = `{'descr': '<f8', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  header += ' '.repeat(64 - ((10 + header.length + 1) % 64)) + '\n';
  const head = Buffer.alloc(10);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(head);
  head.writeUInt16LE(header.length, 8);
  const data = Buffer.alloc(values.length * 8);
  for (let i = 0; i < values.length; i++) data.writeDoubleLE(values[i]!, i * 8);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), data]);
}

/** Just the .npy header for `shape` (float64), without data. */
export function npyHeader(shape: number[]): Buffer {
  return npy(shape, []);
}

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) {
    c ^= bytes[i]!;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * A one-member deflated zip (.npz) whose member really inflates to `content`, with the sizes and
 * CRC its headers declare given separately, so that they can lie.
 */
export function npz(name: string, content: Buffer, declared: { size?: number; crc?: number } = {}): Buffer {
  const compressed = deflateRawSync(content, { level: 9 });
  const size = declared.size ?? content.length;
  const crc = declared.crc ?? (content.length <= 1 << 20 ? crc32(content) : 0);
  const fileName = Buffer.from(name, 'utf8');
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(compressed.length, 18);
  local.writeUInt32LE(size, 22);
  local.writeUInt16LE(fileName.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(compressed.length, 20);
  central.writeUInt32LE(size, 24);
  central.writeUInt16LE(fileName.length, 28);
  central.writeUInt32LE(0, 42);
  const cdOffset = local.length + fileName.length + compressed.length;
  const cdSize = central.length + fileName.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(cdSize, 12);
  end.writeUInt32LE(cdOffset, 16);
  return Buffer.concat([local, fileName, compressed, central, fileName, end]);
}

/**
 * A MAT v5 file with one miCOMPRESSED element holding a double matrix `name` of `rows`×`cols`
 * whose inner tag declares `declaredBytes` (default: the true size) — the inflated stream is the
 * true matrix followed by `extraZeros` zero bytes, so that it can inflate past its tag.
 */
export function matCompressed(name: string, rows: number, cols: number, options: { declaredBytes?: number; extraZeros?: number } = {}): Buffer {
  const element = (type: number, data: Buffer) => {
    const tag = Buffer.alloc(8);
    tag.writeUInt32LE(type, 0);
    tag.writeUInt32LE(data.length, 4);
    const padding = Buffer.alloc((8 - (data.length % 8)) % 8);
    return Buffer.concat([tag, data, padding]);
  };
  const flags = Buffer.alloc(8);
  flags.writeUInt32LE(6, 0); // mxDOUBLE_CLASS
  const dims = Buffer.alloc(8);
  dims.writeInt32LE(rows, 0);
  dims.writeInt32LE(cols, 4);
  const values = Buffer.alloc(rows * cols * 8);
  for (let i = 0; i < rows * cols; i++) values.writeDoubleLE(i % 7, i * 8);
  const body = Buffer.concat([element(6, flags), element(5, dims), element(1, Buffer.from(name, 'latin1')), element(9, values)]);
  const tag = Buffer.alloc(8);
  tag.writeUInt32LE(14, 0);
  tag.writeUInt32LE(options.declaredBytes ?? body.length, 4);
  const inflated = Buffer.concat([tag, body, Buffer.alloc(options.extraZeros ?? 0)]);
  const compressed = deflateSync(inflated, { level: 9 });
  const outer = Buffer.alloc(8);
  outer.writeUInt32LE(15, 0);
  outer.writeUInt32LE(compressed.length, 4);
  const header = Buffer.alloc(128, 0x20);
  header.write('MATLAB 5.0 MAT-file, written by the simspec hostile-input tests', 0, 'latin1');
  header.writeUInt16LE(0x0100, 124);
  header.write('IM', 126, 'latin1');
  return Buffer.concat([header, outer, compressed]);
}

/** A spec comparing two RDM files by RSA (Pearson), with an optional `output:` line. */
export function rdmSpec(model: string, brain: string, output?: string): string {
  return [
    'simspec: 1',
    'title: hostile-input test',
    'stimuli:',
    '  count: 6',
    'model:',
    '  layers:',
    `    m: { file: ${model}, kind: rdm }`,
    'brain:',
    `  b: { file: ${brain}, kind: rdm }`,
    'comparisons:',
    '  - name: c',
    '    metric: rsa',
    '    compare: pearson',
    ...(output !== undefined ? [`output: ${JSON.stringify(output)}`] : []),
    '',
  ].join('\n');
}

/** A folder with a 6-stimulus spec (two condensed RDMs) ready to run; returns its paths. */
export function specFolder(output?: string): { dir: string; spec: string; model: string; brain: string } {
  const dir = scratch();
  const model = join(dir, 'model.npy');
  const brain = join(dir, 'brain.npy');
  // Two condensed RDMs over 6 stimuli (15 pairs); their Pearson r is computed by the test from
  // the formula, not copied from simspec.
  writeFileSync(model, npy([15], MODEL_RDM));
  writeFileSync(brain, npy([15], BRAIN_RDM));
  const spec = join(dir, 'test.simspec.yaml');
  writeFileSync(spec, rdmSpec('model.npy', 'brain.npy', output));
  return { dir, spec, model, brain };
}

export const MODEL_RDM = [0.9, 0.4, 0.7, 0.2, 0.5, 0.8, 0.3, 0.6, 0.1, 0.95, 0.35, 0.65, 0.45, 0.75, 0.25];
export const BRAIN_RDM = [0.8, 0.5, 0.6, 0.3, 0.4, 0.9, 0.2, 0.7, 0.15, 0.85, 0.3, 0.7, 0.5, 0.6, 0.35];

/** Pearson r of two vectors, from its definition (the peer value the cache tests compare against). */
export function pearson(a: readonly number[], b: readonly number[]): number {
  const n = a.length;
  const ma = a.reduce((s, v) => s + v, 0) / n;
  const mb = b.reduce((s, v) => s + v, 0) / n;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i]! - ma) * (b[i]! - mb);
    saa += (a[i]! - ma) ** 2;
    sbb += (b[i]! - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}
