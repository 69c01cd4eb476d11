// On-disk product cache (engine/run/cache.ts): entries round-trip bit for bit; a key follows the
// data file's content, so editing a file — even keeping its size and restoring its mtime — never
// serves the old product; corrupt or truncated entries are misses; the size cap evicts the least
// recently used entries; concurrent processes writing and reading the same keys never see a
// partial entry.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Matrix } from '../../../engine/core/matrix';
import { ProductCache, productKey } from '../../../engine/run/cache';
import { encodeNpy } from '../../../engine/io/npyWriter';
import { decodeNpy } from '../../../engine/io/npy';

const dir = mkdtempSync(join(tmpdir(), 'simspec-cache-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const matrix = (rows: number, cols: number, f: (i: number) => number): Matrix => ({ rows, cols, data: Float64Array.from({ length: rows * cols }, (_, i) => f(i)) });

/** The product under test: X Xᵀ of the .npy at path (naive, independent of the engine's kernels). */
function gramOfFile(path: string): Matrix {
  const x = decodeNpy(readFileSync(path), path);
  const [n, p] = x.shape as [number, number];
  const g = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < p; k++) g[i * n + j] += x.data[i * p + k]! * x.data[j * p + k]!;
  return { rows: n, cols: n, data: g };
}

test('entries round-trip bit for bit, including NaN, ±Inf and −0', () => {
  const cache = new ProductCache(join(dir, 'roundtrip'));
  const m = matrix(3, 4, (i) => [NaN, Infinity, -Infinity, -0][i % 4]! || i / 7);
  const key = productKey('test', { i: 1 }, []);
  assert.equal(cache.get(key), undefined);
  cache.put(key, m);
  const got = cache.get(key)!;
  assert.equal(got.rows, 3);
  assert.equal(got.cols, 4);
  assert.deepEqual(new Uint8Array(got.data.buffer), new Uint8Array(m.data.buffer));
  assert.equal(cache.hits, 1);
});

test('keys: same description in any key order → same key; any change of variable, preprocessing or params → new key', () => {
  const file = join(dir, 'k.npy');
  writeFileSync(file, encodeNpy([2, 2], [1, 2, 3, 4]));
  const base = productKey('gram', { center: true, a: 1 }, [{ file, variable: 'x', preprocessing: { transpose: false } }]);
  assert.equal(productKey('gram', { a: 1, center: true }, [{ file, variable: 'x', preprocessing: { transpose: false } }]), base);
  assert.notEqual(productKey('gram', { center: false, a: 1 }, [{ file, variable: 'x', preprocessing: { transpose: false } }]), base);
  assert.notEqual(productKey('gram', { center: true, a: 1 }, [{ file, variable: 'y', preprocessing: { transpose: false } }]), base);
  assert.notEqual(productKey('gram', { center: true, a: 1 }, [{ file, variable: 'x', preprocessing: { transpose: true } }]), base);
  assert.notEqual(productKey('rdm', { center: true, a: 1 }, [{ file, variable: 'x', preprocessing: { transpose: false } }]), base);
});

test('never stale: a data file edited in place (same size, mtime restored) gets a new key and a fresh product', async () => {
  const cache = new ProductCache(join(dir, 'stale'));
  const file = join(dir, 'data.npy');
  writeFileSync(file, encodeNpy([3, 5], Array.from({ length: 15 }, (_, i) => i)));
  utimesSync(file, 1_700_000_000, 1_700_000_000);
  const before = statSync(file);
  const key1 = productKey('gram', {}, [{ file }]);
  const first = cache.getOrCompute(key1, () => gramOfFile(file));
  assert.equal(first.data[0], 0 + 1 + 4 + 9 + 16);
  // Same-size edit of one value, then the old mtime put back.
  await new Promise((r) => setTimeout(r, 20));
  writeFileSync(file, encodeNpy([3, 5], Array.from({ length: 15 }, (_, i) => (i === 0 ? 100 : i))));
  utimesSync(file, 1_700_000_000, 1_700_000_000);
  assert.equal(statSync(file).size, before.size);
  assert.equal(statSync(file).mtimeMs, before.mtimeMs);
  const key2 = productKey('gram', {}, [{ file }]);
  assert.notEqual(key2, key1);
  const second = cache.getOrCompute(key2, () => gramOfFile(file));
  assert.equal(second.data[0], 100 * 100 + 1 + 4 + 9 + 16);
  assert.equal(cache.get(key2)!.data[0], 100 * 100 + 1 + 4 + 9 + 16);
  // Restoring the original bytes finds the original entry again.
  writeFileSync(file, encodeNpy([3, 5], Array.from({ length: 15 }, (_, i) => i)));
  assert.equal(productKey('gram', {}, [{ file }]), key1);
});

test('corrupt or truncated entries are misses and are removed', () => {
  const cache = new ProductCache(join(dir, 'corrupt'));
  for (const damage of ['flip', 'truncate'] as const) {
    const key = productKey('c', { damage }, []);
    cache.put(key, matrix(4, 4, (i) => i + 0.5));
    const path = join(cache.dir, key.slice(0, 2), `${key}.f64`);
    const bytes = readFileSync(path);
    if (damage === 'flip') bytes[bytes.length - 3]! ^= 0x40;
    writeFileSync(path, damage === 'flip' ? bytes : bytes.subarray(0, bytes.length - 8));
    assert.equal(cache.get(key), undefined, damage);
    assert.ok(!existsSync(path), `${damage}: entry removed`);
  }
});

test('the size cap evicts least recently used entries', () => {
  const m = matrix(8, 8, (i) => i); // 512 B payload + 64 B header
  const entryBytes = 576;
  const cache = new ProductCache(join(dir, 'cap'), { maxBytes: 3 * entryBytes });
  const keys = [1, 2, 3, 4].map((i) => productKey('cap', { i }, []));
  const t0 = Date.now() / 1000 - 1000;
  keys.slice(0, 3).forEach((key, i) => {
    cache.put(key, m);
    const path = join(cache.dir, key.slice(0, 2), `${key}.f64`);
    utimesSync(path, t0 + i, t0 + i);
  });
  assert.ok(cache.get(keys[0]!)); // the oldest becomes the most recently used
  cache.put(keys[3]!, m); // over the cap: the least recently used (keys[1]) goes
  assert.equal(cache.entries().length, 3);
  assert.ok(cache.get(keys[0]!));
  assert.equal(cache.get(keys[1]!), undefined);
  assert.ok(cache.get(keys[2]!));
  assert.ok(cache.get(keys[3]!));
  assert.ok(cache.entries().reduce((s, e) => s + e.bytes, 0) <= 3 * entryBytes);
});

test('concurrent processes writing and reading the same keys never read a partial entry', async () => {
  const cacheDir = join(dir, 'concurrent');
  const script = join(dir, 'hammer.ts');
  const cacheModule = join(__dirname, '..', '..', '..', 'engine', 'run', 'cache');
  writeFileSync(
    script,
    `import { ProductCache } from ${JSON.stringify(cacheModule)};
const cache = new ProductCache(${JSON.stringify(cacheDir)}, { maxBytes: 6 * (64 + 8 * 40000) });
const keys = Array.from({ length: 8 }, (_, i) => (i.toString(16) + 'a'.repeat(63)));
let bad = 0;
for (let round = 0; round < 30; round++) {
  const i = (round * 7 + process.pid) % keys.length;
  const got = cache.get(keys[i]);
  if (got) { for (let j = 0; j < got.data.length; j += 997) if (got.data[j] !== i * 1e6 + j) bad++; }
  else cache.put(keys[i], { rows: 200, cols: 200, data: Float64Array.from({ length: 40000 }, (_, j) => i * 1e6 + j) });
}
console.log(JSON.stringify({ bad, hits: cache.hits }));
`,
  );
  const runs = await Promise.all(
    [0, 1, 2, 3].map(
      () =>
        new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
          const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'pipe'] });
          let out = '';
          let err = '';
          child.stdout.on('data', (d) => (out += d));
          child.stderr.on('data', (d) => (err += d));
          child.on('close', (code) => resolve({ code, out, err }));
        }),
    ),
  );
  let hits = 0;
  for (const run of runs) {
    assert.equal(run.code, 0, run.err);
    const result = JSON.parse(run.out.trim()) as { bad: number; hits: number };
    assert.equal(result.bad, 0);
    hits += result.hits;
  }
  assert.ok(hits > 0, 'the processes did share entries');
});
