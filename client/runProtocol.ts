/** Messages between the run controller (extension host) and the run worker thread. */
import type { Range } from '../engine/spec/types';

export type WorkerRequest =
  | { type: 'start'; specFile: string; comparisons?: string[]; output?: string }
  | { type: 'cancel' };

export type WorkerReply =
  | { type: 'progress'; stage: string; fraction: number; message: string }
  | { type: 'done'; output?: string; scores: number; milliseconds: number; warnings: string[] }
  | { type: 'cancelled' }
  | { type: 'failed'; message: string; file?: string; code?: string; problems?: { message: string; range: Range }[]; internal?: boolean };
