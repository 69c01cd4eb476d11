/**
 * Done-when checks of issue 3 on the real sample specs (samples/*): the spec text is edited in
 * memory only. The shape (15, 78, 78) is the data set's: 15 subjects' RDMs of the 78 Algonauts 2019
 * test images (see the sample's description); texts come from the schema.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { schemaAtPointer } from '../../engine/spec';
import { computeCodeActions } from '../../server/service/codeActions';
import { computeCompletions } from '../../server/service/completion';
import { computeDiagnostics } from '../../server/service/diagnostics';
import { computeHover } from '../../server/service/hover';
import { context, withCursor } from './helpers';

const SPEC = join(__dirname, '..', '..', 'samples', 'algonauts2019', 'algonauts2019-78images.simspec.yaml');
const URI = pathToFileURL(SPEC).href;
const ctx = context();
const original = readFileSync(SPEC, 'utf8');
const edited = (find: string, replacement: string) => {
  assert.ok(original.includes(find), `the sample has no ${find}`);
  return original.replace(find, replacement);
};
const lineOf = (needle: string) => original.split('\n').findIndex((l) => l.includes(needle));

test('sample: a misspelt metric gives one diagnostic on the value and a did-you-mean quick fix', async () => {
  const { document } = withCursor(edited('metric: rsa', '|metric: rsq'), URI);
  const diagnostics = await computeDiagnostics(document, ctx);
  const line = lineOf('metric: rsa');
  const column = original.split('\n')[line]!.indexOf('rsa');
  assert.deepEqual(diagnostics.map((d) => [d.code, d.range]), [['schema.enum', { start: { line, character: column }, end: { line, character: column + 3 } }]]);
  const fix = computeCodeActions(document, diagnostics[0]!.range, diagnostics);
  assert.deepEqual(fix.map((a) => [a.title, a.edit!.changes![URI]![0]!.newText]), [["Change to 'rsa'", 'rsa']]);
});

test('sample: completion inside `key:` of an .npz lists its keys with shape and dtype', async () => {
  const { document, position } = withCursor(edited('fmri_EVC_RDMs.npz, key: arr_0', 'fmri_EVC_RDMs.npz, key: |'), URI);
  const items = await computeCompletions(document, position, ctx);
  assert.deepEqual(items.map((i) => [i.label, i.detail]), [['arr_0', 'float64 (15, 78, 78)']]);
});

test('sample: hover on the RSA `compare:` value shows its description and citation', async () => {
  const { document, position } = withCursor(edited('compare: spearman', 'compare: spe|arman'), URI);
  const hover = await computeHover(document, position, ctx);
  const text = (hover!.contents as { value: string }).value;
  const compare = schemaAtPointer('#/$defs/rsaComparison/properties/compare')! as { enum: string[]; markdownEnumDescriptions: string[]; markdownDescription: string };
  assert.equal(text, `**compare**: \`spearman\`\n\n${compare.markdownEnumDescriptions[compare.enum.indexOf('spearman')]}\n\n---\n${compare.markdownDescription}`);
  assert.match(text, /ρ = Pearson r of the ranks/);
  assert.match(text, /Nili et al\. \(2014\)/);
});
