/**
 * Shared by the code-server tests: build the bundles once (a lock folder serialises test files
 * running in parallel), copy the Kriegeskorte 2008 sample into a fresh workspace, start code-server
 * on loopback with its own user-data and extensions folders, and stop it again.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codeServerEntry, repoRoot } from './environment';

const temporary: string[] = [];

/** A new temporary folder, removed by removeTemporaryFolders(). */
export function temporaryFolder(prefix: string): string {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  temporary.push(folder);
  return folder;
}

export function removeTemporaryFolders(): void {
  for (const folder of temporary.splice(0)) rmSync(folder, { recursive: true, force: true });
}

/**
 * Runs `fn` while holding a lock folder, so test files running in parallel never build dist/ while
 * another one reads it (packaging, staging).
 */
export async function withBuildLock<T>(fn: () => T | Promise<T>): Promise<T> {
  const lock = join(repoRoot, '.cache', 'build.lock');
  mkdirSync(join(repoRoot, '.cache'), { recursive: true });
  for (let i = 0; ; i++) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (i > 900) throw new Error(`build lock ${lock} held for 3 minutes; remove it if no test is running`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Builds every bundle (call inside withBuildLock). */
export function buildBundles(): void {
  const result = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: repoRoot, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`build failed:\n${result.stdout}\n${result.stderr}`);
}

/** Builds and copies the extension's runtime files to a private folder (an extensionDevelopmentPath no other test rewrites). */
export function stageExtension(): Promise<string> {
  return withBuildLock(() => {
    buildBundles();
    const target = temporaryFolder('simspec-ext-');
    for (const path of ['package.json', 'language-configuration.json', 'syntaxes', 'schemas', 'icons', 'dist/extension.js', 'dist/server.js', 'dist/runWorker.js', 'dist/webview.js', 'dist/slices.js']) {
      if (existsSync(join(repoRoot, path))) cpSync(join(repoRoot, path), join(target, path), { recursive: true });
    }
    return target;
  });
}

/** A fresh folder with a copy of samples/kriegeskorte2008 (spec + data, no earlier results). */
export function sampleWorkspace(): string {
  const root = temporaryFolder('simspec-ws-');
  const folder = join(root, 'kriegeskorte2008');
  cpSync(join(repoRoot, 'samples', 'kriegeskorte2008'), folder, { recursive: true, filter: (source) => !source.includes(`${join('kriegeskorte2008', 'results')}`) });
  mkdirSync(join(folder, 'results'), { recursive: true });
  return folder;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export interface CodeServer {
  port: number;
  process: ChildProcess;
  log: string[];
  stop(): Promise<void>;
}

export function codeServerDirs(): { userData: string; extensions: string } {
  const root = temporaryFolder('simspec-cs-');
  const userData = join(root, 'user-data');
  mkdirSync(join(userData, 'User'), { recursive: true });
  writeFileSync(join(userData, 'User', 'settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none', 'security.workspace.trust.enabled': false, 'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false, 'telemetry.telemetryLevel': 'off', 'workbench.tips.enabled': false, 'update.mode': 'none',
  }));
  return { userData, extensions: join(root, 'extensions') };
}

export function installExtension(vsix: string, dirs: { userData: string; extensions: string }): void {
  const result = spawnSync(process.execPath, [codeServerEntry, '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions, '--install-extension', vsix], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`installing ${vsix} failed:\n${result.stdout}\n${result.stderr}`);
}

export async function startCodeServer(folder: string, dirs: { userData: string; extensions: string }, env: Record<string, string> = {}): Promise<CodeServer> {
  const port = await freePort();
  const child = spawn(process.execPath, [codeServerEntry, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
    '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions, folder], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const log: string[] = [];
  child.stdout!.on('data', (d) => log.push(String(d)));
  child.stderr!.on('data', (d) => log.push(String(d)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const end = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited:\n${log.join('')}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (response.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > end) throw new Error(`code-server did not answer within 60 s:\n${log.join('')}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    port, process: child, log,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
