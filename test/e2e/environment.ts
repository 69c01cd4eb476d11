/**
 * What the browser and editor tests need, and how they skip: when Chromium or code-server is
 * missing they skip with a loud message locally (run `npm run setup:e2e`), but FAIL when the CI
 * environment variable is set, so CI never passes by skipping.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TestContext } from 'node:test';

export const repoRoot = resolve(__dirname, '..', '..');
export const chromiumPath = process.env.SIMSPEC_CHROMIUM ?? '/usr/bin/chromium';
export const codeServerDir = process.env.SIMSPEC_CODE_SERVER_DIR ?? join(repoRoot, '.cache', 'code-server');
export const codeServerEntry = join(codeServerDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const artifactsDir = join(repoRoot, 'test-artifacts');

export const chromiumArgs = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Returns false (after skipping the test) when something is missing locally; throws in CI. */
export function requireTools(t: TestContext, tools: { chromium?: boolean; codeServer?: boolean }): boolean {
  const missing: string[] = [];
  if (tools.chromium && !existsSync(chromiumPath)) missing.push(`Chromium (${chromiumPath})`);
  if (tools.codeServer && !existsSync(codeServerEntry)) missing.push(`code-server (${codeServerEntry})`);
  if (missing.length === 0) return true;
  const message = `missing ${missing.join(' and ')} — run \`npm run setup:e2e\``;
  if (process.env.CI) throw new Error(`${message} (CI is set, so this test fails instead of skipping)`);
  console.error(`\n*** SKIPPING: ${message} ***\n`);
  t.skip(message);
  return false;
}
