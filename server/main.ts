/**
 * Entry point of the simspec language server (bundled to dist/server.js). On the main thread it
 * only creates the connection — over `--stdio`, IPC or sockets, as the client chose — starts the
 * exit watchdog and the server; the same file, started as a worker thread, is the language
 * service (validation and features, server/serviceWorker.ts) or, when the service had to fall
 * back to the main thread, data-file introspection.
 */
import { totalmem } from 'node:os';
import { isMainThread, Worker, workerData } from 'node:worker_threads';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import type { FileIntrospector } from '../engine/spec/introspector';
import { startExitWatchdog } from './exitWatchdog';
import { createWorkerIntrospector, serveIntrospection } from './introspectionWorker';
import { startServer } from './server';
import { serveLanguageService } from './serviceWorker';

/**
 * Heap of one language-service worker: a quarter of the machine's memory, between 512 MB and
 * 4 GB. A check that needs more is stopped with a diagnostic saying so, instead of swapping the machine.
 */
export function serviceHeapLimitMb(): number {
  return Math.round(Math.min(4096, Math.max(512, totalmem() / 1024 ** 2 / 4)));
}

if (isMainThread) {
  const connection = createConnection(ProposedFeatures.all);
  // Nothing a user types may take the server down: a stray rejection is logged, not fatal.
  process.on('unhandledRejection', (reason) => connection.console.error(`simspec: unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`));
  // Started over node IPC: the channel closing means the client is gone.
  if (typeof process.send === 'function') process.on('disconnect', () => process.exit(1));
  const watchdog = startExitWatchdog();

  // Introspection for the main-thread fallback only (when service workers cannot start), created on first use.
  let introspector: FileIntrospector | undefined;
  const fallbackIo = (): FileIntrospector => {
    introspector ??= createWorkerIntrospector(
      () => new Worker(__filename, { workerData: { role: 'introspection' } }),
      (reason) => {
        try {
          connection.console.warn(`simspec: data introspection runs on the main thread (worker: ${reason})`);
        } catch {
          // shutting down
        }
      },
    );
    return introspector;
  };
  const io: FileIntrospector = {
    variables: (path) => fallbackIo().variables(path),
    describe: (path, key) => fallbackIo().describe(path, key),
    variableNames: (path) => fallbackIo().variableNames(path),
    tableRowCount: (path, header) => fallbackIo().tableRowCount(path, header),
    clear: (path) => introspector?.clear(path),
  };

  startServer(connection, {
    io,
    startServiceWorker: () => {
      // Its own stdout/stderr: over --stdio, a stray write to the process's stdout would corrupt the protocol.
      const worker = new Worker(__filename, { workerData: { role: 'language-service' }, resourceLimits: { maxOldGenerationSizeMb: serviceHeapLimitMb() }, stdout: true, stderr: true });
      worker.stdout.pipe(process.stderr);
      worker.stderr.pipe(process.stderr);
      return worker;
    },
    onClientProcessId: (pid) => watchdog.watchClient(pid),
  });
} else if ((workerData as { role?: string } | null)?.role === 'language-service') {
  serveLanguageService();
} else {
  serveIntrospection();
}
