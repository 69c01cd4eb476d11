import type { NDArray } from '../core/matrix';

/**
 * A reference case folder (the format of the peers' fixtures): `expected.json` or `case.json`
 * names a metric id, its params and its input files. A handler computes the value from params and
 * inputs only; it never sees the expected `value`.
 */
export interface ReferenceCase {
  name: string;
  group: string;
  metric: string;
  params: Record<string, unknown>;
  /** Inputs by their role name (X, Y, rdm1, rdms, repeats, ...), already read from .npy. */
  inputs: Record<string, NDArray>;
  /** Folder of the case, for params that name further files (e.g. `noise: "precision.npy"`). */
  dir: string;
}

/** Returns a JSON-serialisable value shaped like the reference's `value`. */
export type CaseHandler = (referenceCase: ReferenceCase) => unknown;

/** Each metric family exports one of these from engine/cases/<family>.ts, keyed by metric id. */
export type CaseHandlers = Record<string, CaseHandler>;
