/**
 * JSON Schema validation of a parsed spec (ajv, draft 2020-12), with every error mapped to the
 * range a user expects: value errors on the value, unknown keys on the key, missing keys on the
 * parent's key. The schema file (composed from the metric families at build time) is the single
 * source of truth; this module only translates.
 */
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import schemaJson from '../../schemas/simspec.schema.json';
import { rangeAt, type ParsedSpec, type SpecPath } from './document';
import { didYouMean } from './suggest';
import type { Problem } from './types';

export const specSchema = schemaJson as Record<string, unknown>;

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv2020({ allErrors: true, strict: false, allowUnionTypes: true, verbose: true });
    ajv.addKeyword({ keyword: 'markdownDescription', schemaType: 'string' });
    ajv.addKeyword({ keyword: 'markdownEnumDescriptions', schemaType: 'array' });
    compiled = ajv.compile(specSchema);
  }
  return compiled;
}

function pointerToPath(pointer: string): SpecPath {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/** Follow a JSON pointer (`#/$defs/x/properties/y`) inside the schema. */
export function schemaAtPointer(pointer: string): Record<string, unknown> | undefined {
  let node: unknown = specSchema;
  for (const part of pointer.replace(/^#\/?/, '').split('/').filter(Boolean)) {
    if (!node || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node && typeof node === 'object' ? (node as Record<string, unknown>) : undefined;
}

function describePath(path: SpecPath): string {
  if (path.length === 0) return 'the spec';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** Keys allowed in the object at `instancePath` (for did-you-mean on unknown keys). */
function allowedKeys(value: unknown, path: SpecPath, error: ErrorObject): string[] {
  const parent = error.parentSchema as Record<string, unknown> | undefined;
  const keys = new Set<string>(Object.keys((parent?.properties as object) ?? {}));
  // A comparison's keys come from the common part plus its metric's definition.
  if (error.keyword === 'unevaluatedProperties' && path[0] === 'comparisons') {
    const comparison = getIn(value, path) as Record<string, unknown> | undefined;
    const metric = typeof comparison?.metric === 'string' ? comparison.metric : undefined;
    const metricDef = metric ? schemaAtPointer(`#/$defs/${metric}Comparison`) : undefined;
    for (const k of Object.keys((metricDef?.properties as object) ?? {})) keys.add(k);
  }
  return [...keys];
}

function isMetricKeyWithoutKnownMetric(value: unknown, path: SpecPath, key: string): boolean {
  const METRICS = (schemaAtPointer('#/$defs/comparison/properties/metric')?.enum as string[] | undefined) ?? [];
  const metric = (getIn(value, path) as Record<string, unknown> | undefined)?.metric;
  if (typeof metric === 'string' && METRICS.includes(metric)) return false;
  return METRICS.some((m) => key in ((schemaAtPointer(`#/$defs/${m}Comparison`)?.properties as object) ?? {}));
}

function isOwnMetricKey(value: unknown, path: SpecPath, key: string): boolean {
  const metric = (getIn(value, path) as Record<string, unknown> | undefined)?.metric;
  if (typeof metric !== 'string') return false;
  return key in ((schemaAtPointer(`#/$defs/${metric}Comparison`)?.properties as object) ?? {});
}

function getIn(value: unknown, path: SpecPath): unknown {
  let node = value;
  for (const p of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[p];
  }
  return node;
}

function expectedTypes(errors: ErrorObject[]): string {
  const types = new Set<string>();
  for (const e of errors) {
    if (e.keyword === 'type') types.add(String((e.params as { type: string }).type));
    if (e.keyword === 'enum') types.add(`one of ${((e.params as { allowedValues: unknown[] }).allowedValues).map((v) => JSON.stringify(v)).join(', ')}`);
    if (e.keyword === 'const') types.add(JSON.stringify((e.params as { allowedValue: unknown }).allowedValue));
  }
  return [...types].join(' or ');
}

export function validateAgainstSchema(parsed: ParsedSpec): Problem[] {
  const value = parsed.value;
  if (value === undefined || value === null) {
    return [{ severity: 'error', message: 'The spec is empty: expected a mapping with `simspec: 1`, `model`, `brain` and `comparisons`.', range: rangeAt(parsed, []), code: 'schema.empty' }];
  }
  const validate = validator();
  if (validate(value)) return [];
  const errors = (validate.errors ?? []).filter((e) => e.keyword !== 'if');
  const problems: Problem[] = [];
  const byPath = new Map<string, ErrorObject[]>();
  for (const e of errors) {
    const list = byPath.get(e.instancePath) ?? [];
    list.push(e);
    byPath.set(e.instancePath, list);
  }
  const hasDeeperError = (pointer: string) => errors.some((e) => e.instancePath.startsWith(pointer + '/') && e.keyword !== 'oneOf');
  const seen = new Set<string>();
  const push = (problem: Problem) => {
    const key = `${problem.range.start.line}:${problem.range.start.character}:${problem.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      problems.push(problem);
    }
  };

  for (const [pointer, group] of byPath) {
    const path = pointerToPath(pointer);
    const where = describePath(path);
    const oneOf = group.find((e) => e.keyword === 'oneOf');
    if (oneOf) {
      if (String(oneOf.schemaPath).includes('/model/oneOf')) {
        push({ severity: 'error', message: '`model` needs exactly one of `layers` (one entry per layer) or `activations` (one file, every variable a layer).', range: rangeAt(parsed, path, 'key'), code: 'schema.model-source', path });
        continue;
      }
      if (hasDeeperError(pointer)) continue; // the specific error inside the chosen branch says more
      const branchErrors = group.filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'required');
      push({ severity: 'error', message: `${where}: expected ${expectedTypes(branchErrors) || 'a different value'}.`, range: rangeAt(parsed, path), code: 'schema.type', path });
      continue;
    }
    for (const e of group) {
      // Errors of a failed oneOf branch at a deeper path are reported there; skip the shallow noise.
      if (String(e.schemaPath).includes('/oneOf/') && byPath.get(pointer)?.some((x) => x.keyword === 'oneOf')) continue;
      switch (e.keyword) {
        case 'additionalProperties':
        case 'unevaluatedProperties': {
          const key = String((e.params as Record<string, string>).additionalProperty ?? (e.params as Record<string, string>).unevaluatedProperty);
          // A known key whose value failed its metric's definition shows up as "unevaluated": its own error says more.
          if (e.keyword === 'unevaluatedProperties' && errors.some((x) => x !== e && x.instancePath.startsWith(`${pointer}/${key}`))) break;
          // A metric's own key under a misspelt or missing `metric`: the error on `metric` says it all.
          if (e.keyword === 'unevaluatedProperties' && path[0] === 'comparisons' && isMetricKeyWithoutKnownMetric(value, path, key)) break;
          // A key of the comparison's own metric counts as "unevaluated" only because another key of
          // that metric failed (a failed `then` branch evaluates nothing): that other error says it.
          if (e.keyword === 'unevaluatedProperties' && path[0] === 'comparisons' && isOwnMetricKey(value, path, key)) break;
          const candidates = allowedKeys(value, path, e).filter((k) => (getIn(value, path) as Record<string, unknown> | undefined)?.[k] === undefined);
          const suggestions = didYouMean(key, candidates);
          const hint = suggestions.length ? ` Did you mean ${suggestions.map((s) => `\`${s}\``).join(' or ')}?` : candidates.length ? ` Allowed here: ${candidates.map((s) => `\`${s}\``).join(', ')}.` : '';
          push({ severity: 'error', message: `Unknown key \`${key}\` in ${where}.${hint}`, range: rangeAt(parsed, [...path, key], 'key'), code: 'schema.unknown-key', suggestions, path: [...path, key] });
          break;
        }
        case 'required': {
          const missing = (e.params as { missingProperty: string }).missingProperty;
          push({ severity: 'error', message: `${where} is missing the required key \`${missing}\`.`, range: rangeAt(parsed, path, 'key'), code: 'schema.missing-key', path: [...path, missing] });
          break;
        }
        case 'enum': {
          const allowed = (e.params as { allowedValues: unknown[] }).allowedValues.map(String);
          const actual = String(getIn(value, path));
          const suggestions = didYouMean(actual, allowed);
          const hint = suggestions.length ? ` Did you mean ${suggestions.map((s) => `\`${s}\``).join(' or ')}?` : '';
          push({ severity: 'error', message: `\`${actual}\` is not a valid value of ${where}.${hint} Expected one of: ${allowed.map((s) => `\`${s}\``).join(', ')}.`, range: rangeAt(parsed, path), code: 'schema.enum', suggestions, path });
          break;
        }
        case 'const':
          push({ severity: 'error', message: `${where} must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}.`, range: rangeAt(parsed, path), code: 'schema.const', path });
          break;
        case 'type':
          push({ severity: 'error', message: `${where} must be ${articled(String((e.params as { type: string }).type))}.`, range: rangeAt(parsed, path), code: 'schema.type', path });
          break;
        case 'propertyNames':
          break; // reported through the `pattern` error on the name itself
        case 'pattern': {
          const name = (e as ErrorObject & { propertyName?: string }).propertyName;
          if (name !== undefined) {
            push({ severity: 'error', message: `\`${name}\` is not a valid name in ${where}: use letters, digits, \`_\`, \`.\` and \`-\`, starting with a letter or \`_\`.`, range: rangeAt(parsed, [...path, name], 'key'), code: 'schema.name', path: [...path, name] });
          } else {
            push({ severity: 'error', message: `${where} ${e.message ?? 'is not valid'}.`, range: rangeAt(parsed, path), code: 'schema.pattern', path });
          }
          break;
        }
        default:
          push({ severity: 'error', message: `${where} ${e.message ?? 'is not valid'}.`, range: rangeAt(parsed, path), code: `schema.${e.keyword}`, path });
      }
    }
  }
  return problems;
}

function articled(type: string): string {
  const names: Record<string, string> = { object: 'a mapping', array: 'a list', string: 'a string', integer: 'an integer', number: 'a number', boolean: 'true or false', null: 'empty' };
  return names[type] ?? `of type ${type}`;
}
