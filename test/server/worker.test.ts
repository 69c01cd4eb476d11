/**
 * The introspection worker proxy answers like the engine's introspector on the main thread,
 * including SimspecErrors (same class, same message) that semantic checks turn into diagnostics.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { isSimspecError } from '../../engine/core/errors';
import { createFileIntrospector } from '../../engine/spec/introspector';
import { createWorkerIntrospector } from '../../server/introspectionWorker';
import { FIXTURES } from './helpers';

const fallbacks: string[] = [];
// The server's own entry file, started as a worker (through tsx, since it is TypeScript here).
const entry = join(__dirname, '..', '..', 'server', 'main.ts');
const viaWorker = createWorkerIntrospector(() => new Worker(`require('tsx/cjs'); require(${JSON.stringify(entry)});`, { eval: true }), (reason) => fallbacks.push(reason));
const direct = createFileIntrospector();
const data = (name: string) => join(FIXTURES, 'data', name);
after(() => assert.deepEqual(fallbacks, []));

test('variables, describe, variableNames and tableRowCount match the main-thread introspector', async () => {
  for (const file of ['model.npz', 'brain.npz', 'brain.mat', 'single.npy']) {
    assert.deepEqual(await viaWorker.variables(data(file)), await direct.variables(data(file)));
    assert.deepEqual(await viaWorker.variableNames(data(file)), await direct.variableNames(data(file)));
  }
  assert.deepEqual(await viaWorker.describe(data('brain.mat'), 'rois.RDM'), await direct.describe(data('brain.mat'), 'rois.RDM'));
  assert.equal(await viaWorker.tableRowCount(join(FIXTURES, 'labels.csv'), true), 6);
});

test('errors come back as SimspecErrors with the same message and code', async () => {
  const failing = (io: typeof direct) => io.describe(data('model.npz'), 'conv6').then(() => assert.fail('expected an error'), (e: unknown) => e);
  const [fromWorker, fromMain] = await Promise.all([failing(viaWorker), failing(direct)]);
  assert.ok(isSimspecError(fromWorker));
  assert.ok(isSimspecError(fromMain));
  assert.equal((fromWorker as Error).message, (fromMain as Error).message);
  assert.equal((fromWorker as { code: string }).code, (fromMain as { code: string }).code);
});
