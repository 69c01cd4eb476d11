/**
 * Huge specs (issue 13, item 3): a spec past the document size limit (engine/spec/document.ts,
 * 8 Mi characters) is refused at once with a message that points to `model.activations`; one
 * under it with many layers is checked in bounded time (the check is linear in the layers).
 */
import { test } from 'node:test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertClean, npy, scratch, simspec } from './harness';

const RDM = Array.from({ length: 15 }, (_, i) => ((i * 7) % 11) / 10 + 0.05);

/** N one-line layers sharing one RDM file, one region, one RSA comparison (the generator). */
function layersSpec(layers: number): { dir: string; spec: string } {
  const dir = scratch();
  writeFileSync(join(dir, 'r.npy'), npy([15], RDM));
  const lines = ['simspec: 1', 'model:', '  layers:'];
  for (let i = 0; i < layers; i++) lines.push(`    layer${i}: { file: r.npy, kind: rdm }`);
  lines.push('brain:', '  b: { file: r.npy, kind: rdm }', 'comparisons:', '  - name: c', '    metric: rsa', '    layers: [layer0]', '');
  const spec = join(dir, 'big.simspec.yaml');
  writeFileSync(spec, lines.join('\n'));
  return { dir, spec };
}

test('spec: 300k layers (≈13 MB) → refused at once past 8 Mi characters, pointing to model.activations', async () => {
  const { dir, spec } = layersSpec(300_000);
  assertClean(await simspec(['check', spec], { cwd: dir }), 1, /big\.simspec\.yaml:1:1: error: the spec is \d+ characters long \(the limit is 8388608/, /model\.activations/);
});

test('spec: 5k layers under the limit → checked, no errors, within the time and memory bounds', async () => {
  const { dir, spec } = layersSpec(5_000);
  assertClean(await simspec(['check', spec], { cwd: dir }), 0, /no errors/);
});
