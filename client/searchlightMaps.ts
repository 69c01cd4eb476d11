/**
 * Host side of the searchlight slice viewer (client/webview/slices.ts): for each `metric:
 * searchlight` comparison of a results file, the group map of each layer (t when there is one, else
 * the mean) read from the NIfTI files written beside the results and posted as base64. A results
 * file is input: only plain `.nii` names listed in its `derived` files, in the results' own folder,
 * under a size cap, are read. No `vscode` import (the webview test calls it directly).
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { SearchlightMap } from './webview/protocol';

/** Largest map file posted to the webview (a 64×64×40 float32 map is 0.6 MB). */
export const MAX_MAP_BYTES = 32 * 1024 * 1024;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export async function searchlightMaps(resultsFile: string, results: unknown): Promise<SearchlightMap[]> {
  if (!isObject(results) || !Array.isArray(results.comparisons) || !isObject(results.derived)) return [];
  const names = new Set(results.comparisons.filter((c) => isObject(c) && c.metric === 'searchlight').map((c) => String((c as Record<string, unknown>).name)));
  const maps: SearchlightMap[] = [];
  for (const [comparison, d] of Object.entries(results.derived)) {
    if (!names.has(comparison) || !isObject(d) || !Array.isArray(d.files)) continue;
    const files = d.files.filter(isObject).filter((f) => typeof f.file === 'string' && typeof f.name === 'string' && typeof f.layer === 'string');
    const layers = [...new Set(files.map((f) => f.layer as string))];
    for (const layer of layers) {
      const pick = files.find((f) => f.layer === layer && f.name === `${layer}.t`) ?? files.find((f) => f.layer === layer && f.name === `${layer}.mean`);
      if (!pick) continue;
      const file = pick.file as string;
      if (file !== basename(file) || !file.endsWith('.nii')) continue;
      const path = join(dirname(resultsFile), file);
      try {
        if ((await stat(path)).size > MAX_MAP_BYTES) continue;
        const summary = isObject(d.layers) ? d.layers[layer] : undefined;
        const voxel = isObject(summary) && isObject(summary.peak) ? summary.peak.voxel : undefined;
        const peak = Array.isArray(voxel) && voxel.length === 3 && voxel.every((v) => Number.isInteger(v)) ? (voxel as number[]) : undefined;
        maps.push({ comparison, layer, name: file, statistic: (pick.name as string).endsWith('.t') ? 't' : 'mean', ...(peak ? { peak } : {}), base64: (await readFile(path)).toString('base64') });
      } catch {
        // a map deleted since the run: the tables still show
      }
    }
  }
  return maps;
}
