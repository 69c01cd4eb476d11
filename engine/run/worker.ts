/**
 * Runs a spec in a worker thread, so that the caller's thread stays responsive: the CLI's Ctrl-C
 * and the editor's Cancel work even while a metric is deep in a synchronous loop (the worker is
 * asked to stop through its AbortSignal first, then terminated). Messages:
 *   in:  { type: 'run', specFile, options } | { type: 'cancel' }
 *   out: { type: 'progress', event } | { type: 'done', results } | { type: 'error', error }
 */
import { parentPort } from 'node:worker_threads';
import { CancelledError, isSimspecError } from '../core/errors';
import { runSpec, SpecProblemsError, type RunOptions } from './execute';

export type WorkerRequest = { type: 'run'; specFile: string; options: Omit<RunOptions, 'signal' | 'onProgress'> } | { type: 'cancel' };

export interface SerializedError {
  kind: 'spec' | 'user' | 'cancelled' | 'internal';
  message: string;
  code?: string;
  specFile?: string;
  problems?: SpecProblemsError['problems'];
  stack?: string;
}

export function serializeError(error: unknown): SerializedError {
  if (error instanceof SpecProblemsError) return { kind: 'spec', message: error.message, specFile: error.specFile, problems: error.problems, code: error.code };
  if (error instanceof CancelledError) return { kind: 'cancelled', message: 'cancelled' };
  if (isSimspecError(error)) return { kind: 'user', message: error.message, code: error.code };
  const e = error as Error;
  return { kind: 'internal', message: e?.message ?? String(error), ...(e?.stack ? { stack: e.stack } : {}) };
}

if (parentPort) {
  const port = parentPort;
  const controller = new AbortController();
  port.on('message', (request: WorkerRequest) => {
    if (request.type === 'cancel') {
      controller.abort();
      return;
    }
    runSpec(request.specFile, { ...request.options, signal: controller.signal, onProgress: (event) => port.postMessage({ type: 'progress', event }) }).then(
      (results) => port.postMessage({ type: 'done', results }),
      (error) => port.postMessage({ type: 'error', error: serializeError(error) }),
    );
  });
}
