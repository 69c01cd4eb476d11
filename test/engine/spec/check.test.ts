/**
 * One test per kind of spec problem: the message says what is wrong and the range points at the
 * key or value concerned (0-based lines/characters, LSP convention).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { checkSpec, type Problem } from '../../../engine/spec';
import { createFileIntrospector } from '../../../engine/spec/introspector';

const DATA = resolve('samples/algonauts2019/data');
const SPEC_FILE = resolve('test/fixtures/specs/inline.simspec.yaml');
const io = createFileIntrospector();

async function problemsOf(text: string): Promise<Problem[]> {
  return (await checkSpec(text, SPEC_FILE, io)).problems;
}

/** Line (0-based) and the column where `needle` starts on it. */
function at(text: string, needle: string, occurrence = 0): { line: number; character: number } {
  let index = -1;
  for (let k = 0; k <= occurrence; k++) index = text.indexOf(needle, index + 1);
  assert.ok(index >= 0, `'${needle}' not in text`);
  const before = text.slice(0, index);
  return { line: before.split('\n').length - 1, character: index - before.lastIndexOf('\n') - 1 };
}

const base = (extra = '', comparison = '    compare: spearman\n') => `simspec: 1
model:
  layers:
    conv1: { file: ${DATA}/alexnet_rdms_78images/features.0.npz, key: arr_0, kind: rdm }
brain:
  IT: { file: ${DATA}/78images/fmri_IT_RDMs.npz, key: arr_0, kind: rdm, subjects: 0 }
${extra}comparisons:
  - name: rsa
    metric: rsa
${comparison}`;

test('a valid spec has no problems and resolves', async () => {
  const result = await checkSpec(base(), SPEC_FILE, io);
  assert.deepEqual(result.problems, []);
  assert.equal(result.spec?.layers[0]?.name, 'conv1');
  assert.deepEqual(result.spec?.regions[0]?.source.subjects, [0]);
});

test('YAML syntax error is reported at its position', async () => {
  const text = 'simspec: 1\nmodel: { layers: [\n';
  const problems = await problemsOf(text);
  assert.equal(problems[0]?.code, 'yaml.syntax');
  assert.match(problems[0]!.message, /^YAML: /);
});

test('misspelt enum value: one problem on the value with a did-you-mean', async () => {
  const text = base('', '    compare: spearmann\n');
  const problems = await problemsOf(text);
  assert.equal(problems.length, 1);
  assert.equal(problems[0]!.code, 'schema.enum');
  assert.deepEqual(problems[0]!.range.start, at(text, 'spearmann'));
  assert.deepEqual(problems[0]!.range.end, { line: at(text, 'spearmann').line, character: at(text, 'spearmann').character + 'spearmann'.length });
  assert.deepEqual(problems[0]!.suggestions, ['spearman']);
  assert.match(problems[0]!.message, /Did you mean `spearman`\?/);
});

test('misspelt metric: one problem on the value with a did-you-mean', async () => {
  const text = base('', '').replace('metric: rsa', 'metric: rsaa');
  const problems = await problemsOf(text);
  assert.equal(problems.length, 1);
  assert.deepEqual(problems[0]!.range.start, at(text, 'rsaa'));
  assert.deepEqual(problems[0]!.suggestions, ['rsa']);
});

test('unknown key: reported on the key, with a did-you-mean', async () => {
  const text = base('', '    compar: spearman\n');
  const problems = await problemsOf(text);
  assert.equal(problems.length, 1);
  assert.equal(problems[0]!.code, 'schema.unknown-key');
  assert.deepEqual(problems[0]!.range.start, at(text, 'compar:'));
  assert.deepEqual(problems[0]!.suggestions, ['compare']);
});

test('missing required key: reported on the parent key', async () => {
  const text = base().replace('  - name: rsa\n    metric', '  - metric');
  const problems = await problemsOf(text);
  assert.equal(problems.length, 1);
  assert.equal(problems[0]!.code, 'schema.missing-key');
  assert.match(problems[0]!.message, /missing the required key `name`/);
});

test('wrong type and out-of-range number are reported on the value', async () => {
  const text = base('statistics:\n  bootstrap: { samples: 0, seed: x }\n');
  const problems = await problemsOf(text);
  const codes = problems.map((p) => p.code).sort();
  assert.deepEqual(codes, ['schema.minimum', 'schema.type']);
  assert.deepEqual(problems.find((p) => p.code === 'schema.minimum')!.range.start, at(text, '0, seed'));
  assert.deepEqual(problems.find((p) => p.code === 'schema.type')!.range.start, at(text, 'x }'));
});

test('missing data file: reported on the file value', async () => {
  const text = base().replace('features.0.npz', 'features.99.npz');
  const problems = await problemsOf(text);
  assert.equal(problems.length, 1);
  assert.equal(problems[0]!.code, 'data.missing-file');
  assert.deepEqual(problems[0]!.range.start, at(text, `${DATA}/alexnet_rdms_78images/features.99.npz`));
  assert.match(problems[0]!.message, /File not found/);
});

test('missing variable: reported on the key value, naming the available keys', async () => {
  const text = base().replace('key: arr_0, kind: rdm, subjects', 'key: arr_9, kind: rdm, subjects');
  const problems = await problemsOf(text);
  assert.equal(problems.length, 1);
  assert.equal(problems[0]!.code, 'data.missing-key');
  assert.deepEqual(problems[0]!.range.start, at(text, 'arr_9'));
  assert.match(problems[0]!.message, /arr_0/);
  assert.deepEqual(problems[0]!.suggestions, ['arr_0']);
});

test('stimulus counts that differ: reported on the file, related information on the other side', async () => {
  const text = base().replace('78images/fmri_IT_RDMs.npz, key: arr_0', '92images/fmri_IT_RDMs.npz, key: Net_RDM');
  const problems = await problemsOf(text);
  assert.equal(problems.length, 1);
  assert.equal(problems[0]!.code, 'data.stimulus-count');
  assert.match(problems[0]!.message, /92 stimuli but model conv1 has 78/);
  assert.deepEqual(problems[0]!.range.start, at(text, `${DATA}/92images`));
  assert.deepEqual(problems[0]!.related?.[0]?.range.start, at(text, `${DATA}/alexnet_rdms_78images`));
});

test('declared stimulus count that differs from the data', async () => {
  const text = base('').replace('model:', 'stimuli: { count: 80 }\nmodel:');
  const problems = await problemsOf(text);
  assert.equal(problems.length, 2);
  assert.ok(problems.every((p) => p.code === 'data.stimulus-count' && p.related?.[0]?.range.start.line === 1));
});

test('subjects axis out of range', async () => {
  const text = base().replace('subjects: 0', 'subjects: 5');
  const problems = await problemsOf(text);
  assert.equal(problems.length, 1);
  assert.equal(problems[0]!.code, 'data.shape');
  assert.match(problems[0]!.message, /subjects axis 5 is out of range/);
  assert.deepEqual(problems[0]!.range.start, at(text, '5 }'));
});

test('an RDM whose shape is not square or condensed', async () => {
  const text = base().replace(', subjects: 0', '');
  const problems = await problemsOf(text);
  assert.equal(problems.length, 1);
  assert.match(problems[0]!.message, /extra leading axes need `subjects`/);
});

test('a comparison naming a layer that does not exist', async () => {
  const text = base('', '    layers: [conv11]\n');
  const problems = await problemsOf(text);
  assert.equal(problems.length, 1);
  assert.equal(problems[0]!.code, 'spec.unknown-name');
  assert.deepEqual(problems[0]!.range.start, at(text, 'conv11'));
  assert.deepEqual(problems[0]!.suggestions, ['conv1']);
});

test('duplicate comparison names', async () => {
  const text = `${base()}  - name: rsa\n    metric: rsa\n`;
  const problems = await problemsOf(text);
  assert.equal(problems.length, 1);
  assert.equal(problems[0]!.code, 'spec.duplicate-name');
  assert.deepEqual(problems[0]!.range.start, at(text, 'rsa', 2));
});

test('a metric that needs response matrices, given RDMs', async () => {
  const text = base('', '    group: orthogonal\n').replace('metric: rsa', 'metric: shape');
  const problems = await problemsOf(text);
  assert.ok(problems.some((p) => p.code === 'spec.needs-responses' && p.range.start.line === at(text, 'shape').line));
});

test('data problems are found even when another part of the spec has a schema error', async () => {
  const text = base('', '    compare: spearmann\n').replace('features.0.npz', 'features.99.npz');
  const codes = (await problemsOf(text)).map((p) => p.code);
  assert.deepEqual(codes.sort(), ['data.missing-file', 'schema.enum']);
});

const SYNTHETIC = resolve('samples/synthetic-encoding');
const encodingSpec = (comparison: string) => `simspec: 1
stimuli:
  labels: ${SYNTHETIC}/labels.csv
model:
  layers:
    layer1: { file: ${SYNTHETIC}/model/layer1.npy }
brain:
  IT: { file: ${SYNTHETIC}/brain/IT.npy, kind: repeats }
comparisons:
${comparison}`;

test('more PLS components than predictor units', async () => {
  const text = encodingSpec('  - name: pls\n    metric: regression\n    method: pls\n    components: 100\n');
  const problems = await problemsOf(text);
  assert.equal(problems.length, 1);
  assert.equal(problems[0]!.code, 'spec.pls-components');
  assert.match(problems[0]!.message, /100 PLS components need at least 100 predictor units, but a predictor here has 64/);
  assert.deepEqual(problems[0]!.range.start, at(text, '100'));
});

test('a stratification column that the label file does not have', async () => {
  const text = encodingSpec('  - name: ridge\n    metric: regression\n    cv: { scheme: shuffle-split, splits: 2, train: 0.9, stratify: categroy }\n');
  const problems = await problemsOf(text);
  assert.equal(problems.length, 1);
  assert.equal(problems[0]!.code, 'spec.label-column');
  assert.deepEqual(problems[0]!.suggestions, ['category']);
  assert.deepEqual(problems[0]!.range.start, at(text, 'categroy'));
});

test('a reduction to more components than stimuli allow', async () => {
  const text = encodingSpec('  - name: procrustes\n    metric: shape\n    reduce: { method: pca, components: 500 }\n');
  const problems = await problemsOf(text);
  assert.equal(problems.length, 1);
  assert.equal(problems[0]!.code, 'spec.reduce-components');
});

test('permutation group between different widths with padding switched off', async () => {
  const text = encodingSpec('  - name: perm\n    metric: shape\n    group: permutation\n    zero_pad: false\n');
  const problems = await problemsOf(text);
  assert.equal(problems.length, 1);
  assert.equal(problems[0]!.code, 'spec.permutation-widths');
  assert.match(problems[0]!.message, /64 and 100 units/);
});

test('alpha outside [0, 1] is a schema error on the value', async () => {
  const text = encodingSpec('  - name: partial\n    metric: shape\n    alpha: 1.5\n');
  const problems = await problemsOf(text);
  assert.equal(problems.length, 1);
  assert.equal(problems[0]!.code, 'schema.maximum');
  assert.deepEqual(problems[0]!.range.start, at(text, '1.5'));
});

test('group-kfold without `group` is reported on the cv key (run would find no label column)', async () => {
  const text = `simspec: 1
stimuli:
  labels: ${resolve('test/fixtures/specs')}/no-such-labels.csv
model:
  layers:
    conv1: { file: ${DATA}/alexnet_rdms_78images/features.0.npz, key: arr_0, kind: rdm }
brain:
  IT: { file: ${DATA}/78images/fmri_IT_RDMs.npz, key: arr_0, kind: rdm, subjects: 0 }
comparisons:
  - name: enc
    metric: regression
    cv: { scheme: group-kfold, folds: 3 }
`;
  const problem = (await problemsOf(text)).find((p) => p.code === 'spec.cv-group');
  assert.ok(problem, 'a spec.cv-group problem');
  assert.match(problem.message, /group: <column/);
  assert.equal(problem.range.start.line, at(text, 'cv:').line);
});
