/**
 * Entry point of the simspec language server (bundled to dist/server.js). On the main thread it
 * only creates the connection — over `--stdio`, IPC or sockets, as the client chose — and starts
 * the server; the same file, started as a worker thread, serves data-file introspection so that
 * reading a large file never holds up typing.
 */
import { isMainThread, Worker } from 'node:worker_threads';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { createWorkerIntrospector, serveIntrospection } from './introspectionWorker';
import { startServer } from './server';

if (isMainThread) {
  const connection = createConnection(ProposedFeatures.all);
  // Nothing a user types may take the server down: a stray rejection is logged, not fatal.
  process.on('unhandledRejection', (reason) => connection.console.error(`simspec: unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`));
  const warn = (reason: string) => {
    try {
      connection.console.warn(`simspec: data introspection runs on the main thread (worker: ${reason})`);
    } catch {
      // shutting down
    }
  };
  startServer(connection, { io: createWorkerIntrospector(() => new Worker(__filename), warn) });
} else {
  serveIntrospection();
}
