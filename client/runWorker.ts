/**
 * The worker thread that runs the engine, so a long run never blocks the extension host. Receives
 * one `start` message, posts progress, and ends with `done` (results path) or `failed`. A `cancel`
 * message aborts the run's AbortSignal; the engine stops at its next check and writes nothing.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CancelledError, SimspecError } from '../engine/core/errors';
import { runSpec, SpecProblemsError } from '../engine/run/execute';
import type { WorkerReply, WorkerRequest } from './runProtocol';

const port = parentPort!;
const controller = new AbortController();
const start = workerData as WorkerRequest & { type: 'start' };
// The engine's kernels are synchronous loops that check `signal.aborted`; a 'cancel' message could
// only be handled after such a loop returns. The shared flag is visible at once.
if (start.cancelFlag) {
  const flag = new Int32Array(start.cancelFlag);
  const native = Object.getOwnPropertyDescriptor(AbortSignal.prototype, 'aborted')!.get!;
  Object.defineProperty(controller.signal, 'aborted', {
    get(this: AbortSignal) {
      if (Atomics.load(flag, 0) === 1 && !native.call(this)) controller.abort();
      return native.call(this);
    },
  });
}

function reply(message: WorkerReply): void {
  port.postMessage(message);
}

port.on('message', (message: WorkerRequest) => {
  if (message.type === 'cancel') controller.abort();
});

async function main(request: WorkerRequest & { type: 'start' }): Promise<void> {
  try {
    const results = await runSpec(request.specFile, {
      comparisons: request.comparisons,
      output: request.output,
      ...(request.cacheFolder ? { cacheFolder: request.cacheFolder } : {}),
      ...(request.threads ? { threads: request.threads } : {}),
      signal: controller.signal,
      onProgress: (e) => reply({ type: 'progress', stage: e.stage, fraction: e.fraction, message: e.message }),
    });
    const output = (results as unknown as { outputPath?: string }).outputPath ?? request.output;
    reply({ type: 'done', output, scores: results.scores.length, milliseconds: results.timings.totalMilliseconds, warnings: results.warnings });
  } catch (error) {
    if (error instanceof CancelledError || controller.signal.aborted) {
      reply({ type: 'cancelled' });
    } else if (error instanceof SpecProblemsError) {
      reply({ type: 'failed', message: error.message, file: error.specFile, problems: error.problems.filter((p) => p.severity === 'error').map((p) => ({ message: p.message, range: p.range })) });
    } else if (error instanceof SimspecError) {
      reply({ type: 'failed', message: error.message, file: error.file, code: error.code });
    } else {
      reply({ type: 'failed', message: `internal error: ${(error as Error)?.stack ?? String(error)}`, internal: true });
    }
  }
}

void main(start);
