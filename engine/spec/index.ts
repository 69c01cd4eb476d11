/**
 * The spec module: the one parser and validator shared by the CLI, the run engine and the
 * language server. Nothing here depends on the CLI or on VS Code.
 */
import { parseSpec, type ParsedSpec } from './document';
import { validateAgainstSchema } from './schema';
import { resolveSpec } from './resolve';
import { checkSemantics, type DataIntrospector } from './semantics';
import type { Problem, Spec } from './types';

export * from './types';
export { parseSpec, rangeAt, nodeAt, pairAt, pathAtOffset, offsetToPosition, positionToOffset, offsetsToRange, isMap, isPair, isScalar, isSeq } from './document';
export type { ParsedSpec, SpecPath } from './document';
export { validateAgainstSchema, specSchema, schemaAtPointer } from './schema';
export { resolveSpec, resolvePath, defaultOutputPath } from './resolve';
export { checkSemantics, layoutOf, condensedToCount } from './semantics';
export type { DataIntrospector, VariableDescription, SourceLayout } from './semantics';
export { didYouMean, editDistance } from './suggest';

export interface CheckResult {
  parsed: ParsedSpec;
  /** Present when the spec is syntactically and schema-valid (semantic errors may remain). */
  spec?: Spec;
  problems: Problem[];
}

/** Parse, validate against the schema and, when that passes, check the data files. */
export async function checkSpec(text: string, specFile: string, io: DataIntrospector): Promise<CheckResult> {
  const parsed = parseSpec(text);
  if (parsed.problems.some((p) => p.severity === 'error')) return { parsed, problems: parsed.problems };
  const schemaProblems = validateAgainstSchema(parsed);
  const problems = [...parsed.problems, ...schemaProblems];
  if (schemaProblems.length > 0) return { parsed, problems };
  const spec = resolveSpec(parsed.value as Record<string, unknown>, specFile);
  problems.push(...(await checkSemantics(parsed, spec, io)));
  return { parsed, spec, problems: sortProblems(problems) };
}

export function sortProblems(problems: Problem[]): Problem[] {
  return [...problems].sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}
