/**
 * The family registry is the one source of every family's schema, defaults and dispatch: the
 * committed schema is the composed one; for every family the schema accepts exactly the keys its
 * `parse` reads, and each default lives only in the family's table (writing a default explicitly
 * changes nothing parsed, and the family's properties restate no `default`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { FAMILIES, FAMILY_IDS, allCaseHandlers, familyUsage } from '../../../engine/families';
import { resultsSchemaText, specSchemaText } from '../../../engine/families/schema';
import { specSchema } from '../../../engine/spec';

const base = JSON.parse(readFileSync('schemas/simspec.base.schema.json', 'utf8')) as Record<string, unknown>;

test('schemas/simspec.schema.json is the schema composed from the base and the families (run node scripts/build.mjs)', () => {
  assert.equal(readFileSync('schemas/simspec.schema.json', 'utf8'), specSchemaText(base));
});

test('schemas/results.schema.json lists the registered families as metrics', () => {
  const text = readFileSync('schemas/results.schema.json', 'utf8');
  assert.equal(text, resultsSchemaText(text));
  assert.equal(text.match(/"metric": \{ "enum": /g)?.length, 2);
});

test('the metric enum, its descriptions and the allOf branches list every family once, in registry order', () => {
  const comparison = (specSchema.$defs as Record<string, Record<string, unknown>>).comparison!;
  const metric = (comparison.properties as Record<string, Record<string, unknown>>).metric!;
  assert.deepEqual(metric.enum, FAMILY_IDS);
  assert.deepEqual(metric.markdownEnumDescriptions, FAMILIES.map((f) => f.description));
  assert.equal((comparison.allOf as unknown[]).length, FAMILY_IDS.length);
  assert.equal(new Set(FAMILY_IDS).size, FAMILY_IDS.length);
  for (const id of FAMILY_IDS) assert.match(familyUsage().ids, new RegExp(`\\b${id}\\b`));
});

test('every family: the schema accepts exactly the keys parse reads', () => {
  for (const family of FAMILIES) {
    const schemaKeys = Object.keys(((specSchema.$defs as Record<string, Record<string, unknown>>)[`${family.id}Comparison`]!.properties) as object).sort();
    const read = new Set<string>();
    const recording = new Proxy({} as Record<string, unknown>, { get: (target, key) => (typeof key === 'string' && read.add(key), target[key as string]) });
    family.parse(recording, { index: 0 });
    assert.deepEqual([...read].sort(), schemaKeys, family.id);
  }
});

test('every family: each default is in its table only, and writing it explicitly parses the same', () => {
  // Flags that record whether a key was written (regression's alphasGiven, cvDefaulted) are not parameters.
  const withoutWrittenFlags = (value: unknown) => JSON.parse(JSON.stringify(value, (k, v) => (/Given$|Defaulted$/.test(k) ? undefined : v)));
  for (const family of FAMILIES) {
    const implicit = withoutWrittenFlags(family.parse({}, { index: 0 }));
    for (const [dotted, value] of Object.entries(family.defaults)) {
      const [key, nested] = dotted.split('.');
      if (nested !== undefined) continue; // nested defaults apply only inside an object the user writes (reduce.seed)
      assert.deepEqual(withoutWrittenFlags(family.parse({ [key!]: value }, { index: 0 })), implicit, `${family.id}.${dotted}`);
    }
    const restated = Object.entries(family.properties).filter(([, p]) => JSON.stringify(p).includes('"default"'));
    assert.deepEqual(restated.map(([k]) => k), [], `${family.id}: a property restates a default`);
    for (const dotted of Object.keys(family.defaults)) {
      assert.ok(dotted.split('.')[0]! in family.properties, `${family.id}: default for unknown key ${dotted}`);
    }
  }
});

test('reference-case ids are unique across families', () => {
  const ids = FAMILIES.flatMap((f) => Object.keys(f.caseHandlers));
  assert.equal(new Set(ids).size, ids.length);
  assert.deepEqual(Object.keys(allCaseHandlers()).sort(), [...ids].sort());
});
