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
export { checkSemantics, layoutOf, condensedToCount, sizeProblem, valueProblem, sourceOrigin } from './semantics';
export type { DataIntrospector, VariableDescription, SourceLayout, ValueCheck, ValueProblem } from './semantics';
export { didYouMean, editDistance } from './suggest';

export interface CheckResult {
  parsed: ParsedSpec;
  /** Present when the spec is syntactically and schema-valid (semantic errors may remain). */
  spec?: Spec;
  problems: Problem[];
}

/**
 * Parse, validate against the schema, and check the data files. Data checks also run when other
 * parts of the spec have schema errors — on the sources and comparisons that are themselves valid —
 * so that a user sees every problem at once, not one layer of them per fix.
 */
export async function checkSpec(text: string, specFile: string, io: DataIntrospector): Promise<CheckResult> {
  const parsed = parseSpec(text);
  if (parsed.problems.some((p) => p.severity === 'error')) return { parsed, problems: parsed.problems };
  const schemaProblems = validateAgainstSchema(parsed);
  const problems = [...parsed.problems, ...schemaProblems];
  const value = parsed.value;
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { parsed, problems };
  let spec: Spec;
  try {
    spec = resolveSpec(value as Record<string, unknown>, specFile);
  } catch {
    return { parsed, problems: sortProblems(problems) };
  }
  const hasSchemaError = (path: (string | number)[]) => schemaProblems.some((p) => p.path !== undefined && path.every((part, i) => p.path![i] === part));
  const checkable: Spec = schemaProblems.length === 0 ? spec : {
    ...spec,
    layers: spec.layers.filter((l) => !hasSchemaError(l.source.specPath)),
    regions: spec.regions.filter((r) => !hasSchemaError(r.source.specPath)),
    comparisons: spec.comparisons.filter((c) => !hasSchemaError(['comparisons', c.index])),
  };
  if (schemaProblems.some((p) => p.path !== undefined && p.path[0] === 'stimuli')) delete checkable.labels;
  try {
    // A data/parameter check on a block the schema already refused (e.g. `statistics.bootstrap`)
    // would only repeat it with less precision.
    const underSchemaError = (path: (string | number)[] | undefined) =>
      path !== undefined && schemaProblems.some((p) => p.path !== undefined && p.path.length > 0 && p.path.slice(0, 2).every((part, i) => path[i] === part));
    problems.push(...(await checkSemantics(parsed, checkable, io)).filter((p) => !underSchemaError(p.path)));
  } catch (e) {
    if (schemaProblems.length === 0) throw e; // only a spec that is half-written may trip a check
  }
  return schemaProblems.length === 0 ? { parsed, spec, problems: sortProblems(problems) } : { parsed, problems: sortProblems(problems) };
}

export function sortProblems(problems: Problem[]): Problem[] {
  return [...problems].sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}
