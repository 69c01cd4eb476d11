/**
 * Hostile inputs (issue 13, items 2, 4, 5, 6): specs that would make the YAML library spin or
 * recurse, decompression bombs and lying size headers in .npz and MAT v5 files (through both the
 * reader and the introspection used by `check` and the language server), JSON nested thousands
 * deep, a .csv that is a symlink to /proc/self/mem, and bytes that are not UTF-8. Every input is
 * generated here. Each case: the exit code, a message naming the file/key and the expectation, no
 * stack trace, under 10 s, bounded memory.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertClean, matCompressed, npy, npyHeader, npz, rdmSpec, scratch, simspec } from './harness';

/** Small cap so a bomb can be small: the reader must refuse it exactly as it would a 7.8 GB one. */
const SMALL_CAP = { SIMSPEC_MAX_DECOMPRESSED_BYTES: String(16 * 2 ** 20) };

function write(dir: string, name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

test('spec: 200 nested complex keys in 1 KB → one message with line:col, in milliseconds', async () => {
  const dir = scratch();
  const n = 200;
  const spec = write(dir, 'complex.simspec.yaml', `simspec: 1\ntitle: ${'['.repeat(n)}x: 1${']: 1'.repeat(n - 1)}]\n`);
  const outcome = await simspec(['check', spec]);
  assertClean(outcome, 1, /complex\.simspec\.yaml:2:\d+: error: YAML nesting deeper than 64 levels/);
});

test('spec: a shallow complex key → refused as a complex key', async () => {
  const dir = scratch();
  const spec = write(dir, 'key.simspec.yaml', 'simspec: 1\n[a, b]: 1\n');
  assertClean(await simspec(['check', spec]), 1, /key\.simspec\.yaml:2:1: error: .*key must be a plain name/);
});

test('spec: block YAML nested 2500 deep → message, in check and run', async () => {
  const dir = scratch();
  // 2500 levels (6.3 M characters, under the 8 Mi size limit, so the nesting limit is what refuses it).
  const lines = Array.from({ length: 2500 }, (_, i) => `${'  '.repeat(i)}k${i}:`);
  const spec = write(dir, 'deep.simspec.yaml', `simspec: 1\n${lines.join('\n')} 1\n`);
  assertClean(await simspec(['check', spec]), 1, /deep\.simspec\.yaml:\d+:\d+: error: YAML nesting deeper than 64 levels/);
  assertClean(await simspec(['run', spec, '--no-cache']), 1, /deep\.simspec\.yaml:\d+:\d+: error: YAML nesting deeper/);
});

test('spec: bytes that are not UTF-8 → the byte offset of the first bad byte', async () => {
  const dir = scratch();
  // 'simspec: 1\n' is 11 bytes and 'title: caf' 10 more: the bad byte is at offset 21.
  const spec = write(dir, 'latin1.simspec.yaml', Buffer.concat([Buffer.from('simspec: 1\ntitle: caf'), Buffer.from([0xe9]), Buffer.from('\n')]));
  assertClean(await simspec(['check', spec]), 1, /latin1\.simspec\.yaml:1:1: error: .*not valid UTF-8: bad byte 0xe9 at byte offset 21/);
});

test('npz: a member whose .npy header says 20 × 30 but whose zip header declares 64 MiB → refused before inflating', async () => {
  const dir = scratch();
  const content = Buffer.concat([npyHeader([20, 30]), Buffer.alloc(64 * 2 ** 20)]);
  const file = write(dir, 'liar.npz', npz('x.npy', content));
  const outcome = await simspec(['score', '--metric', 'rsa', `${file}:x`, `${file}:x`]);
  assertClean(outcome, 1, /liar\.npz/, /declares 67108992 bytes but its \.npy header \(shape \(20, 30\), float64\) describes 4928/);
});

test('npz: a member that inflates past the size its headers declare → stops there ("inflates past")', async () => {
  const dir = scratch();
  const header = npyHeader([20, 30]);
  const content = Buffer.concat([header, Buffer.alloc(64 * 2 ** 20)]);
  const file = write(dir, 'bomb.npz', npz('x.npy', content, { size: header.length + 20 * 30 * 8 }));
  const outcome = await simspec(['score', '--metric', 'rsa', `${file}:x`, `${file}:x`]);
  assertClean(outcome, 1, /bomb\.npz/, /inflates past the 4\.8 KiB its header declares/);
});

test('npz: an honest member past the decompression cap → refused before inflating, naming the cap', async () => {
  const dir = scratch();
  const rows = 4 * 2 ** 20; // 32 MiB of float64 against a 16 MiB cap
  const content = Buffer.concat([npyHeader([rows, 1]), Buffer.alloc(rows * 8)]);
  const file = write(dir, 'big.npz', npz('x.npy', content));
  const outcome = await simspec(['score', '--metric', 'rsa', `${file}:x`, `${file}:x`], { env: SMALL_CAP });
  assertClean(outcome, 1, /big\.npz/, /declares 32 MiB uncompressed, past the decompression cap of 16 MiB/, /SIMSPEC_MAX_DECOMPRESSED_BYTES/);
});

test('mat: a compressed element that inflates past its tag → refused, in score and in check (introspection)', async () => {
  const dir = scratch();
  const file = write(dir, 'bomb.mat', matCompressed('X', 6, 6, { extraZeros: 64 * 2 ** 20 }));
  assertClean(await simspec(['score', '--metric', 'rsa', `${file}:X`, `${file}:X`]), 1, /bomb\.mat/, /inflates past the .* its tag declares/);
  const spec = write(dir, 'mat.simspec.yaml', rdmSpec('bomb.mat', 'bomb.mat').replace(/kind: rdm/g, 'key: X, kind: rdm'));
  assertClean(await simspec(['check', spec]), 1, /inflates past/);
});

test('mat: a compressed element whose tag declares more than the cap → refused before inflating', async () => {
  const dir = scratch();
  const file = write(dir, 'huge.mat', matCompressed('X', 6, 6, { declaredBytes: 2 ** 31 }));
  assertClean(await simspec(['score', '--metric', 'rsa', `${file}:X`, `${file}:X`], { env: SMALL_CAP }), 1, /huge\.mat/, /past the decompression cap/);
});

test('json: data nested 3000 deep → message naming the limit, no stack overflow', async () => {
  const dir = scratch();
  const file = write(dir, 'deep.json', `{"x": ${'['.repeat(3000)}1${']'.repeat(3000)}}`);
  assertClean(await simspec(['score', '--metric', 'rsa', `${file}:x`, `${file}:x`]), 1, /deep\.json/, /nested deeper than 64 levels/);
});

test('csv: a symlink to /proc/self/mem → refused as a system pseudo-file', async () => {
  const dir = scratch();
  const file = join(dir, 'mem.csv');
  symlinkSync('/proc/self/mem', file);
  assertClean(await simspec(['score', '--metric', 'rsa', file, file]), 1, /mem\.csv/, /refusing to read \/proc\/\d+\/mem|refusing to read \/proc\/self\/mem/);
});

test('csv: a first row with bytes that are not UTF-8 → an error with the byte offset, not a header', async () => {
  const dir = scratch();
  const rows = Array.from({ length: 19 }, (_, i) => `${i},${(i * 7) % 5},${i % 3}`).join('\n');
  const file = write(dir, 'bad.csv', Buffer.concat([Buffer.from('1,2,'), Buffer.from([0xff, 0xfe]), Buffer.from(`\n${rows}\n`)]));
  assertClean(await simspec(['score', '--metric', 'rsa', file, file]), 1, /bad\.csv/, /not valid UTF-8: bad byte 0xff at byte offset 4/);
});

test('a valid input still works under the same limits (the checks are not refusing everything)', async () => {
  const dir = scratch();
  const values = Array.from({ length: 15 }, (_, i) => ((i * 7) % 11) / 10);
  const file = write(dir, 'ok.npz', npz('x.npy', npy([15], values)));
  const outcome = await simspec(['score', '--metric', 'rsa', '--param', 'compare=pearson', `${file}:x`, `${file}:x`], { env: SMALL_CAP });
  assertClean(outcome, 0);
  assert.ok(Math.abs(JSON.parse(outcome.stdout).value - 1) < 1e-12, 'an RDM correlates perfectly with itself');
});

test('hdf5: a small file whose compressed dataset declares 1 MiB → refused before reading past a 512 KiB cap; without the cap, an RDM over 128 Ki stimuli → "not enough memory", not a crash', async () => {
  const dir = scratch();
  const file = join(dir, 'bomb.h5');
  const h5 = await import('h5wasm/node');
  await h5.ready;
  const rows = 2 ** 17; // 1 MiB of float64; its RDM would need rows² doubles (128 GiB)
  const f = new h5.File(file, 'w');
  f.create_dataset({ name: 'x', data: new Float64Array(rows), shape: [rows, 1], chunks: [16384, 1], compression: 9 });
  f.close();
  const cap = { SIMSPEC_MAX_DECOMPRESSED_BYTES: String(512 * 1024) };
  assertClean(await simspec(['score', '--metric', 'rsa', `${file}:/x`, `${file}:/x`], { env: cap }), 1, /bomb\.h5/, /dataset '\/x' declares 1\.0 MiB uncompressed, past the decompression cap of 512 KiB/);
  assertClean(await simspec(['score', '--metric', 'rsa', `${file}:/x`, `${file}:/x`]), 1, /not enough memory for this computation/);
});
