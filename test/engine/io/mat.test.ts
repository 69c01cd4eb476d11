import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listVariables, readArray, readNpy, readStrings } from '../../../engine/io';
import { KRIEGESKORTE, assertClose, expected, fixture, rejectsWith } from './helpers';

const supplemental = join(KRIEGESKORTE, 'Kriegeskorte_Neuron2008_supplementalData.mat');
const derived = (name: string) => join(KRIEGESKORTE, 'derived', name);
const metadata = JSON.parse(readFileSync(derived('metadata.json'), 'utf-8'));

for (const name of ['v5_compressed.mat', 'v5_plain.mat']) {
  test(`${name}: numeric, logical and N-d arrays come back in C order as scipy wrote them`, async () => {
    const file = fixture('mat', name);
    for (const variable of ['matrix', 'cube', 'single', 'flags']) {
      const want = expected[`mat/${variable}`]!;
      const got = await readArray(file, variable);
      assert.deepEqual([...got.shape], want.shape, variable);
      assertClose(got.data, want.data);
    }
    assert.equal((await readArray(file, 'flags')).dtype, 'bool');
    assert.equal((await readArray(file, 'cube')).dtype, 'int16');
    assert.equal((await readArray(file, 'single')).dtype, 'float32');
  });

  test(`${name}: char arrays, cells, structs and nested structs`, async () => {
    const file = fixture('mat', name);
    assert.deepEqual(await readStrings(file, 'label'), ['hello world']);
    assert.deepEqual(await readStrings(file, 'labels'), ['ab', 'cd', 'ef']);
    assert.deepEqual(await readStrings(file, 'models[*].name'), ['model0', 'model1', 'model2']);
    assert.deepEqual(await readStrings(file, 'cells[2]'), ['third']);
    assert.deepEqual(Array.from((await readArray(file, 'cells[1]')).data), [1, 2]);
    const stacked = await readArray(file, 'models[*].RDM');
    assert.deepEqual([...stacked.shape], [1, 3, 2, 3]);
    // Element i is arange(6).reshape(2, 3) + 10 i (make_fixtures.py).
    assert.deepEqual(Array.from(stacked.data), [0, 1, 2].flatMap((i) => [0, 1, 2, 3, 4, 5].map((v) => v + 10 * i)));
    assert.deepEqual(Array.from((await readArray(file, 'models[2].RDM')).data), [20, 21, 22, 23, 24, 25]);
    assert.deepEqual(Array.from((await readArray(file, 'models[0,1].w')).data), [1]);
    const cell = expected['mat/grid[0,1,0].v']!;
    assert.deepEqual(Array.from((await readArray(file, 'grid[0,1,0].v')).data), cell.data);
    const grid = await readArray(file, 'grid[*].v');
    assert.deepEqual([...grid.shape], [1, 2, 2, 1, 2]);
    assert.deepEqual(Array.from(grid.data), [0, 1, 10, 1, 100, 1, 110, 1]);
    assert.deepEqual(Array.from((await readArray(file, 'nested.inner.deep')).data), [1, 2, 3]);
    assert.deepEqual(await readStrings(file, 'nested.tag'), ['x']);
  });
}

test('introspection lists kinds, shapes, MATLAB classes and struct fields', async () => {
  const info = await listVariables(fixture('mat', 'v5_compressed.mat'));
  const byName = new Map(info.map((v) => [v.name, v]));
  assert.deepEqual(byName.get('cube'), { name: 'cube', kind: 'numeric', shape: [2, 3, 4], dtype: 'int16' });
  assert.deepEqual(byName.get('labels'), { name: 'labels', kind: 'string', shape: [3, 2], dtype: 'char' });
  assert.equal(byName.get('cells')!.kind, 'cell');
  const models = byName.get('models')!;
  assert.equal(models.kind, 'struct');
  assert.deepEqual(models.shape, [1, 3]);
  assert.deepEqual(models.fields!.map((f) => [f.name, f.kind, f.shape]), [['RDM', 'numeric', [2, 3]], ['name', 'string', [1, 6]], ['w', 'numeric', [1, 1]]]);
  assert.match(byName.get('sparse')!.unsupported!, /sparse/);
});

test('a one-variable mat file needs no variable name; a file of several does', async () => {
  assert.deepEqual(Array.from((await readArray(fixture('mat', 'one_var.mat'))).data), expected['mat/one_var.mat']!.data);
  await rejectsWith(readArray(supplemental), 'io.variable', /holds 4 variables/, /one of: categoryLabels, RDMs_mIT_hIT_fig1, categoryVectors, stimuli_92objs/);
});

test('Kriegeskorte 2008: RDMs_mIT_hIT_fig1[0].RDM is the condensed (squareform) monkey IT RDM', async () => {
  const vector = await readArray(supplemental, 'RDMs_mIT_hIT_fig1[0].RDM');
  assert.deepEqual([...vector.shape], [1, 4186]);
  const square = await readNpy(derived('rdm_mIT_674neurons.npy'));
  const n = 92;
  const condensed: number[] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) condensed.push(square.data[i * n + j]!);
  assertClose(vector.data, condensed, 1e-12);
});

test('Kriegeskorte 2008: mean of RDMs[*].RDM over 4 subjects × 2 sessions is the hIT RDM', async () => {
  const file = join(KRIEGESKORTE, '92_brainRDMs.mat');
  const stack = await readArray(file, 'RDMs[*].RDM');
  assert.deepEqual([...stack.shape], [1, 4, 2, 92, 92]);
  assert.equal(stack.dtype, 'float32');
  const perSubject = await readNpy(derived('rdms_hIT_4subjects_2sessions.npy'));
  assertClose(stack.data, perSubject.data, 1e-6);
  const mean = new Float64Array(92 * 92);
  for (let k = 0; k < 8; k++) for (let p = 0; p < mean.length; p++) mean[p]! += stack.data[k * mean.length + p]! / 8;
  assertClose(mean, (await readNpy(derived('rdm_hIT_316voxels.npy'))).data, 1e-6);
  // RDMs[0,3,1] is subject 3, session 1 — C order of the (1, 4, 2) struct array.
  const one = await readArray(file, 'RDMs[0,3,1].RDM');
  assertClose(one.data, perSubject.data.subarray(7 * 92 * 92, 8 * 92 * 92), 1e-6);
  assert.deepEqual(await readStrings(file, 'RDMs[*].name'), metadata['rdms_hIT_4subjects_2sessions.npy'].names.flat());
});

test('Kriegeskorte 2008: Models[*].RDM and names, behaviour RDMs, category vectors and labels', async () => {
  const modelsFile = join(KRIEGESKORTE, '92_modelRDMs.mat');
  const models = await readArray(modelsFile, 'Models[*].RDM');
  assert.deepEqual([...models.shape], [1, 8, 92, 92]);
  assertClose(models.data, (await readNpy(derived('rdms_models.npy'))).data, 1e-12);
  assertClose((await readArray(modelsFile, 'Models[2].RDM')).data, (await readNpy(derived('rdms_models.npy'))).data.subarray(2 * 8464, 3 * 8464), 1e-12);
  assert.deepEqual(await readStrings(modelsFile, 'Models[*].name'), metadata['rdms_models.npy'].names);
  const behaviourFile = join(KRIEGESKORTE, '92_behavRDMs.mat');
  assertClose((await readArray(behaviourFile, 'rdms_behav_92[*].RDM')).data, (await readNpy(derived('rdms_behaviour_16subjects.npy'))).data, 1e-12);
  assert.deepEqual(await readStrings(behaviourFile, 'rdms_behav_92[*].name'), metadata['rdms_behaviour_16subjects.npy'].names);
  assertClose((await readArray(supplemental, 'categoryVectors')).data, (await readNpy(derived('category_vectors.npy'))).data);
  assert.deepEqual(await readStrings(supplemental, 'categoryLabels'), metadata['category_vectors.npy'].columns);
  assert.deepEqual(await readStrings(supplemental, 'stimuli_92objs[*].category'), metadata.stimulus_category);
  const images = await readArray(supplemental, 'stimuli_92objs[*].image');
  assert.deepEqual([...images.shape], [1, 92, 175, 175, 3]);
  assert.equal(images.dtype, 'uint8');
});

test('Kriegeskorte 2008: introspection of all four files', async () => {
  const [brain] = await listVariables(join(KRIEGESKORTE, '92_brainRDMs.mat'));
  assert.deepEqual([brain!.name, brain!.kind, brain!.shape], ['RDMs', 'struct', [1, 4, 2]]);
  assert.deepEqual(brain!.fields!.find((f) => f.name === 'RDM'), { name: 'RDM', kind: 'numeric', shape: [92, 92], dtype: 'float32' });
  const [models] = await listVariables(join(KRIEGESKORTE, '92_modelRDMs.mat'));
  assert.deepEqual([models!.name, models!.shape], ['Models', [1, 8]]);
  const [behaviour] = await listVariables(join(KRIEGESKORTE, '92_behavRDMs.mat'));
  assert.deepEqual([behaviour!.name, behaviour!.shape], ['rdms_behav_92', [1, 16]]);
  const names = (await listVariables(supplemental)).map((v) => `${v.name}:${v.kind}:${v.shape.join('x')}`);
  assert.deepEqual(names, ['categoryLabels:cell:1x12', 'RDMs_mIT_hIT_fig1:struct:1x2', 'categoryVectors:numeric:92x12', 'stimuli_92objs:struct:1x92']);
});

test('unknown variable and unknown field suggest the closest name', async () => {
  await rejectsWith(readArray(join(KRIEGESKORTE, '92_modelRDMs.mat'), 'Model[*].RDM'), 'io.variable', /92_modelRDMs\.mat/, /no variable 'Model'/, /did you mean 'Models'/);
  await rejectsWith(readArray(join(KRIEGESKORTE, '92_modelRDMs.mat'), 'Models[*].rdm'), 'io.variable', /has no field 'rdm'/, /available: RDM, color, name/, /did you mean 'RDM'/);
});

test('dotted path into a non-struct', async () => {
  await rejectsWith(readArray(fixture('mat', 'v5_compressed.mat'), 'matrix.RDM'), 'io.selector', /'matrix' is a float64 array of shape \(3, 4\), not a struct/, /expected a dotted path into a struct/);
});

test('index out of range, and a struct array used without an index', async () => {
  await rejectsWith(readArray(join(KRIEGESKORTE, '92_modelRDMs.mat'), 'Models[8].RDM'), 'io.index', /index 8 is out of range for 'Models' of shape \(1, 8\)/, /expected an index in 0\.\.7/);
  await rejectsWith(readArray(join(KRIEGESKORTE, '92_brainRDMs.mat'), 'RDMs[0,4,1].RDM'), 'io.index', /index 4 is out of range for dimension 1/);
  await rejectsWith(readArray(join(KRIEGESKORTE, '92_brainRDMs.mat'), 'RDMs[3].RDM'), 'io.index', /give one index per dimension/);
  await rejectsWith(readArray(join(KRIEGESKORTE, '92_modelRDMs.mat'), 'Models.RDM'), 'io.selector', /struct array of shape \(1, 8\)/, /Models\[\*\]\.RDM/);
});

test('stacking elements of different shapes is refused', async () => {
  await rejectsWith(readArray(fixture('mat', 'v5_compressed.mat'), 'mixed[*].v'), 'io.stack', /element 1 has shape \(3, 3\) but element 0 has \(2, 2\)/);
});

test('sparse matrices are reported as unsupported', async () => {
  await rejectsWith(readArray(fixture('mat', 'v5_compressed.mat'), 'sparse'), 'io.unsupported', /sparse matrix/, /full\(/);
});

test('corrupt mat: bad header, bad endian mark, truncated element', async () => {
  await rejectsWith(readArray(fixture('bad', 'badheader.mat'), 'matrix'), 'io.mat', /badheader\.mat/, /not a MAT v5 file/);
  await rejectsWith(readArray(fixture('bad', 'badendian.mat'), 'matrix'), 'io.mat', /endian mark is "XX"/);
  await rejectsWith(readArray(fixture('bad', 'truncated.mat'), 'matrix'), 'io.mat', /truncated\.mat/, /corrupt MAT-file: truncated element/);
});
