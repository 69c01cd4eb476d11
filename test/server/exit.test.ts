/**
 * Issue 13: no orphaned language server. The bundled server exits when its client's process dies
 * (LSP `processId`, the parent watchdog, the end of stdin), and the exit watchdog works even while
 * the main thread is stuck in a synchronous loop — where the LSP library's own poll never runs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBundle, ROOT } from './bundle';

/** Alive and not a zombie waiting to be reaped (a re-parented child may stay one in a container without init). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return true;
  try {
    const state = readFileSync(stat, 'utf8').replace(/^.*\) /s, '')[0];
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

async function exitsWithin(pid: number, ms: number): Promise<number> {
  const start = performance.now();
  while (performance.now() - start < ms) {
    if (!isRunning(pid)) return performance.now() - start;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  try {
    process.kill(pid, 'SIGKILL'); // do not leave it behind when the test fails
  } catch {
    // gone meanwhile
  }
  assert.fail(`process ${pid} still running ${ms} ms later`);
}

function frame(message: unknown): string {
  const body = JSON.stringify(message);
  return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

/** A process that stays alive until killed, printing its pid. */
function sleeper(): ChildProcess {
  return spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const newline = out.indexOf('\n');
      if (newline >= 0) resolve(out.slice(0, newline));
    });
    child.on('exit', (code) => reject(new Error(`exited with ${code} before printing: ${out}`)));
  });
}

test('the server exits within a few seconds when its client process is killed (kill -9)', async () => {
  const bundle = ensureBundle();
  const folder = mkdtempSync(join(tmpdir(), 'simspec-exit-'));
  try {
    // The client: starts the server over stdio, initializes with its own pid, prints the server's pid, waits.
    const clientScript = join(folder, 'client.js');
    writeFileSync(clientScript, `
      const { spawn } = require('node:child_process');
      const server = spawn(process.execPath, [${JSON.stringify(bundle)}, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
      const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: process.pid, rootUri: null, capabilities: {} } });
      server.stdin.write('Content-Length: ' + Buffer.byteLength(body) + '\\r\\n\\r\\n' + body);
      server.stdout.once('data', () => console.log(server.pid));
      setInterval(() => {}, 1000);
    `);
    const client = spawn(process.execPath, [clientScript], { stdio: ['ignore', 'pipe', 'inherit'] });
    const serverPid = Number(await firstLine(client));
    assert.ok(isRunning(serverPid));
    client.kill('SIGKILL');
    const ms = await exitsWithin(serverPid, 8000);
    console.log(`# server exited ${ms.toFixed(0)} ms after its client was killed`);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('the server exits when the process named by `processId` dies, though its stdin stays open', async () => {
  const bundle = ensureBundle();
  const editor = sleeper();
  const server = spawn(process.execPath, [bundle, '--stdio'], { stdio: ['pipe', 'pipe', 'ignore'], cwd: ROOT });
  try {
    const answered = new Promise((resolve) => server.stdout!.once('data', resolve));
    server.stdin!.write(frame({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: editor.pid, rootUri: null, capabilities: {} } }));
    await answered;
    editor.kill('SIGKILL');
    const ms = await exitsWithin(server.pid!, 8000);
    console.log(`# server exited ${ms.toFixed(0)} ms after the processId's process was killed`);
  } finally {
    editor.kill('SIGKILL');
    server.kill('SIGKILL');
  }
});

test('the exit watchdog ends a process whose main thread is stuck in a loop once the watched client dies', async () => {
  const editor = sleeper();
  const watchdog = join(ROOT, 'server', 'exitWatchdog.ts');
  // The main thread never returns to its event loop: only the watchdog's own thread can notice the client is gone.
  const stuck = spawn(process.execPath, ['--import', 'tsx', '-e', `
    const { startExitWatchdog } = require(${JSON.stringify(watchdog)});
    startExitWatchdog({ intervalMs: 200, graceMs: 500 }).watchClient(${editor.pid});
    setTimeout(() => { console.log('stuck'); for (;;); }, 500);
  `], { stdio: ['ignore', 'pipe', 'inherit'], cwd: ROOT });
  try {
    assert.equal(await firstLine(stuck), 'stuck');
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.ok(isRunning(stuck.pid!), 'alive while its client is');
    editor.kill('SIGKILL');
    const ms = await exitsWithin(stuck.pid!, 8000);
    console.log(`# stuck process ended ${ms.toFixed(0)} ms after its client was killed`);
  } finally {
    editor.kill('SIGKILL');
    stuck.kill('SIGKILL');
  }
});
