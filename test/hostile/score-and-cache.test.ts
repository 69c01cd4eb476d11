/**
 * No silent wrong answers and a cache that cannot be turned against the user (issue 13, items 5,
 * 6, 7, 10): `score --metric` refuses mismatched rows and empty arrays, detects constant patterns
 * relative to the data's scale, and gives every NaN its reason; an unusable cache folder is an
 * error when named and a warning (run without cache) when it is the default; a forged cache entry
 * — even one with a valid checksum, or a valid HMAC over malformed content — is a miss, never a
 * wrong number. Expected values come from the formulas (Pearson r, correlation distance), written
 * out here independently of simspec.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertClean, BRAIN_RDM, MODEL_RDM, npy, pearson, scratch, simspec, specFolder } from './harness';

function write(dir: string, name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const responses = (rows: number, cols: number, seed: number) => Array.from({ length: rows * cols }, (_, i) => Math.sin(seed * 12.9898 + i * 78.233) * 43758.5453 % 1);

test('score regression: A 20 × 30 and B 25 × 30 → refused (exit 1) naming both row counts', async () => {
  const dir = scratch();
  const a = write(dir, 'a.npy', npy([20, 30], responses(20, 30, 1)));
  const b = write(dir, 'b.npy', npy([25, 30], responses(25, 30, 2)));
  assertClean(await simspec(['score', '--metric', 'regression', a, b]), 1, /b\.npy/, /A \(.*a\.npy\) has 20 stimuli but B \(.*b\.npy\) has 25/, /expected 20 stimuli/);
});

test('score: a 20 × 0 array → refused as empty', async () => {
  const dir = scratch();
  const a = write(dir, 'a.npy', npy([20, 0], []));
  const b = write(dir, 'b.npy', npy([20, 30], responses(20, 30, 2)));
  assertClean(await simspec(['score', '--metric', 'regression', a, b]), 1, /a\.npy/, /shape \(20, 0\)/, /at least 1 row and 1 column/);
});

test('score: a NaN score carries its reason (two constant RDMs: Pearson r is 0/0)', async () => {
  const dir = scratch();
  const a = write(dir, 'a.npy', npy([15], new Array(15).fill(0.12345)));
  const outcome = await simspec(['score', '--metric', 'rsa', '--param', 'compare=pearson', a, a]);
  assertClean(outcome, 0, /warning: the score is NaN: .*constant/);
  const json = JSON.parse(outcome.stdout);
  assert.equal(json.value, null);
  assert.match(json.reason, /constant/);
});

/** 1 − Pearson r of two rows (scipy's correlation distance). */
function correlationDistance(x: number[], y: number[]): number {
  return 1 - pearson(x, y);
}

test('constant patterns are found relative to scale: a row of 0.1 (not exactly constant after centring) is refused, at any scale; a varying row is scored', async () => {
  const dir = scratch();
  const [n, p] = [8, 30];
  const b = responses(n, p, 4);
  const fileB = write(dir, 'b.npy', npy([n, p], b));
  const score = (name: string, a: number[]) => simspec(['score', '--metric', 'rsa', '--kind', 'responses', '--param', 'rdm=correlation', '--param', 'compare=pearson', write(dir, name, npy([n, p], a)), fileB]);
  for (const level of [0.1, 0.1 * 1e6, 0.1 * 1e-6]) {
    const a = responses(n, p, 3);
    for (let c = 0; c < p; c++) a[c] = level; // row 0 of A: constant
    assertClean(await score('constant.npy', a), 1, /constant\.npy/, /constant pattern/);
  }
  // Control: row 0 varying by 1e-3 of its level is a real pattern and gets the formula's value.
  const a = responses(n, p, 3);
  for (let c = 0; c < p; c++) a[c] = 0.1 * (1 + 1e-3 * Math.cos(c));
  const rowsOf = (m: number[]) => Array.from({ length: n }, (_, i) => m.slice(i * p, (i + 1) * p));
  const rdm = (m: number[]) => { const r = rowsOf(m); const d: number[] = []; for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) d.push(correlationDistance(r[i]!, r[j]!)); return d; };
  const expected = pearson(rdm(a), rdm(b));
  const outcome = await score('varying.npy', a);
  assertClean(outcome, 0);
  assert.ok(Math.abs(JSON.parse(outcome.stdout).value - expected) < 1e-9, `got ${outcome.stdout}, want ${expected}`);
});

test('--cache under /proc → refused at once (no hang); a default cache under /proc or under a file → warning, run without cache', async () => {
  const { spec, dir } = specFolder('r.json');
  assertClean(await simspec(['run', spec, '--quiet', '--cache', '/proc/simspec-cache']), 1, /\/proc\/simspec-cache/, /--no-cache/);
  const value = pearson(MODEL_RDM, BRAIN_RDM);
  for (const cacheHome of ['/proc/simspec', join(dir, 'model.npy', 'cache')]) {
    const outcome = await simspec(['run', spec, '--quiet'], { env: { XDG_CACHE_HOME: cacheHome, XDG_CONFIG_HOME: join(dir, 'config') } });
    assertClean(outcome, 0, /warning: running without the cache/);
    assert.ok(Math.abs(JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')).scores[0].value - value) < 1e-12);
  }
});

test('a key that cannot be stored (config folder under a file) → warning, run without cache', async () => {
  const { spec, dir } = specFolder('r.json');
  const outcome = await simspec(['run', spec, '--quiet'], { env: { XDG_CACHE_HOME: join(dir, 'cache'), XDG_CONFIG_HOME: join(dir, 'model.npy', 'config') } });
  assertClean(outcome, 0, /warning: running without the cache: the cache key .* cannot be created/);
});

/** FNV-1a 32 of bytes (the entries' corruption checksum), written out from its definition. */
function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h >>> 0;
}

function jsonEntries(cache: string): string[] {
  const out: string[] = [];
  for (const folder of readdirSync(cache)) {
    if (!statSync(join(cache, folder)).isDirectory()) continue;
    for (const name of readdirSync(join(cache, folder))) {
      const path = join(cache, folder, name);
      const bytes = readFileSync(path);
      if (bytes.readUInt32LE(36) === 2 && bytes.subarray(64).toString('utf8').includes('"score"')) out.push(path);
    }
  }
  return out;
}

test('forged cache entries are misses: a valid checksum over an edited score, and a valid HMAC over malformed content', async () => {
  const { spec, dir } = specFolder('r.json');
  const env = { XDG_CONFIG_HOME: join(dir, 'config') };
  const cache = join(dir, 'cache');
  const value = pearson(MODEL_RDM, BRAIN_RDM);
  const run = async () => {
    const outcome = await simspec(['run', spec, '--cache', cache], { env });
    assertClean(outcome, 0);
    // Whether a score came from the cache is a fact of the run: the sidecar holds it (engine/run/results.ts).
    const facts = JSON.parse(readFileSync(join(dir, 'r.json.run.json'), 'utf8')).scores[0];
    return { ...JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')).scores[0], fromCache: facts.fromCache === true };
  };
  assert.ok(Math.abs((await run()).value - value) < 1e-12);
  assert.equal((await run()).fromCache, true, 'an untouched entry is served');
  const [entry] = jsonEntries(cache);
  assert.ok(entry, 'the score entry exists');

  // 1. An attacker edits the score and fixes the checksum (issue 13: 0.6777 became 0.9777).
  const bytes = readFileSync(entry!);
  const payload = Buffer.from(bytes.subarray(64).toString('utf8').replace(/"value":\s*[-0-9.e]+/, '"value": 0.9777'));
  const header = Buffer.from(bytes.subarray(0, 64));
  header.writeDoubleLE(payload.length, 24);
  header.writeUInt32LE(fnv1a(payload), 32);
  writeFileSync(entry!, Buffer.concat([header, payload]));
  const afterForgery = await run();
  assert.ok(Math.abs(afterForgery.value - value) < 1e-12, `forged value served: ${afterForgery.value}`);
  assert.notEqual(afterForgery.fromCache, true);

  // 2. Someone holding the key writes an authentic entry whose content has the wrong structure.
  const key = readFileSync(join(dir, 'config', 'simspec', 'cache.key'));
  const [again] = jsonEntries(cache);
  const malformed = Buffer.from(JSON.stringify({ score: { value: 'high' }, rdms: 7 }));
  const h2 = Buffer.from(readFileSync(again!).subarray(0, 64));
  h2.writeDoubleLE(malformed.length, 24);
  h2.writeUInt32LE(fnv1a(malformed), 32);
  const name = again!.split('/').pop()!.replace(/\.f64$/, '');
  createHmac('sha256', key).update(h2.subarray(0, 40)).update(name).update(malformed).digest().subarray(0, 24).copy(h2, 40);
  writeFileSync(again!, Buffer.concat([h2, malformed]));
  const afterMalformed = await run();
  assert.ok(Math.abs(afterMalformed.value - value) < 1e-12);
  assert.notEqual(afterMalformed.fromCache, true);
  assert.equal(statSync(join(dir, 'config', 'simspec', 'cache.key')).mode & 0o777, 0o600, 'the key is private');
});
