/** Messages between the run controller (extension host) and the run worker thread. */
import type { Range } from '../engine/spec/types';

export type WorkerRequest =
  /** cancelFlag: Int32 shared with the controller; 1 = cancel. Read by the run's signal, so even a synchronous kernel loop that checks `signal.aborted` sees the cancel without waiting for a message. */
  | { type: 'start'; specFile: string; comparisons?: string[]; output?: string; cacheFolder?: string; threads?: number; cancelFlag?: SharedArrayBuffer }
  | { type: 'cancel' };

export type WorkerReply =
  | { type: 'progress'; stage: string; fraction: number; message: string }
  | { type: 'done'; output?: string; scores: number; milliseconds: number; warnings: string[] }
  | { type: 'cancelled' }
  | { type: 'failed'; message: string; file?: string; code?: string; problems?: { message: string; range: Range }[]; internal?: boolean };
