/**
 * The bundled language server (dist/server.js) for tests that run it as a child process. Builds
 * the bundles first when dist/server.js is missing or older than the sources.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');
export const BUNDLE = join(ROOT, 'dist', 'server.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (/\.(ts|json)$/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

export function ensureBundle(): string {
  const sources = Math.max(newestSource(join(ROOT, 'server')), newestSource(join(ROOT, 'engine')), newestSource(join(ROOT, 'schemas')));
  if (existsSync(BUNDLE) && statSync(BUNDLE).mtimeMs >= sources) return BUNDLE;
  const result = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(result.status, 0, `npm run build failed:\n${result.stderr}`);
  return BUNDLE;
}
