/**
 * Composes the spec's JSON schema from schemas/simspec.base.schema.json and the registered families:
 * for each family, its id and description in `$defs/comparison/properties/metric` (enum and the
 * parallel markdownEnumDescriptions), an `allOf` branch `if metric = id then $ref <id>Comparison`, and
 * `$defs/<id>Comparison` holding its properties with `default` fields taken from its `defaults` table
 * (dotted keys such as `reduce.seed` reach into nested objects). `$defs/cv` gets its defaults from
 * CV_DEFAULTS. scripts/build.mjs writes the result to schemas/simspec.schema.json; a test checks the
 * committed file equals it, so the schema cannot drift from the families.
 */
import { FAMILIES } from './index';
import { CV_DEFAULTS } from './runner';
import type { AnyFamily, JsonSchema } from './types';

/** Properties with `default` fields filled from a defaults table (dotted keys reach nested objects). */
export function withDefaults(properties: Readonly<Record<string, JsonSchema>>, defaults: Readonly<Record<string, unknown>>): Record<string, JsonSchema> {
  const out = JSON.parse(JSON.stringify(properties)) as Record<string, JsonSchema>;
  for (const [dotted, value] of Object.entries(defaults)) {
    const path = dotted.split('.');
    let node: JsonSchema | undefined = out[path[0]!];
    for (const part of path.slice(1)) node = (node?.properties as Record<string, JsonSchema> | undefined)?.[part];
    if (!node) throw new Error(`default for '${dotted}' names no schema property`);
    node.default = value;
  }
  return out;
}

/** A copy of `node` whose keys are ordered with `default` right after `type`/`enum`/`anyOf` (readable JSON). */
function ordered(node: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  const keys = Object.keys(node);
  const leading = keys.filter((k) => k !== 'default' && !k.startsWith('markdown') && k !== 'properties');
  for (const k of [...leading, ...(keys.includes('default') ? ['default'] : []), ...keys.filter((k) => k.startsWith('markdown')), ...(keys.includes('properties') ? ['properties'] : [])]) {
    const v = node[k];
    out[k] = k === 'properties' ? Object.fromEntries(Object.entries(v as Record<string, JsonSchema>).map(([p, s]) => [p, ordered(s)])) : v;
  }
  return out;
}

export function composeSpecSchema(base: JsonSchema, families: readonly AnyFamily[] = FAMILIES as unknown as AnyFamily[]): JsonSchema {
  const schema = JSON.parse(JSON.stringify(base)) as JsonSchema;
  delete schema.$comment;
  const defs = schema.$defs as Record<string, JsonSchema>;
  const comparison = defs.comparison!;
  const metric = (comparison.properties as Record<string, JsonSchema>).metric!;
  metric.enum = families.map((f) => f.id);
  metric.markdownEnumDescriptions = families.map((f) => f.description);
  comparison.allOf = families.map((f) => ({ if: { properties: { metric: { const: f.id } }, required: ['metric'] }, then: { $ref: `#/$defs/${f.id}Comparison` } }));
  const cv = defs.cv!;
  cv.properties = Object.fromEntries(Object.entries(withDefaults(cv.properties as Record<string, JsonSchema>, CV_DEFAULTS)).map(([k, v]) => [k, ordered(v)]));
  // Family definitions go right after `comparison`, as in the hand-written schema they replace.
  const composed: Record<string, JsonSchema> = {};
  for (const [name, def] of Object.entries(defs)) {
    composed[name] = def;
    if (name === 'comparison') {
      for (const f of families) composed[`${f.id}Comparison`] = { properties: Object.fromEntries(Object.entries(withDefaults(f.properties, f.defaults)).map(([k, v]) => [k, ordered(v)])) };
    }
  }
  schema.$defs = composed;
  return schema;
}

/** The composed schema as the committed file's text. */
export function specSchemaText(base: JsonSchema): string {
  return `${JSON.stringify(composeSpecSchema(base), null, 2)}\n`;
}

/** schemas/results.schema.json with its `metric` enums listing the registered families (text edit, so the file keeps its layout). */
export function resultsSchemaText(current: string): string {
  const ids = JSON.stringify(FAMILIES.map((f) => f.id)).replace(/,/g, ', ');
  return current.replace(/("metric": \{ "enum": )\[[^\]]*\]/g, `$1${ids}`);
}
