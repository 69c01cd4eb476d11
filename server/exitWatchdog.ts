/**
 * The language server exits when its client does. The LSP library already polls the client's
 * `processId` and exits on the end of stdin — from the main thread, so a main thread stuck in a
 * long computation never notices, and the orphan spins on. This watchdog runs in its own thread:
 * every `intervalMs` it checks that the client process (LSP `processId`, sent after `initialize`)
 * is alive (`process.kill(pid, 0)`) and that the server's parent is still the process that
 * started it (an orphan is re-parented). When either is gone it asks the main thread to exit,
 * then — if the main thread does not get to it — ends the process with SIGTERM and SIGKILL.
 *
 * The thread's code is plain JavaScript evaluated from a string, so it runs the same from the
 * bundle (dist/server.js) and from the TypeScript sources.
 */
import { Worker } from 'node:worker_threads';

const WATCHDOG_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
let clientPid = workerData.clientPid;
const parentPid = workerData.parentPid;
const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM'; // it exists, under another user
  }
};
parentPort.on('message', (message) => {
  if (typeof message.clientPid === 'number') clientPid = message.clientPid;
});
let ending = false;
setInterval(() => {
  if (ending) return;
  let reason;
  if (clientPid !== undefined && !alive(clientPid)) reason = 'the client process ' + clientPid + ' is gone';
  else if (parentPid !== undefined && process.ppid !== parentPid) reason = 'the parent process ' + parentPid + ' is gone';
  if (!reason) return;
  ending = true;
  parentPort.postMessage({ exit: reason });
  setTimeout(() => process.kill(process.pid, 'SIGTERM'), workerData.graceMs).unref();
  setTimeout(() => process.kill(process.pid, 'SIGKILL'), workerData.graceMs * 3).unref();
}, workerData.intervalMs);
`;

export interface ExitWatchdog {
  /** Also watch this process (the client's `processId` from `initialize`). */
  watchClient(pid: number): void;
  stop(): void;
}

export interface ExitWatchdogOptions {
  /** The server's parent at start (default `process.ppid`); none when the server was started orphaned (parent 1). */
  parentPid?: number;
  intervalMs?: number;
  /** How long the main thread has to exit by itself before the watchdog signals the process. */
  graceMs?: number;
  /** Called on the main thread with the reason, when it is responsive (default: `process.exit(1)`). */
  onExit?: (reason: string) => void;
}

export function startExitWatchdog(options: ExitWatchdogOptions = {}): ExitWatchdog {
  const parentPid = options.parentPid ?? (process.ppid > 1 ? process.ppid : undefined);
  const worker = new Worker(WATCHDOG_SOURCE, {
    eval: true,
    workerData: { parentPid, intervalMs: options.intervalMs ?? 1000, graceMs: options.graceMs ?? 1000 },
    resourceLimits: { maxOldGenerationSizeMb: 16 },
  });
  worker.on('message', (message: { exit?: string }) => {
    if (message.exit) (options.onExit ?? (() => process.exit(1)))(message.exit);
  });
  worker.on('error', () => {
    // Without the watchdog the library's own processId poll and stdin end remain.
  });
  // The watchdog never keeps the server alive by itself.
  worker.unref();
  return {
    watchClient(pid: number) {
      worker.postMessage({ clientPid: pid });
    },
    stop() {
      void worker.terminate();
    },
  };
}
