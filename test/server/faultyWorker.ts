/**
 * A language-service worker for tests: the real service (server/serviceWorker.ts) with the
 * engine's introspector, optionally wrapped to inject a fault when a data variable is looked up:
 *   - 'eio':  the read fails with a Node EIO error (a plain Error, not a SimspecError), as a
 *             failing disk or a /proc file would;
 *   - 'hang': the lookup of variable `HANG` never returns and never yields (a synchronous loop,
 *             like a parser stuck on hostile input) — only terminating the thread stops it.
 * Started from test/server/lspClient.ts through tsx; `workerData.fault` selects the fault.
 */
import { workerData } from 'node:worker_threads';
import { createFileIntrospector, type FileIntrospector } from '../../engine/spec/introspector';
import { serveLanguageService } from '../../server/serviceWorker';

export type Fault = 'eio' | 'hang';

function eio(path: string): Error {
  return Object.assign(new Error(`EIO: i/o error, read '${path}'`), { code: 'EIO', errno: -5, syscall: 'read', path });
}

export function faultyIntrospector(fault: Fault): FileIntrospector {
  const io = createFileIntrospector();
  const trip = (path: string, key?: string) => {
    if (fault === 'eio') throw eio(path);
    if (fault === 'hang' && key === 'HANG') for (;;);
  };
  return {
    ...io,
    variables: async (path) => (trip(path), io.variables(path)),
    describe: async (path, key) => (trip(path, key), io.describe(path, key)),
    variableNames: async (path) => (trip(path), io.variableNames(path)),
  };
}

const fault = (workerData as { fault?: Fault } | null)?.fault;
serveLanguageService(fault ? { io: faultyIntrospector(fault) } : undefined);
