/**
 * Every failure a user can cause ends in a SimspecError: a message that names the file, the
 * variable and what was expected. The CLI prints `error: <message>` and exits non-zero; the
 * language server turns the same error into a diagnostic. A plain Error reaching the top level
 * is a bug in simspec, never the user's fault.
 */
export interface ErrorContext {
  /** Path of the data or spec file involved, as the user wrote it or absolute. */
  file?: string;
  /** Variable inside the file (npz key, mat variable or dotted path, HDF5 dataset). */
  variable?: string;
  /** What was expected instead, in words ("a 2-D float array", "92 rows"). */
  expected?: string;
  /** Stable machine-readable code, e.g. 'io.truncated', 'io.dtype', 'data.nonfinite'. */
  code?: string;
}

export class SimspecError extends Error {
  readonly file: string | undefined;
  readonly variable: string | undefined;
  readonly expected: string | undefined;
  readonly code: string;

  constructor(problem: string, context: ErrorContext = {}) {
    super(formatMessage(problem, context));
    this.name = 'SimspecError';
    this.file = context.file;
    this.variable = context.variable;
    this.expected = context.expected;
    this.code = context.code ?? 'error';
  }
}

function formatMessage(problem: string, { file, variable, expected }: ErrorContext): string {
  const where = [file, variable !== undefined ? `variable '${variable}'` : undefined].filter(Boolean).join(', ');
  const tail = expected !== undefined ? ` (expected ${expected})` : '';
  return where ? `${where}: ${problem}${tail}` : `${problem}${tail}`;
}

/** Raised when an AbortSignal stops a run; callers treat it as a clean stop, not a failure. */
export class CancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'CancelledError';
  }
}

export function isSimspecError(e: unknown): e is SimspecError {
  return e instanceof SimspecError;
}
