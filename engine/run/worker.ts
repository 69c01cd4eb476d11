/**
 * The worker thread that runs one spec, so that the host's thread stays responsive: the CLI's
 * Ctrl-C and the editor's Cancel work even while a metric is deep in a synchronous loop. Both
 * hosts start it through startRunWorker and speak engine/run/protocol.ts: one `start` in;
 * `progress`, then `done` | `cancelled` | `failed` out. Cancelling is the shared flag of the start
 * message, read by the run's AbortSignal (see signalFromFlag).
 */
import { parentPort } from 'node:worker_threads';
import { CancelledError } from '../core/errors';
import { runSpec } from './execute';
import { failureOf, progressMessage, signalFromFlag, type StartMessage, type WorkerMessage } from './protocol';

async function serveRun(start: StartMessage, reply: (message: WorkerMessage) => void): Promise<void> {
  const { type: _type, specFile, cancelFlag, ...settings } = start;
  const cancel = signalFromFlag(cancelFlag);
  try {
    const results = await runSpec(specFile, { ...settings, signal: cancel.signal, onProgress: (event) => reply(progressMessage(event)) });
    reply({ type: 'done', results });
  } catch (error) {
    // A run asked to stop may also fail on its way out (a read cut short); the user asked to stop.
    if (error instanceof CancelledError || cancel.signal.aborted) reply({ type: 'cancelled' });
    else reply({ type: 'failed', failure: failureOf(error) });
  } finally {
    cancel.stop();
  }
}

if (parentPort) {
  const port = parentPort;
  port.once('message', (start: StartMessage) => void serveRun(start, (message) => port.postMessage(message)));
}
