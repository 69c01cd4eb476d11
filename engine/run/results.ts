/**
 * The results file: one JSON document (schemas/results.schema.json) that the CLI writes, the panel
 * reads, and anyone can archive. Written atomically — a temporary file in the same folder, then a
 * rename — so a failed or cancelled run never leaves a half-written file or clobbers an earlier one.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import type { Results } from './resultsFormat';

export const ENGINE_VERSION = '0.1.0';

// The type lives in a module without Node imports, so that the panel (a browser bundle) can import it.
export type { Results } from './resultsFormat';

export function sha256(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

/** JSON with non-finite numbers as null (JSON has no NaN) and typed arrays as lists. */
export function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, v) => {
      if (typeof v === 'number' && !Number.isFinite(v)) return null;
      if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
      return v;
    },
    1,
  );
}

export function writeResultsAtomically(path: string, results: Results): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    writeFileSync(temporary, toJson(results) + '\n');
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
