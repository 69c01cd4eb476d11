/**
 * RDMs too large for the results JSON (more than RDMS_IN_RESULTS_MAX stimuli) go to a sidecar
 * `<output>.rdms.npz` beside the results file (docs/results.md, "RDM sidecar"): one float64 array
 * per RDM, condensed (squareform order; brain regions: mean over subjects), named `model/<layer>`
 * and `brain/<region>` — `numpy.load(path)['brain/IT']`, or `file: ..., key: brain/IT` in a spec.
 * The archive is stored, not deflated (doubles barely compress, and storing is fast), and written
 * atomically like the results file; the results file names it under `rdmSidecar`.
 */
import { basename, resolve } from 'node:path';
import { zipSync } from 'fflate';
import { SimspecError } from '../core/errors';
import { encodeNpy } from '../io/npyWriter';

/** Up to this many stimuli, RDMs are kept in the results file itself (for the panel's heat maps). */
export const RDMS_IN_RESULTS_MAX = 400;

/** A plain zip holds members below 4 GiB and an archive below 4 GiB (fflate writes no zip64). */
const ZIP_LIMIT_BYTES = 0xffffffff - 1024 * 1024;

export interface LargeRdms {
  stimuli: number;
  model: Map<string, Float64Array>;
  brain: Map<string, Float64Array>;
}

export function rdmSidecarPath(resultsPath: string): string {
  return `${resolve(resultsPath)}.rdms.npz`;
}

/** The entry of the results file that names the sidecar and what it holds. */
export function rdmSidecarEntry(resultsPath: string, rdms: LargeRdms): { file: string; stimuli: number; model: string[]; brain: string[] } {
  return { file: basename(rdmSidecarPath(resultsPath)), stimuli: rdms.stimuli, model: [...rdms.model.keys()], brain: [...rdms.brain.keys()] };
}

/** The .npz bytes of the sidecar; a SimspecError when they would not fit a plain zip. */
export function encodeRdmSidecar(rdms: LargeRdms, resultsPath: string): Uint8Array {
  const members: Record<string, [Uint8Array, { level: 0 }]> = {};
  let bytes = 0;
  for (const [role, map] of [['model', rdms.model], ['brain', rdms.brain]] as const) {
    for (const [name, condensed] of map) {
      bytes += condensed.length * 8 + 256;
      if (bytes > ZIP_LIMIT_BYTES) {
        throw new SimspecError(`the RDMs of ${rdms.stimuli} stimuli need more than 4 GiB, beyond what the RDM sidecar (a plain .npz) can hold`, {
          file: rdmSidecarPath(resultsPath),
          expected: 'fewer stimuli or fewer layers and regions per spec',
          code: 'output.rdms-too-large',
        });
      }
      members[`${role}/${name}.npy`] = [encodeNpy([condensed.length], condensed), { level: 0 }];
    }
  }
  return zipSync(members);
}
