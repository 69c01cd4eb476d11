// Worker pool (engine/linalg/pool): products split over 2 and 3 threads sharing one wasm memory give
// the same bits as one thread (each entry is summed by the same micro-kernel in the same k order,
// only on another thread), match the naive loop on shapes past the block sizes, and the reference
// cases still pass with the pool on.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Matrix } from '../../../engine/core/matrix';
import { runCase } from '../../../engine/cases';
import { getPool } from '../../../engine/linalg/pool';
import { closePool, crossGram, crossProduct, gram, multiplyTransposed, setKernelMode, setThreads } from '../../../engine/linalg/wasm';

after(async () => {
  setThreads(undefined);
  setKernelMode(undefined);
  await closePool();
});

function random(rows: number, cols: number, seed: number): Matrix {
  let s = seed >>> 0;
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = s / 2 ** 32 - 0.5;
  }
  return { rows, cols, data };
}

test('2 and 3 threads give bit-identical products to 1 thread, on shapes past MC, KC and the tile', () => {
  setKernelMode('wasm');
  const x = random(389, 517, 1); // rows past 2·MC, k past 2·KC, neither a multiple of 4
  const y = random(389, 203, 2);
  const z = random(201, 517, 3);
  setThreads(1);
  const want = [gram(x), crossProduct(x, y), multiplyTransposed(x, z), crossGram(y)];
  for (const threads of [2, 3]) {
    setThreads(threads);
    const pool = getPool('fma') ?? getPool('simd');
    assert.ok(pool, 'a pool exists');
    const before = pool.parallelExecutions;
    const got = [gram(x), crossProduct(x, y), multiplyTransposed(x, z), crossGram(y)];
    assert.ok(pool.parallelExecutions > before, 'work was posted to the workers');
    got.forEach((g, i) => {
      assert.equal(g.rows, want[i]!.rows);
      assert.equal(g.cols, want[i]!.cols);
      assert.deepEqual(g.data, want[i]!.data, `product ${i} with ${threads} threads`);
    });
  }
  // and the 1-thread result is right: spot-check entries against naive sums
  const g = want[0]!;
  for (const [i, j] of [[0, 0], [388, 388], [5, 300], [300, 5], [387, 1]] as Array<[number, number]>) {
    let s = 0;
    for (let k = 0; k < 517; k++) s += x.data[i * 517 + k]! * x.data[j * 517 + k]!;
    assert.ok(Math.abs(g.data[i * 389 + j]! - s) < 1e-12, `gram (${i}, ${j})`);
  }
});

test('reference cases pass with the kernels on 2 threads', async () => {
  setKernelMode('wasm');
  setThreads(2);
  const root = join(__dirname, '..', '..', 'fixtures', 'reference');
  for (const name of ['cka_wide_linear_biased', 'shape_linear_alpha0p5_angular', 'ridgecv_loo_wide', 'rdm_rsa_correlation']) {
    const expected = JSON.parse(readFileSync(join(root, name, 'expected.json'), 'utf8')) as { value: unknown; tolerance: { rtol: number; atol: number } };
    assert.ok(existsSync(join(root, name)));
    const got = await runCase(join(root, name));
    const flat = (v: unknown, out: number[] = []): number[] => {
      if (typeof v === 'number') out.push(v);
      else if (Array.isArray(v)) v.forEach((e) => flat(e, out));
      else if (v && typeof v === 'object') Object.keys(v).sort().forEach((k) => flat((v as Record<string, unknown>)[k], out));
      return out;
    };
    const want = expected.value;
    if (typeof want === 'number') {
      assert.ok(Math.abs((got as number) - want) <= expected.tolerance.atol + expected.tolerance.rtol * Math.abs(want), name);
    } else {
      const w = want as Record<string, unknown>;
      for (const key of Object.keys(w)) {
        const a = flat((got as Record<string, unknown>)[key]);
        const b = flat(w[key]);
        assert.equal(a.length, b.length, `${name}.${key}`);
        a.forEach((v, i) => assert.ok(Math.abs(v - b[i]!) <= expected.tolerance.atol + expected.tolerance.rtol * Math.abs(b[i]!), `${name}.${key}[${i}]`));
      }
    }
  }
});
