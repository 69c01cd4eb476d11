/**
 * The one protocol between a run's host — the CLI (engine/cli.ts) or the extension
 * (client/runController.ts) — and the worker thread that runs the engine (engine/run/worker.ts).
 *
 *   host → worker:  start      (once; carries the cancel flag)
 *   worker → host:  progress*  then exactly one of  done | cancelled | failed
 *
 * Cancelling has one path, the same for both hosts (`RunHandle.cancel`):
 *   1. the host sets the shared cancel flag (an Int32 in a SharedArrayBuffer). The worker's
 *      AbortSignal reads the flag each time `signal.aborted` is asked, so even a synchronous kernel
 *      loop that polls the signal stops at its next check, without waiting for the event loop; the
 *      worker also polls the flag while idle so that awaited I/O is aborted too. The engine then
 *      throws CancelledError and the worker replies `cancelled`.
 *   2. only if no reply came within CANCEL_GRACE_MILLISECONDS (a kernel that never checks the
 *      signal), the host terminates the thread. Results and cache files are written atomically
 *      (temporary file, then rename), so neither path leaves a half-written file; the grace period
 *      lets a run that is already writing finish its rename instead of leaving a temporary file.
 *
 * Progress carries structured fields (stage, fraction, message, and when the engine knows them
 * `done`/`total` counts and `etaSeconds`); `describeProgress` is the one text both hosts show.
 */
import { Worker } from 'node:worker_threads';
import { SimspecError } from '../core/errors';
import type { Problem } from '../spec/types';
import { SpecProblemsError, type ProgressEvent, type RunOptions } from './execute';
import type { Results } from './results';

/** After a cancel, how long the host waits for the engine to stop by itself before terminating the thread. */
export const CANCEL_GRACE_MILLISECONDS = 1000;

/** What a run needs besides the spec: the plain (cloneable) part of RunOptions. */
export type RunSettings = Pick<RunOptions, 'comparisons' | 'output' | 'cacheFolder' | 'threads' | 'write'>;

export interface StartMessage extends RunSettings {
  type: 'start';
  specFile: string;
  /** Int32 shared with the host: 0 = run, 1 = cancel. */
  cancelFlag: SharedArrayBuffer;
}

/** One progress report. `done`/`total`/`etaSeconds` appear only when the stage can count its work. */
export interface RunProgress {
  stage: ProgressEvent['stage'];
  /** Overall fraction of the run in [0, 1]. */
  fraction: number;
  message: string;
  /** Units of the current step finished so far (e.g. bootstrap samples), with `total`. */
  done?: number;
  total?: number;
  /** Estimated seconds left in the current step. */
  etaSeconds?: number;
}

/** A failure as it crosses the thread boundary (errors lose their class when cloned). */
export interface RunFailure {
  /** spec: the spec has problems (each with a range); user: a SimspecError; internal: a bug in simspec. */
  kind: 'spec' | 'user' | 'internal';
  message: string;
  code?: string;
  file?: string;
  problems?: Problem[];
  stack?: string;
}

export type WorkerMessage =
  | ({ type: 'progress' } & RunProgress)
  | { type: 'done'; results: Results }
  | { type: 'cancelled' }
  | { type: 'failed'; failure: RunFailure };

export type RunOutcome =
  | { status: 'done'; results: Results }
  /** via 'signal': the engine stopped itself; 'terminate': the thread had to be stopped. */
  | { status: 'cancelled'; via: 'signal' | 'terminate'; cancelMilliseconds: number }
  | { status: 'failed'; failure: RunFailure };

/** The message for one engine progress event: the structured fields, counts only when they are real numbers. */
export function progressMessage(event: ProgressEvent): WorkerMessage & { type: 'progress' } {
  const message: WorkerMessage & { type: 'progress' } = { type: 'progress', stage: event.stage, fraction: event.fraction, message: event.message };
  if (isCount(event.done) && isCount(event.total)) {
    message.done = event.done;
    message.total = event.total;
  }
  if (typeof event.etaSeconds === 'number' && Number.isFinite(event.etaSeconds) && event.etaSeconds >= 0) message.etaSeconds = event.etaSeconds;
  return message;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

/** "~45 s", "~3 min", "~2 h 5 min": coarse on purpose, an estimate should not look precise. */
export function formatEta(seconds: number): string {
  if (seconds < 1) return '<1 s';
  if (seconds < 90) return `~${Math.round(seconds)} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `~${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return `~${hours} h ${minutes - hours * 60} min`;
}

/** The progress text both hosts show, e.g. "rsa: conv5 × IT: bootstrap 412/1000, ~30 s left". */
export function describeProgress(progress: Omit<RunProgress, 'stage' | 'fraction'>): string {
  let text = progress.message;
  if (progress.done !== undefined && progress.total !== undefined) text += ` ${progress.done}/${progress.total}`;
  if (progress.etaSeconds !== undefined) text += `${progress.done !== undefined ? ',' : ''} ${formatEta(progress.etaSeconds)} left`;
  return text;
}

/** Any error thrown by a run, as it crosses to the host. CancelledError is not a failure: see the worker. */
export function failureOf(error: unknown): RunFailure {
  if (error instanceof SpecProblemsError) return { kind: 'spec', message: error.message, code: error.code, file: error.specFile, problems: error.problems };
  if (error instanceof SimspecError) return { kind: 'user', message: error.message, code: error.code, ...(error.file !== undefined ? { file: error.file } : {}) };
  const e = error as Error | undefined;
  return { kind: 'internal', message: e?.message ?? String(error), ...(e?.stack ? { stack: e.stack } : {}) };
}

/** The error a failure stands for, so a host can handle a worker's failure like an in-thread one. */
export function errorOf(failure: RunFailure): Error {
  switch (failure.kind) {
    case 'spec':
      return new SpecProblemsError(failure.file ?? '', failure.problems ?? []);
    case 'user':
      // The message already names the file and variable (SimspecError formats them in).
      return new SimspecError(failure.message, { code: failure.code ?? 'error' });
    default: {
      const internal = new Error(failure.message);
      if (failure.stack) internal.stack = failure.stack;
      return internal;
    }
  }
}

/**
 * An AbortSignal that also aborts when the shared flag is set: `aborted` reads the flag (visible at
 * once, even inside a synchronous loop on this thread), and a timer polls it while the thread is
 * idle so that listeners of the 'abort' event (awaited reads) fire too. `stop()` ends the polling.
 */
export function signalFromFlag(cancelFlag: SharedArrayBuffer, pollMilliseconds = 50): { signal: AbortSignal; stop(): void } {
  const flag = new Int32Array(cancelFlag);
  const controller = new AbortController();
  const nativeAborted = Object.getOwnPropertyDescriptor(AbortSignal.prototype, 'aborted')!.get!;
  Object.defineProperty(controller.signal, 'aborted', {
    get(this: AbortSignal) {
      if (Atomics.load(flag, 0) === 1 && !nativeAborted.call(this)) controller.abort();
      return nativeAborted.call(this);
    },
  });
  const poll = setInterval(() => void controller.signal.aborted, pollMilliseconds);
  poll.unref();
  return { signal: controller.signal, stop: () => clearInterval(poll) };
}

export interface RunHandle {
  /** Asks the run to stop (the one cancel path above); further calls do nothing. */
  cancel(): void;
  readonly outcome: Promise<RunOutcome>;
}

export interface RunHooks {
  onProgress?: (progress: RunProgress) => void;
  /** Told when the grace period ran out and the thread is being terminated (for a log line). */
  onTerminate?: () => void;
}

/** Starts a run in a new worker thread (the bundle of engine/run/worker.ts at `workerPath`). */
export function startRunWorker(workerPath: string, specFile: string, settings: RunSettings, hooks: RunHooks = {}): RunHandle {
  const cancelFlag = new SharedArrayBuffer(4);
  const worker = new Worker(workerPath);
  let cancelledAt = 0;
  let settled = false;
  let killTimer: NodeJS.Timeout | undefined;
  let resolveOutcome!: (outcome: RunOutcome) => void;
  const outcome = new Promise<RunOutcome>((resolve) => (resolveOutcome = resolve));
  const finish = (result: RunOutcome) => {
    if (settled) return;
    settled = true;
    if (killTimer) clearTimeout(killTimer);
    void worker.terminate();
    resolveOutcome(result);
  };
  const sinceCancel = () => (cancelledAt ? Date.now() - cancelledAt : 0);
  worker.on('message', (message: WorkerMessage) => {
    switch (message.type) {
      case 'progress': {
        const { type: _type, ...progress } = message;
        if (!settled) hooks.onProgress?.(progress);
        break;
      }
      case 'done':
        finish({ status: 'done', results: message.results });
        break;
      case 'cancelled':
        finish({ status: 'cancelled', via: 'signal', cancelMilliseconds: sinceCancel() });
        break;
      case 'failed':
        finish({ status: 'failed', failure: message.failure });
        break;
    }
  });
  worker.on('error', (error) => finish({ status: 'failed', failure: { kind: 'internal', message: `the run's worker crashed: ${error.message}`, ...(error.stack ? { stack: error.stack } : {}) } }));
  worker.on('exit', (code) =>
    finish(cancelledAt ? { status: 'cancelled', via: 'terminate', cancelMilliseconds: sinceCancel() } : { status: 'failed', failure: { kind: 'internal', message: `the run's worker exited with code ${code} before replying` } }),
  );
  worker.postMessage({ type: 'start', specFile, cancelFlag, ...settings } satisfies StartMessage);
  return {
    outcome,
    cancel() {
      if (settled || cancelledAt) return;
      cancelledAt = Date.now();
      Atomics.store(new Int32Array(cancelFlag), 0, 1);
      killTimer = setTimeout(() => {
        hooks.onTerminate?.();
        finish({ status: 'cancelled', via: 'terminate', cancelMilliseconds: sinceCancel() });
      }, CANCEL_GRACE_MILLISECONDS);
    },
  };
}
