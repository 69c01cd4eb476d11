/**
 * Data introspection off the server's main thread. Reading a data file the first time can take a
 * while (a large .mat file is parsed whole); done on the main thread it would hold up completion
 * and hover. The worker runs the engine's cached introspector; the server talks to it through a
 * proxy with the same `FileIntrospector` interface. If the worker cannot start or dies, the
 * proxy falls back to introspecting on the main thread.
 */
import { parentPort, Worker } from 'node:worker_threads';
import { SimspecError } from '../engine/core/errors';
import { createFileIntrospector, type FileIntrospector } from '../engine/spec/introspector';

type Method = 'variables' | 'describe' | 'variableNames' | 'tableRowCount';

interface Request {
  id: number;
  method: Method | 'clear';
  args: unknown[];
}

interface SerializedError {
  simspec: boolean;
  message: string;
  file?: string;
  variable?: string;
  expected?: string;
  code?: string;
}

interface Reply {
  id: number;
  value?: unknown;
  error?: SerializedError;
}

/** Worker side: answer requests with the engine's introspector. */
export function serveIntrospection(): void {
  const port = parentPort;
  if (!port) throw new Error('serveIntrospection must run in a worker thread');
  const io = createFileIntrospector();
  port.on('message', async (request: Request) => {
    if (request.method === 'clear') {
      io.clear(request.args[0] as string | undefined);
      return;
    }
    const reply: Reply = { id: request.id };
    try {
      reply.value = await (io[request.method] as (...args: unknown[]) => Promise<unknown>)(...request.args);
    } catch (e) {
      const err = e as SimspecError;
      reply.error = { simspec: e instanceof SimspecError, message: err?.message ?? String(e), file: err?.file, variable: err?.variable, expected: err?.expected, code: err?.code };
    }
    port.postMessage(reply);
  });
}

function revive(error: SerializedError): Error {
  if (!error.simspec) return new Error(error.message);
  // Rebuild a SimspecError with the worker's exact message (the constructor would re-format it).
  const revived = new SimspecError('', { code: error.code ?? 'error' });
  return Object.assign(revived, { message: error.message, file: error.file, variable: error.variable, expected: error.expected });
}

/** Server side: a FileIntrospector that forwards to the worker `start` creates (which calls serveIntrospection). */
export function createWorkerIntrospector(start: () => Worker, onFallback: (reason: string) => void = () => {}): FileIntrospector {
  let fallback: FileIntrospector | undefined;
  let worker: Worker | undefined;
  let nextId = 0;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const giveUp = (reason: string) => {
    if (!fallback) onFallback(reason);
    fallback ??= createFileIntrospector();
    worker = undefined;
    for (const p of pending.values()) p.reject(new Error(`introspection worker stopped: ${reason}`));
    pending.clear();
  };
  try {
    worker = start();
    worker.on('message', (reply: Reply) => {
      const p = pending.get(reply.id);
      if (!p) return;
      pending.delete(reply.id);
      if (pending.size === 0) worker?.unref();
      if (reply.error) p.reject(revive(reply.error));
      else p.resolve(reply.value);
    });
    worker.on('error', (e) => giveUp(e.message));
    worker.on('exit', (code) => giveUp(`exit code ${code}`));
    // Keep the process alive for the worker only while it owes an answer (after the listeners, which ref it).
    worker.unref();
  } catch (e) {
    giveUp((e as Error).message);
  }
  const call = <T>(method: Method, args: unknown[]): Promise<T> => {
    if (fallback || !worker) return (fallback![method] as (...a: unknown[]) => Promise<T>)(...args);
    const id = ++nextId;
    return new Promise<T>((resolve, reject) => {
      if (pending.size === 0) worker!.ref();
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker!.postMessage({ id, method, args } satisfies Request);
    });
  };
  return {
    variables: (path) => call('variables', [path]),
    describe: (path, key) => call('describe', [path, key]),
    variableNames: (path) => call('variableNames', [path]),
    tableRowCount: (path, header) => call('tableRowCount', [path, header]),
    clear(path) {
      if (fallback) fallback.clear(path);
      else worker?.postMessage({ id: 0, method: 'clear', args: [path] } satisfies Request);
    },
  };
}
