/**
 * The run date of a results file for the panel's header. The results file holds only what the spec
 * and its data determine (engine/run/results.ts splitRunFacts); when it ran lives in the sidecar
 * `<output>.run.json`, written just after the file. A sidecar older than the file belongs to an
 * earlier run (the new one is not written yet), so it gives no date; the panel reloads when the
 * sidecar changes (client/panel.ts).
 */
import { readFile, stat } from 'node:fs/promises';

export function runFactsFile(resultsFile: string): string {
  return `${resultsFile}.run.json`;
}

/** `created` from the sidecar of this run, or undefined (no sidecar, an earlier run's, or unreadable). */
export async function readRunDate(resultsFile: string): Promise<string | undefined> {
  try {
    const sidecar = runFactsFile(resultsFile);
    const [file, facts] = await Promise.all([stat(resultsFile), stat(sidecar)]);
    if (facts.mtimeMs < file.mtimeMs) return undefined;
    const value = JSON.parse(await readFile(sidecar, 'utf8')) as { format?: unknown; created?: unknown };
    return value.format === 'simspec-run-facts' && typeof value.created === 'string' ? value.created : undefined;
  } catch {
    return undefined;
  }
}
