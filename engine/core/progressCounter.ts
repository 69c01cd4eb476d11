/**
 * Counted progress for long loops (bootstrap and permutation samples, folds): turns "sample `done`
 * of `total`" into the message the CLI's progress line and the editor's progress notification show,
 * "bootstrap 412/1000, about 1 min 20 s left", and the fraction of the loop done. Dependency-free.
 *
 * The estimate is the mean time per item so far times the items left; it is withheld until a few
 * items and a little time have passed (the first samples include warm-up and would mislead), and
 * `shouldReport` throttles updates so that a fast loop does not flood the progress channel.
 */
export interface ProgressCount {
  /** Fraction of the loop done, in [0, 1]. */
  fraction: number;
  /** e.g. "bootstrap 412/1000, about 1 min 20 s left" */
  message: string;
}

export interface ProgressCounterOptions {
  /** Clock in milliseconds (default performance.now); tests pass their own. */
  now?: () => number;
  /** Least time between two reports that `shouldReport` lets through (default 250 ms). */
  minIntervalMs?: number;
}

/** No estimate before this many items and this much time. */
const MIN_ITEMS_FOR_ESTIMATE = 3;
const MIN_MS_FOR_ESTIMATE = 1000;

export class ProgressCounter {
  private readonly now: () => number;
  private readonly started: number;
  private readonly minIntervalMs: number;
  private lastReport = -Infinity;

  constructor(
    readonly label: string,
    readonly total: number,
    options: ProgressCounterOptions = {},
  ) {
    this.now = options.now ?? (() => performance.now());
    this.minIntervalMs = options.minIntervalMs ?? 250;
    this.started = this.now();
  }

  /** The count, fraction and time-left estimate after `done` items. */
  count(done: number): ProgressCount {
    const total = Math.max(0, this.total);
    const clamped = Math.min(Math.max(0, done), total);
    const fraction = total === 0 ? 1 : clamped / total;
    let message = `${this.label} ${clamped}/${total}`;
    const elapsed = this.now() - this.started;
    if (clamped < total && clamped >= MIN_ITEMS_FOR_ESTIMATE && elapsed >= MIN_MS_FOR_ESTIMATE) {
      message += `, about ${formatDuration((elapsed / clamped) * (total - clamped))} left`;
    }
    return { fraction, message };
  }

  /** Estimated seconds left after `done` items; undefined while the estimate is withheld (see count). */
  etaSeconds(done: number): number | undefined {
    const total = Math.max(0, this.total);
    const clamped = Math.min(Math.max(0, done), total);
    const elapsed = this.now() - this.started;
    if (clamped >= total || clamped < MIN_ITEMS_FOR_ESTIMATE || elapsed < MIN_MS_FOR_ESTIMATE) return undefined;
    return ((elapsed / clamped) * (total - clamped)) / 1000;
  }

  /** True for the last item and otherwise at most once per `minIntervalMs`. */
  shouldReport(done: number): boolean {
    const t = this.now();
    if (done >= this.total || t - this.lastReport >= this.minIntervalMs) {
      this.lastReport = t;
      return true;
    }
    return false;
  }
}

/** "45 s", "1 min 20 s", "2 h 05 min": coarse on purpose, an estimate is not a promise. */
export function formatDuration(milliseconds: number): string {
  const seconds = Math.max(1, Math.round(milliseconds / 1000));
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) {
    const minutes = Math.floor(seconds / 60);
    const rest = seconds % 60;
    return rest === 0 ? `${minutes} min` : `${minutes} min ${rest} s`;
  }
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.round((seconds % 3600) / 60);
  return `${hours} h ${String(minutes).padStart(2, '0')} min`;
}
