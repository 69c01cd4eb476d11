/**
 * Language service, level 1 of the language-server tests (docs/testing.md §2): pure functions on a TextDocument, the cursor
 * marked by `|`. Expected names, shapes and dtypes are those fixtures/generate.py writes; expected
 * texts are the schema's (schemas/simspec.schema.json); ranges are counted in the fixture spec.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeCodeActions } from '../../server/service/codeActions';
import { computeCodeLenses } from '../../server/service/codeLens';
import { computeCompletions } from '../../server/service/completion';
import { cursorContext } from '../../server/service/context';
import { computeDiagnostics } from '../../server/service/diagnostics';
import { computeHover } from '../../server/service/hover';
import { computeFoldingRanges, computeSymbols } from '../../server/service/outline';
import { schemaAtPointer } from '../../engine/spec';
import { FAMILY_IDS } from '../../engine/families';
import { context, doc, SAMPLE_URI, sampleText, sampleWith, withCursor } from './helpers';

const ctx = context();
const range = (l1: number, c1: number, l2: number, c2: number) => ({ start: { line: l1, character: c1 }, end: { line: l2, character: c2 } });
const complete = async (text: string) => {
  const { document, position } = withCursor(text);
  return computeCompletions(document, position, ctx);
};
const hover = async (text: string) => {
  const { document, position } = withCursor(text);
  return computeHover(document, position, ctx);
};
const hoverText = (h: Awaited<ReturnType<typeof hover>>) => (h && typeof h.contents === 'object' && 'value' in h.contents ? h.contents.value : '');

test('the sample spec has no diagnostics', async () => {
  assert.deepEqual(await computeDiagnostics(doc(sampleText()), ctx), []);
});

test('done-when: a misspelt metric gives one diagnostic, on the value, with a did-you-mean quick fix', async () => {
  const document = doc(sampleWith('metric: rsa', 'metric: rsaa'));
  const diagnostics = await computeDiagnostics(document, ctx);
  assert.equal(diagnostics.length, 1);
  const [d] = diagnostics;
  assert.deepEqual(d!.range, range(15, 12, 15, 16));
  assert.equal(d!.code, 'schema.enum');
  assert.equal(d!.severity, 1);
  const actions = computeCodeActions(document, d!.range, diagnostics);
  assert.equal(actions.length, 1);
  assert.equal(actions[0]!.title, "Change to 'rsa'");
  assert.equal(actions[0]!.isPreferred, true);
  assert.deepEqual(actions[0]!.edit!.changes![SAMPLE_URI], [{ range: range(15, 12, 15, 16), newText: 'rsa' }]);
});

test('a misspelt key: diagnostic on the key, quick fix renames it', async () => {
  const document = doc(sampleWith('compare: rho-a', 'compre: rho-a'));
  const diagnostics = await computeDiagnostics(document, ctx);
  assert.deepEqual(diagnostics.map((d) => [d.code, d.range]), [['schema.unknown-key', range(17, 4, 17, 10)]]);
  const actions = computeCodeActions(document, diagnostics[0]!.range, diagnostics);
  assert.deepEqual(actions.map((a) => a.edit!.changes![SAMPLE_URI]), [[{ range: range(17, 4, 17, 10), newText: 'compare' }]]);
});

test('a misspelt region name in a comparison: quick fixes, closest first', async () => {
  const document = doc(sampleWith('regions: [V1]', 'regions: [V2]'));
  const diagnostics = await computeDiagnostics(document, ctx);
  assert.deepEqual(diagnostics.map((d) => [d.code, d.range]), [['spec.unknown-name', range(21, 14, 21, 16)]]);
  assert.deepEqual(computeCodeActions(document, diagnostics[0]!.range, diagnostics).map((a) => a.title), ["Change to 'V1'", "Change to 'IT'"]);
});

test('a missing file is reported on the file value; a wrong variable on the key value, with its fixes', async () => {
  const missing = await computeDiagnostics(doc(sampleWith('data/brain.npz', 'data/brian.npz')), ctx);
  assert.deepEqual(missing.map((d) => [d.code, d.range]), [['data.missing-file', range(11, 14, 11, 28)]]);
  const document = doc(sampleWith('key: conv5', 'key: conv6'));
  const wrongKey = await computeDiagnostics(document, ctx);
  assert.deepEqual(wrongKey.map((d) => [d.code, d.range]), [['data.missing-key', range(9, 40, 9, 45)]]);
  assert.deepEqual(computeCodeActions(document, wrongKey[0]!.range, wrongKey).map((a) => a.edit!.changes![SAMPLE_URI]![0]!.newText), ['conv1', 'conv5']);
});

test('a stimulus-count mismatch points at stimuli.count as related information', async () => {
  const diagnostics = await computeDiagnostics(doc(sampleWith('count: 6', 'count: 7')), ctx);
  const mismatch = diagnostics.filter((d) => d.code === 'data.stimulus-count');
  assert.deepEqual(mismatch.map((d) => d.range.start.line), [8, 9, 11, 12]);
  for (const d of mismatch) assert.deepEqual(d.relatedInformation, [{ location: { uri: SAMPLE_URI, range: range(3, 9, 3, 10) }, message: '`stimuli.count` has 7 stimuli' }]);
});

test('quick fix: add a missing required key, indented like its siblings', async () => {
  const document = doc(sampleWith('    metric: rsa\n', ''));
  const diagnostics = await computeDiagnostics(document, ctx);
  assert.deepEqual(diagnostics.map((d) => d.code), ['schema.missing-key']);
  const actions = computeCodeActions(document, diagnostics[0]!.range, diagnostics);
  assert.equal(actions[0]!.title, "Add missing key 'metric'");
  assert.deepEqual(actions[0]!.edit!.changes![SAMPLE_URI], [{ range: range(16, 18, 16, 18), newText: '\n    metric: rsa' }]);
});

test('quick fix: add a missing top-level section', async () => {
  const text = sampleText().replace(/brain:\n(  .*\n)+/, '');
  const document = doc(text);
  const diagnostics = await computeDiagnostics(document, ctx);
  const missing = diagnostics.find((d) => d.code === 'schema.missing-key')!;
  const action = computeCodeActions(document, missing.range, [missing])[0]!;
  const edit = action.edit!.changes![SAMPLE_URI]![0]!;
  assert.equal(edit.newText, '\nbrain:\n  IT: { file: "", key: "" }');
  assert.deepEqual(edit.range.start, { line: 21, character: 22 });
});

test('done-when: completion inside `key:` of an .npz lists its keys with shape and dtype', async () => {
  const items = await complete(sampleWith('key: conv5 }', 'key: c| }'));
  assert.deepEqual(items.map((i) => [i.label, i.detail]), [['conv1', 'float64 (6, 10)'], ['conv5', 'float32 (6, 4)']]);
  assert.deepEqual((items[0]!.textEdit as { range: unknown }).range, range(9, 40, 9, 41));
});

test('completion of `key:` in a .mat file lists variables and struct fields as dotted paths', async () => {
  const items = await complete(sampleWith('key: V1 }', 'key: | }'));
  const byLabel = new Map(items.map((i) => [i.label, i.detail]));
  assert.deepEqual([...byLabel.keys()].sort(), ['V1', 'rois', 'rois.RDM', 'rois.name']);
  assert.equal(byLabel.get('V1'), 'float64 (6, 8)');
  assert.equal(byLabel.get('rois.RDM'), 'float64 (6, 6)');
});

test('completion of `key:` in block style reads the sibling `file:`', async () => {
  const items = await complete(sampleWith('    conv1: { file: data/model.npz, key: conv1 }', '    conv1:\n      file: data/model.npz\n      key: |'));
  assert.deepEqual(items.map((i) => i.label), ['conv1', 'conv5']);
});

test('completion of enum values carries their markdown and marks the default', async () => {
  const items = await complete(sampleWith('compare: rho-a', 'compare: |'));
  assert.deepEqual(items.map((i) => i.label), ['pearson', 'corr', 'spearman', 'rho-a', 'tau-a', 'tau-b', 'kendall', 'cosine', 'corr_cov', 'cosine_cov', 'bures', 'bures_metric']);
  const rhoA = items.find((i) => i.label === 'rho-a')!;
  assert.match((rhoA.documentation as { value: string }).value, /^ρ_A = 12 \(x − x̄\)·\(y − ȳ\)\/\(N³ − N\)/);
  assert.equal(items.find((i) => i.label === 'spearman')!.detail, '(default)');
});

/** The keys the schema allows in a comparison of `metric`, minus those already written. */
function schemaKeys(metric: string, present: string[]): string[] {
  const common = Object.keys(schemaAtPointer('#/$defs/comparison/properties')!);
  const own = Object.keys(schemaAtPointer(`#/$defs/${metric}Comparison/properties`)!);
  return [...new Set([...common, ...own])].filter((k) => !present.includes(k)).sort();
}

test('keys of a comparison follow its metric and skip keys already present', async () => {
  const shape = (await complete(sampleWith('    group: orthogonal', '    group: orthogonal\n    |'))).map((i) => i.label);
  assert.deepEqual(shape.sort(), schemaKeys('shape', ['name', 'metric', 'group', 'regions', 'cv']));
  assert.ok(shape.includes('score') && !shape.includes('compare'));
  const rsa = (await complete(sampleWith('    compare: rho-a', '    compare: rho-a\n    |'))).map((i) => i.label);
  assert.deepEqual(rsa.sort(), schemaKeys('rsa', ['name', 'metric', 'rdm', 'compare']));
  assert.ok(rsa.includes('square') && !rsa.includes('group'));
});

test('a half-typed key still completes, replacing what was typed', async () => {
  const items = await complete(sampleWith('    compare: rho-a', '    compare: rho-a\n    squ|'));
  const square = items.find((i) => i.label === 'square')!;
  assert.deepEqual(square.textEdit, { range: range(18, 4, 18, 7), newText: 'square: ${1|false,true|}' });
});

test('a new list item under comparisons offers a whole comparison per metric', async () => {
  const items = await complete(sampleWith('statistics:\n', '  - |\nstatistics:\n'));
  const labels = items.map((i) => i.label);
  // One snippet per registered family, in registry order (a new family gets its snippet from its schema fragment).
  assert.ok(FAMILY_IDS.length >= 6, 'the registry lists the families');
  assert.deepEqual(labels.filter((l) => l.startsWith('comparison: ')), FAMILY_IDS.map((id) => `comparison: ${id}`));
  assert.deepEqual(labels.filter((l) => !l.startsWith('comparison: ')), ['name', 'metric', 'layers', 'regions', 'statistics']);
  const shape = (items.find((i) => i.label === 'comparison: shape')!.textEdit as { newText: string }).newText.split('\n');
  assert.deepEqual(shape.slice(0, 3), ['name: ${1:shape}', '    metric: shape', '    group: ${2|orthogonal,permutation,linear,soft-matching|}']);
  // Every further line is one of the metric's enum parameters (default first) or its cv, indented under the item.
  const own = schemaAtPointer('#/$defs/shapeComparison/properties')! as Record<string, { type?: string; enum?: unknown[] }>;
  for (const line of shape.slice(3)) {
    const key = /^    ([a-z_]+): /.exec(line)?.[1];
    assert.ok(key && own[key] && own[key].type !== 'boolean', line);
  }
  assert.ok(shape.some((l) => l.startsWith('    cv: { scheme: ${') && l.includes('|kfold,shuffle-split,leave-one-out,group-kfold,indices|}')), 'a cv line');
});

test('a new brain region and model layer come as snippets', async () => {
  const items = await complete(sampleWith('comparisons:', '  |\ncomparisons:'));
  const region = items.find((i) => i.label === 'new brain region')!;
  assert.equal((region.textEdit as { newText: string }).newText, '${1:IT}: { file: ${2}, key: ${3}, kind: ${4|responses,repeats,rdm|} }');
});

test('file completion lists readable files and folders relative to the spec', async () => {
  const items = await complete(sampleWith('file: data/brain.mat', 'file: data/|'));
  assert.deepEqual(items.map((i) => i.label), ['brain.mat', 'brain.npz', 'model.npz', 'single.npy']);
  assert.deepEqual((items[0]!.textEdit as { range: unknown }).range, range(12, 19, 12, 19));
  const top = (await complete(sampleWith('file: data/brain.mat', 'file: |'))).map((i) => i.label);
  assert.ok(top.includes('data/') && top.includes('labels.csv') && !top.includes('generate.py') && !top.includes('sample.simspec.yaml'), top.join(','));
});

test('names defined elsewhere: regions and layers lists, label columns for stratify', async () => {
  assert.deepEqual((await complete(sampleWith('regions: [V1]', 'regions: [|]'))).map((i) => i.label), ['IT', 'V1']);
  assert.deepEqual((await complete(sampleWith('regions: [V1]', 'regions: [V1]\n    layers: [conv1, |]'))).map((i) => i.label), ['conv1', 'conv5']);
  assert.deepEqual((await complete(sampleWith('seed: 0 }', 'seed: 0, stratify: | }'))).map((i) => i.label), ['id', 'category']);
});

test('done-when: hover on the RSA `compare:` value shows the formula and citation', async () => {
  const h = await hover(sampleWith('compare: rho-a', 'compare: rh|o-a'));
  assert.deepEqual(h!.range, range(17, 13, 17, 18));
  const text = hoverText(h);
  assert.match(text, /ρ_A = 12 \(x − x̄\)·\(y − ȳ\)\/\(N³ − N\)/);
  assert.match(text, /Schütt et al\. 2023/);
  assert.match(text, /How two RDMs are compared/);
});

test('done-when: hover on `group:` shows the group, its citation, and the chosen value', async () => {
  const h = await hover(sampleWith('group: orthogonal', 'gr|oup: orthogonal'));
  assert.deepEqual(h!.range, range(20, 4, 20, 9));
  const text = hoverText(h);
  const group = schemaAtPointer('#/$defs/shapeComparison/properties/group')! as { markdownDescription: string; markdownEnumDescriptions: string[]; enum: string[] };
  assert.ok(text.startsWith(`**group**\n\n${group.markdownDescription}\n\n`), text);
  assert.ok(text.includes(`\`orthogonal\`: ${group.markdownEnumDescriptions[group.enum.indexOf('orthogonal')]}`));
  assert.match(text, /Williams et al\. 2021/); // citation
  assert.match(text, /min over T ∈ G of ‖φ\(X\) − φ\(Y\)T‖/); // formula
  assert.match(text, /Metric `shape`: \*\*Generalized shape metric\*\*/);
});

test('hover on `key:` and `file:` values shows shape, dtype and size', async () => {
  assert.equal(hoverText(await hover(sampleWith('key: conv1 }', 'key: co|nv1 }'))).split('\n\n')[0], '`conv1`: **float64**, shape **(6, 10)**, 60 elements (480 B)');
  const file = hoverText(await hover(sampleWith('file: data/brain.npz', 'file: data/br|ain.npz')));
  assert.match(file, /`IT`: \*\*float64\*\*, shape \*\*\(6, 6\)\*\*, 36 elements/);
});

test('hover on a layer name shows its data', async () => {
  const text = hoverText(await hover(sampleWith('    conv5: {', '    con|v5: {')));
  assert.equal(text, '**Model layer** `conv5`\n\n`conv5`: **float32**, shape **(6, 4)**, 24 elements (96 B)');
});

test('code lenses: run the spec on line 0, run each comparison above it', () => {
  assert.deepEqual(computeCodeLenses(doc(sampleText())), [
    { range: range(0, 0, 0, 0), command: { title: '▶ Run spec', command: 'simspec.runSpec', arguments: [SAMPLE_URI] } },
    { range: range(14, 0, 14, 0), command: { title: '▶ Run', command: 'simspec.runComparison', arguments: [SAMPLE_URI, 'rsa'] } },
    { range: range(18, 0, 18, 0), command: { title: '▶ Run', command: 'simspec.runComparison', arguments: [SAMPLE_URI, 'procrustes'] } },
  ]);
});

test('document symbols: stimuli, model layers, brain regions, comparisons, statistics', () => {
  const symbols = computeSymbols(doc(sampleText()));
  const outline = symbols.map((s) => [s.name, (s.children ?? []).map((c) => `${c.name}${c.detail ? ` (${c.detail})` : ''}`)]);
  assert.deepEqual(outline, [
    ['stimuli', ['count', 'labels']],
    ['model', ['conv1 (data/model.npz : conv1)', 'conv5 (data/model.npz : conv5)']],
    ['brain', ['IT (data/brain.npz : IT)', 'V1 (data/brain.mat : V1)']],
    ['comparisons', ['rsa (rsa)', 'procrustes (shape)']],
    ['statistics', ['noise_ceiling']],
  ]);
  const comparisons = symbols[3]!;
  assert.deepEqual(comparisons.range, range(13, 0, 22, 44));
  assert.deepEqual(comparisons.children![1]!.range, range(18, 4, 22, 44));
  assert.deepEqual(comparisons.children![1]!.selectionRange, range(18, 10, 18, 20));
});

test('folding ranges follow the block structure', () => {
  assert.deepEqual(computeFoldingRanges(doc(sampleText())), [
    { startLine: 2, endLine: 4 },
    { startLine: 5, endLine: 9 },
    { startLine: 7, endLine: 9 },
    { startLine: 10, endLine: 12 },
    { startLine: 13, endLine: 22 },
    { startLine: 14, endLine: 17 },
    { startLine: 18, endLine: 22 },
    { startLine: 23, endLine: 24 },
  ]);
});

test('cursor context reads structure from indentation when the line does not parse', () => {
  const text = 'comparisons:\n- name: a\n  metric: shape\n  gr\n- name: b\n  cv:\n    sch';
  assert.deepEqual(cursorContext(text, 3, 4).path, ['comparisons', 0]);
  assert.equal(cursorContext(text, 3, 4).prefix, 'gr');
  assert.deepEqual(cursorContext(text, 6, 7).path, ['comparisons', 1, 'cv']);
  const flow = cursorContext('brain:\n  IT: { file: x.npz, key: ab', 1, 34);
  assert.deepEqual([flow.kind, flow.path, flow.prefix, flow.replaceStart], ['value', ['brain', 'IT', 'key'], 'ab', 26]);
});
