/** Places in a spec the client needs: the results path, a comparison's range, the comparison at the cursor. */
import { isAbsolute, resolve, dirname } from 'node:path';
import { defaultOutputPath, parseSpec, pathAtOffset, rangeAt, type Range } from '../engine/spec';

interface RawSpec { output?: unknown; comparisons?: { name?: unknown }[] }

function raw(text: string): RawSpec {
  const value = parseSpec(text).value;
  return value && typeof value === 'object' ? (value as RawSpec) : {};
}

/** Where a run of this spec writes its results (the spec's `output`, else `<name>.results.json` beside it). */
export function resultsPathOf(specFile: string, text: string): string {
  const output = raw(text).output;
  if (typeof output === 'string' && output.trim()) return isAbsolute(output) ? output : resolve(dirname(specFile), output);
  return defaultOutputPath(specFile);
}

export function comparisonNames(text: string): string[] {
  const comparisons = raw(text).comparisons;
  return Array.isArray(comparisons) ? comparisons.map((c) => (c && typeof c.name === 'string' ? c.name : '')).filter(Boolean) : [];
}

/** Range of the comparison's `name` value, or undefined. */
export function comparisonRange(text: string, name: string): Range | undefined {
  const index = comparisonNames(text).indexOf(name);
  if (index < 0) return undefined;
  try {
    return rangeAt(parseSpec(text), ['comparisons', index, 'name']);
  } catch {
    return undefined;
  }
}

/** Name of the comparison enclosing the offset, or undefined. */
export function comparisonAt(text: string, offset: number): string | undefined {
  const parsed = parseSpec(text);
  const { path } = pathAtOffset(parsed, offset);
  if (path[0] !== 'comparisons' || typeof path[1] !== 'number') return undefined;
  return comparisonNames(text)[path[1]];
}
