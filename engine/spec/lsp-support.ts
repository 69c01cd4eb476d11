/**
 * Schema lookups by spec path, for the language server's completion, hover and quick fixes.
 * The schema (schemas/simspec.schema.json) stays the single source of truth: these functions only
 * walk it — following `$ref`, the per-metric `allOf`/`if`/`then` of a comparison (chosen by the
 * instance's `metric`), and every branch of `oneOf`/`anyOf`.
 */
import { schemaAtPointer, specSchema } from './schema';
import type { SpecPath } from './document';

export type SchemaNode = Record<string, unknown>;

function isObject(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

/** A simple evaluation of an `if` clause: `properties.<k>.const` and `required`, all that the spec schema uses. */
function ifHolds(condition: SchemaNode, instance: unknown): boolean {
  if (!isObject(instance)) return false;
  for (const key of (condition.required as string[] | undefined) ?? []) if (!(key in instance)) return false;
  for (const [key, sub] of Object.entries((condition.properties as Record<string, SchemaNode> | undefined) ?? {})) {
    if ('const' in sub && key in instance && instance[key] !== sub.const) return false;
  }
  return true;
}

/**
 * The schema nodes that apply to one instance: the node itself (when it says something besides
 * `$ref`), then what `$ref`, applicable `allOf`/`if`/`then` and every `oneOf`/`anyOf` branch add.
 */
export function expandSchema(node: SchemaNode | undefined, instance: unknown, depth = 0): SchemaNode[] {
  if (!node || depth > 12) return [];
  const out: SchemaNode[] = [node];
  if (typeof node.$ref === 'string') out.push(...expandSchema(schemaAtPointer(node.$ref), instance, depth + 1));
  for (const sub of (node.allOf as SchemaNode[] | undefined) ?? []) {
    if (sub.if && sub.then) {
      if (ifHolds(sub.if as SchemaNode, instance)) out.push(...expandSchema(sub.then as SchemaNode, instance, depth + 1));
    } else out.push(...expandSchema(sub, instance, depth + 1));
  }
  for (const sub of [...((node.oneOf as SchemaNode[] | undefined) ?? []), ...((node.anyOf as SchemaNode[] | undefined) ?? [])]) {
    out.push(...expandSchema(sub, instance, depth + 1));
  }
  return out;
}

export function valueAt(root: unknown, path: SpecPath): unknown {
  let node = root;
  for (const p of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[p];
  }
  return node;
}

/** Schema nodes of the child `segment` of an instance described by `parents`. */
function childSchemas(parents: SchemaNode[], segment: string | number, instance: unknown): SchemaNode[] {
  const out: SchemaNode[] = [];
  for (const parent of parents) {
    if (typeof segment === 'number') {
      if (isObject(parent.items)) out.push(...expandSchema(parent.items as SchemaNode, instance));
      continue;
    }
    const properties = parent.properties as Record<string, SchemaNode> | undefined;
    if (properties && segment in properties) out.push(...expandSchema(properties[segment], instance));
    else if (isObject(parent.additionalProperties)) out.push(...expandSchema(parent.additionalProperties as SchemaNode, instance));
  }
  return out;
}

/** Every schema node that applies at `path` of the spec value `root` (empty when the path is not allowed). */
export function schemasAtPath(root: unknown, path: SpecPath): SchemaNode[] {
  let nodes = expandSchema(specSchema, root);
  for (let i = 0; i < path.length && nodes.length > 0; i++) {
    nodes = childSchemas(nodes, path[i]!, valueAt(root, path.slice(0, i + 1)));
  }
  return nodes;
}

export interface PropertyCandidate {
  name: string;
  /** The schema nodes of the property's value (expanded). */
  schemas: SchemaNode[];
  required: boolean;
}

/** Named properties allowed in the mapping at `path` (a comparison's include its metric's own keys). */
export function propertiesAtPath(root: unknown, path: SpecPath): PropertyCandidate[] {
  const parents = schemasAtPath(root, path);
  const instance = valueAt(root, path);
  const required = new Set(parents.flatMap((p) => (p.required as string[] | undefined) ?? []));
  const seen = new Map<string, PropertyCandidate>();
  for (const parent of parents) {
    for (const [name, sub] of Object.entries((parent.properties as Record<string, SchemaNode> | undefined) ?? {})) {
      const schemas = expandSchema(sub, isObject(instance) ? instance[name] : undefined);
      const existing = seen.get(name);
      if (existing) existing.schemas.push(...schemas);
      else seen.set(name, { name, schemas, required: required.has(name) });
    }
  }
  return [...seen.values()];
}

/** Whether the mapping at `path` takes free names (model layers, brain regions). */
export function takesNamedEntries(root: unknown, path: SpecPath): boolean {
  return schemasAtPath(root, path).some((s) => isObject(s.additionalProperties));
}

/** The first markdown description among the nodes (the most specific one comes first). */
export function markdownOf(nodes: SchemaNode[]): string | undefined {
  for (const n of nodes) if (typeof n.markdownDescription === 'string') return n.markdownDescription;
  for (const n of nodes) if (typeof n.description === 'string') return n.description;
  return undefined;
}

export interface EnumCandidate {
  value: string | number | boolean;
  markdown?: string;
  isDefault: boolean;
}

/** Allowed literal values at a place: enums (with their markdown descriptions), consts, booleans. */
export function enumValues(nodes: SchemaNode[]): EnumCandidate[] {
  const out = new Map<string, EnumCandidate>();
  const defaults = new Set(nodes.filter((n) => 'default' in n).map((n) => JSON.stringify(n.default)));
  const add = (value: string | number | boolean, markdown?: string) => {
    const key = JSON.stringify(value);
    if (!out.has(key)) out.set(key, { value, isDefault: defaults.has(key), ...(markdown ? { markdown } : {}) });
  };
  for (const n of nodes) {
    if (Array.isArray(n.enum)) {
      const docs = (n.markdownEnumDescriptions as string[] | undefined) ?? [];
      (n.enum as (string | number | boolean)[]).forEach((v, i) => add(v, docs[i]));
    }
    if ('const' in n) add(n.const as string | number | boolean, typeof n.markdownDescription === 'string' ? n.markdownDescription : undefined);
    if (n.type === 'boolean') {
      add(true);
      add(false);
    }
  }
  return [...out.values()];
}

/** The markdown description of one enum value at a place, if the schema has one. */
export function enumMarkdown(nodes: SchemaNode[], value: unknown): string | undefined {
  return enumValues(nodes).find((c) => c.value === value)?.markdown;
}

/** The JSON types the nodes allow ('object', 'array', 'string', ...). */
export function typesOf(nodes: SchemaNode[]): Set<string> {
  const types = new Set<string>();
  for (const n of nodes) {
    if (typeof n.type === 'string') types.add(n.type);
    if (Array.isArray(n.type)) for (const t of n.type) types.add(String(t));
    if (n.properties || n.additionalProperties) types.add('object');
    if (n.items) types.add('array');
  }
  return types;
}
