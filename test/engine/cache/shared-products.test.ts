// Disk-backed shared products (engine/run/cacheShared.ts): a second run (fresh in-memory store,
// same cache folder) gets matrices, vectors and async products from disk without computing them;
// keys that name no data file are never cached on disk; after a data file changes, the product is
// recomputed; a score's job key changes with the comparison's parameters and with either file.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProductCache, type ProductInput } from '../../../engine/run/cache';
import { inputsFromKeyTokens, jobCacheKey, withDiskCache } from '../../../engine/run/cacheShared';
import type { SharedProducts } from '../../../engine/run/types';

const dir = mkdtempSync(join(tmpdir(), 'simspec-shared-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function memoryStore(): SharedProducts {
  const store = new Map<string, unknown>();
  return {
    get<T>(key: string, compute: () => T): T {
      if (!store.has(key)) store.set(key, compute());
      return store.get(key) as T;
    },
  };
}

const modelFile = join(dir, 'conv1.npy');
const brainFile = join(dir, 'IT.npy');
writeFileSync(modelFile, 'model bytes v1');
writeFileSync(brainFile, 'brain bytes v1');
const reps = new Map<string, ProductInput>([
  ['model:conv1', { file: modelFile }],
  ['brain:IT', { file: brainFile, variable: 'responses' }],
]);

test('a second run reads matrices, vectors and async products from disk', async () => {
  const cache = new ProductCache(join(dir, 'c1'));
  let computed = 0;
  const run = async () => {
    const shared = withDiskCache(memoryStore(), cache, inputsFromKeyTokens(reps));
    const gram = shared.get('gram:model:conv1:centered', () => (computed++, { rows: 2, cols: 2, data: Float64Array.of(1, 2, 2, 5) }));
    const rdm = shared.get('rsa:rdms:brain:IT:correlation:', () => (computed++, Float64Array.of(0.5, 0.25, 0.125)));
    const later = await shared.get('rsa:noise:brain:IT', async () => (computed++, Float64Array.of(9)));
    const folds = shared.get('cv:folds:cmp:10', () => (computed++, [[1, 2]]));
    return { gram, rdm, later, folds };
  };
  const first = await run();
  assert.equal(computed, 4);
  const second = await run();
  assert.equal(computed, 5, 'only the fold list (no data file in its key) is computed again');
  assert.deepEqual([...second.gram.data], [1, 2, 2, 5]);
  assert.equal(second.gram.rows, 2);
  assert.deepEqual([...second.rdm], [...first.rdm]);
  assert.deepEqual([...second.later], [9]);
  assert.ok(second.rdm instanceof Float64Array);
});

test('after a data file changes, products of that file are recomputed and others reused', async () => {
  const cache = new ProductCache(join(dir, 'c2'));
  let computed: string[] = [];
  const run = () => {
    computed = [];
    const shared = withDiskCache(memoryStore(), cache, inputsFromKeyTokens(reps));
    shared.get('gram:model:conv1', () => (computed.push('model'), Float64Array.of(1)));
    shared.get('gram:brain:IT', () => (computed.push('brain'), Float64Array.of(2)));
  };
  run();
  assert.deepEqual(computed, ['model', 'brain']);
  writeFileSync(brainFile, 'brain bytes v2');
  run();
  assert.deepEqual(computed, ['brain']);
  writeFileSync(brainFile, 'brain bytes v1');
});

test('job keys follow the comparison parameters and the content of both files', () => {
  const model = reps.get('model:conv1')!;
  const brain = reps.get('brain:IT')!;
  const base = jobCacheKey({ metric: 'rsa', params: { compare: 'spearman' } }, model, brain);
  assert.equal(jobCacheKey({ metric: 'rsa', params: { compare: 'spearman' } }, model, brain), base);
  assert.notEqual(jobCacheKey({ metric: 'rsa', params: { compare: 'pearson' } }, model, brain), base);
  assert.notEqual(jobCacheKey({ metric: 'cka', params: { compare: 'spearman' } }, model, brain), base);
  writeFileSync(modelFile, 'model bytes v2');
  assert.notEqual(jobCacheKey({ metric: 'rsa', params: { compare: 'spearman' } }, model, brain), base);
  writeFileSync(modelFile, 'model bytes v1');
  assert.equal(jobCacheKey({ metric: 'rsa', params: { compare: 'spearman' } }, model, brain), base);
  const cache = new ProductCache(join(dir, 'c3'));
  cache.putValue(base, { json: { value: 0.42, details: { pairs: 4186 } } });
  assert.deepEqual(cache.getValue(base), { json: { value: 0.42, details: { pairs: 4186 } } });
});
