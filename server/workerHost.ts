/**
 * Main-thread side of one language-service worker (server/serviceWorker.ts): sends requests,
 * matches replies, and stops the worker when it is stuck, so that nothing a document contains can
 * hold up the LSP loop.
 *
 * - A request may be given a time to answer by (`answerWithinMs`): past it, the caller gets
 *   `late` and answers its fallback; the worker skips the request if it has not started it.
 * - The request the worker is running (the oldest unanswered one: the worker serves them in
 *   order) is abandoned after `hardLimitMs`: the worker is terminated — which interrupts even a
 *   synchronous loop in a parser — and a fresh one is started for the next request.
 * - A worker that runs out of its memory limit or throws outside a request is replaced the same way.
 * - A spare worker is kept loaded, so a replacement answers at once.
 * Every request ends in exactly one `Outcome`; none is left waiting. Time spent loading the first
 * worker counts neither against the hard limit nor against `answerWithinMs` (up to `startupGraceMs`).
 */
import type { Worker } from 'node:worker_threads';
import type { Feature, FeatureParams, FromWorker, ServiceFailure, ToWorker } from './serviceWorker';

/** timeout: past the hard limit; memory: past the worker's heap limit; crash: the worker died; startup: it died before it came online; cancelled: by the caller. */
export type StopCause = 'timeout' | 'memory' | 'crash' | 'startup' | 'cancelled';

export type Outcome =
  | { kind: 'value'; value: unknown }
  /** The service threw: a bug or an unreadable input, to be shown, never taken as "no problems". */
  | { kind: 'failed'; failure: ServiceFailure }
  /** Not answered within `answerWithinMs` (the worker may still be computing it). */
  | { kind: 'late' }
  /**
   * The worker was stopped while this request was unanswered. `culprit` is true for the request it
   * was running (the one that took too long, or was cancelled), false for the ones waiting behind it.
   */
  | { kind: 'stopped'; cause: StopCause; detail: string; culprit: boolean; elapsedMs: number };

export interface VersionedText {
  uri: string;
  version: number;
  getText(): string;
}

export interface WorkerHostOptions {
  /** Creates the worker (which must call serveLanguageService). May throw: the host is then unavailable. */
  start: () => Worker;
  /** How long one request may run before the worker is stopped. */
  hardLimitMs: number;
  /** What the worker is for, in log lines ("validation", "language features"). */
  name: string;
  /**
   * Keep a second worker started and idle, so that replacing a stopped worker costs nothing (a
   * worker takes a second or more to load the engine on a busy machine) (default true).
   */
  keepSpare?: boolean;
  /** How long requests sent before the first worker is loaded may wait for it (default 15 s). */
  startupGraceMs?: number;
  log: (message: string) => void;
}

interface Pending {
  feature: Feature;
  uri: string;
  version: number;
  sentAt: number;
  settled: boolean;
  resolve: (outcome: Outcome) => void;
  answerWithinMs?: number;
  /** This request's own hard limit (default: the host's). */
  hardLimitMs?: number;
  timer?: ReturnType<typeof setTimeout>;
}

interface Slot {
  worker: Worker;
  /** The service is loaded (its `ready` message arrived): from then on a death is the work's doing. */
  ready: boolean;
}

/** Failures to start before a worker ever came online, after which the host gives up (the caller falls back). */
const MAX_FAILED_STARTS = 3;

export class WorkerHost {
  private active: Slot | undefined;
  private spare: Slot | undefined;
  private everReady = false;
  private failedStarts = 0;
  private unavailableReason: string | undefined;
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();
  /** Versions of each document the active worker holds (so the text is sent once per version). */
  private readonly sent = new Map<string, number>();
  private headTimer: ReturnType<typeof setTimeout> | undefined;
  private headId: number | undefined;
  private headSince = 0;

  constructor(private readonly options: WorkerHostOptions) {}

  /** False once the worker could not be started (repeatedly): the caller must serve in-process. */
  get available(): boolean {
    return this.unavailableReason === undefined;
  }

  /** Start the worker (and its spare) ahead of the first request. */
  warm(): void {
    this.ensureActive();
  }

  /** The request the worker is running, and since when (for cancelling a superseded validation). */
  running(): { uri: string; version: number; feature: Feature; forMs: number } | undefined {
    if (this.headId === undefined || !this.active?.ready) return undefined;
    const head = this.pending.get(this.headId);
    return head ? { uri: head.uri, version: head.version, feature: head.feature, forMs: Date.now() - this.headSince } : undefined;
  }

  request(feature: Feature, document: VersionedText, params: FeatureParams, answerWithinMs?: number, hardLimitMs?: number): Promise<Outcome> {
    const slot = this.ensureActive();
    if (!slot) return Promise.resolve({ kind: 'stopped', cause: 'startup', detail: `the worker cannot start (${this.unavailableReason})`, culprit: false, elapsedMs: 0 });
    const id = ++this.nextId;
    const { uri, version } = document;
    const text = this.sent.get(uri) === version ? undefined : document.getText();
    // Before the first worker is loaded, the time to answer starts when it is (see onReady); the worker then skips nothing.
    const timed = answerWithinMs !== undefined && this.everReady;
    const deadline = timed ? Date.now() + answerWithinMs : undefined;
    return new Promise<Outcome>((resolve) => {
      const entry: Pending = { feature, uri, version, sentAt: Date.now(), settled: false, resolve, ...(answerWithinMs !== undefined ? { answerWithinMs } : {}), ...(hardLimitMs !== undefined ? { hardLimitMs } : {}) };
      if (timed) entry.timer = setTimeout(() => this.settle(entry, { kind: 'late' }), answerWithinMs);
      else if (answerWithinMs !== undefined) entry.timer = setTimeout(() => this.settle(entry, { kind: 'late' }), this.options.startupGraceMs ?? 15_000);
      this.pending.set(id, entry);
      try {
        slot.worker.postMessage({ kind: 'request', id, feature, uri, version, params, ...(text !== undefined ? { text } : {}), ...(deadline !== undefined ? { deadline } : {}) } satisfies ToWorker);
        this.sent.set(uri, version);
      } catch (e) {
        // Parameters that cannot be cloned: a bug of ours, reported like a failure inside the service.
        this.pending.delete(id);
        this.settle(entry, { kind: 'failed', failure: { name: (e as Error).name ?? 'Error', message: (e as Error).message ?? String(e), simspec: false } });
        return;
      }
      this.watchHead();
      this.holdProcess();
    });
  }

  forget(uri: string): void {
    this.sent.delete(uri);
    this.post({ kind: 'forget', uri });
  }

  /** Drop cached data-file introspection in the workers (a data file changed on disk). */
  clear(path?: string): void {
    const message: ToWorker = { kind: 'clear', ...(path !== undefined ? { path } : {}) };
    this.post(message);
    try {
      this.spare?.worker.postMessage(message);
    } catch {
      // a spare that is going away
    }
  }

  /** Stop the active worker now; every unanswered request ends `stopped` with this cause. The spare takes over. */
  stop(cause: StopCause, detail: string): void {
    const slot = this.active;
    if (!slot) return;
    this.active = undefined;
    this.sent.clear();
    clearTimeout(this.headTimer);
    this.headTimer = undefined;
    const headId = this.headId;
    this.headId = undefined;
    this.kill(slot);
    const now = Date.now();
    for (const [id, entry] of this.pending) {
      const culprit = id === headId;
      this.settle(entry, { kind: 'stopped', cause, detail, culprit, elapsedMs: now - (culprit ? this.headSince : entry.sentAt) });
    }
    this.pending.clear();
    // Load the replacement now rather than on the next request.
    if (this.available && this.spare) this.ensureActive();
  }

  dispose(): void {
    this.stop('cancelled', 'the server is shutting down');
    if (this.spare) this.kill(this.spare);
    this.spare = undefined;
  }

  private kill(slot: Slot): void {
    slot.worker.removeAllListeners();
    slot.worker.on('error', () => {}); // an error racing the termination has nobody left to tell
    void slot.worker.terminate().catch(() => {});
  }

  private post(message: ToWorker): void {
    try {
      this.active?.worker.postMessage(message);
    } catch {
      // A worker that is going away: it will be replaced for the next request, without this state.
    }
  }

  private ensureActive(): Slot | undefined {
    if (this.active) return this.active;
    if (!this.available) return undefined;
    const promoted = this.spare;
    this.spare = undefined;
    this.active = promoted ?? this.spawn();
    if (this.active?.ready) this.onReady(this.active);
    return this.active;
  }

  private spawn(): Slot | undefined {
    let worker: Worker;
    try {
      worker = this.options.start();
    } catch (e) {
      this.unavailableReason = (e as Error).message ?? String(e);
      this.options.log(`simspec: the ${this.options.name} worker cannot start (${this.unavailableReason}); serving on the main thread`);
      return undefined;
    }
    const slot: Slot = { worker, ready: false };
    worker.on('message', (reply: FromWorker) => {
      if ('ready' in reply) {
        slot.ready = true;
        this.everReady = true;
        this.failedStarts = 0;
        if (slot === this.active) this.onReady(slot);
      } else if (slot === this.active) {
        this.onReply(reply);
      }
    });
    worker.on('error', (e: Error & { code?: string }) => {
      if (e.code === 'ERR_WORKER_OUT_OF_MEMORY') {
        const limit = worker.resourceLimits?.maxOldGenerationSizeMb;
        this.died(slot, 'memory', `it needed more than ${limit ? `${limit} MB` : 'the memory allowed'} of memory`);
      } else {
        this.died(slot, 'crash', `${e.name}: ${e.message}`);
      }
    });
    worker.on('exit', (code) => this.died(slot, 'crash', `the worker exited with code ${code}`));
    worker.unref();
    return slot;
  }

  private died(slot: Slot, cause: StopCause, detail: string): void {
    if (!slot.ready && ++this.failedStarts >= MAX_FAILED_STARTS && this.available) {
      this.unavailableReason = detail;
      this.options.log(`simspec: the ${this.options.name} worker failed to start ${MAX_FAILED_STARTS} times (${detail}); serving on the main thread`);
    }
    if (slot === this.spare) {
      this.kill(slot);
      this.spare = undefined;
      return;
    }
    if (slot !== this.active) return;
    if (!slot.ready) this.stop('startup', detail);
    else this.stop(cause, cause === 'crash' ? `the checker crashed (${detail})` : detail);
  }

  /** The active worker is loaded: start the clocks of the requests that waited for it, and load a spare. */
  private onReady(slot: Slot): void {
    for (const entry of this.pending.values()) {
      if (entry.answerWithinMs === undefined || entry.settled) continue;
      clearTimeout(entry.timer);
      entry.timer = setTimeout(() => this.settle(entry, { kind: 'late' }), entry.answerWithinMs);
    }
    this.headId = undefined;
    this.watchHead();
    if ((this.options.keepSpare ?? true) && !this.spare && slot === this.active) this.spare = this.spawn();
  }

  private onReply(reply: Exclude<FromWorker, { ready: true }>): void {
    const entry = this.pending.get(reply.id);
    if (!entry) return;
    this.pending.delete(reply.id);
    if ('value' in reply) this.settle(entry, { kind: 'value', value: reply.value });
    else if ('failure' in reply) this.settle(entry, { kind: 'failed', failure: reply.failure });
    else this.settle(entry, { kind: 'late' });
    this.watchHead();
    this.holdProcess();
  }

  /** An idle worker does not keep the process alive (a test's, or a server whose connection closed). */
  private holdProcess(): void {
    if (this.pending.size > 0) this.active?.worker.ref();
    else this.active?.worker.unref();
  }

  private settle(entry: Pending, outcome: Outcome): void {
    clearTimeout(entry.timer);
    if (entry.settled) return;
    entry.settled = true;
    entry.resolve(outcome);
  }

  /** Time the oldest unanswered request — the one the worker is running — against the hard limit, once the worker is loaded. */
  private watchHead(): void {
    const first = this.pending.keys().next();
    const headId = first.done ? undefined : first.value;
    if (headId === this.headId) return;
    clearTimeout(this.headTimer);
    this.headTimer = undefined;
    this.headId = headId;
    this.headSince = Date.now();
    if (headId === undefined || !this.active?.ready) return;
    const limitMs = this.pending.get(headId)?.hardLimitMs ?? this.options.hardLimitMs;
    const seconds = (limitMs / 1000).toFixed(1);
    this.headTimer = setTimeout(() => this.stop('timeout', `it took longer than ${seconds} s`), limitMs);
    this.headTimer.unref?.();
  }
}
