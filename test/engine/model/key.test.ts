/**
 * Activation cache keys (engine/model/key.ts): a key changes when the model, any image (content or
 * order), the preprocessing, the input, the tensor or the lesion changes, and not otherwise (equal
 * descriptions built separately, defaults written or not, give the same key).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { activationKey, type ActivationSource } from '../../../engine/model/key';

const base = (): ActivationSource => ({
  model: 'a'.repeat(64),
  images: ['1'.repeat(64), '2'.repeat(64), '3'.repeat(64)],
  preprocessing: { size: 256, crop: 224, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], channelOrder: 'RGB', layout: 'NCHW' },
  input: 'image',
});

test('the same description gives the same key; key order of the preprocessing object does not matter', () => {
  const b = base();
  const reordered: ActivationSource = { input: 'image', images: [...b.images], model: b.model, preprocessing: { layout: 'NCHW', channelOrder: 'RGB', std: [0.229, 0.224, 0.225], mean: [0.485, 0.456, 0.406], crop: 224, size: 256 } };
  assert.equal(activationKey(b, 'relu1'), activationKey(reordered, 'relu1'));
  const lesion = { tensor: 'relu1', mask: Float32Array.from([1, 0, 1]) };
  assert.equal(activationKey(b, 'fc', lesion), activationKey(base(), 'fc', { tensor: 'relu1', mask: Float32Array.from([1, 0, 1]) }));
});

test('the key changes with the model, each image, image order, each preprocessing setting, the input, the tensor and the lesion', () => {
  const reference = activationKey(base(), 'relu1');
  const variants: [string, (s: ActivationSource) => void][] = [
    ['model', (s) => (s.model = 'b'.repeat(64))],
    ['an image', (s) => (s.images[1] = '9'.repeat(64))],
    ['image order', (s) => s.images.reverse()],
    ['an image more', (s) => s.images.push('4'.repeat(64))],
    ['size', (s) => (s.preprocessing.size = 224)],
    ['size as [h, w]', (s) => (s.preprocessing.size = [256, 256])],
    ['crop', (s) => (s.preprocessing.crop = 200)],
    ['no crop', (s) => delete s.preprocessing.crop],
    ['mean', (s) => (s.preprocessing.mean = [0.5, 0.456, 0.406])],
    ['std', (s) => (s.preprocessing.std = [0.229, 0.224, 0.226])],
    ['channel order', (s) => (s.preprocessing.channelOrder = 'BGR')],
    ['layout', (s) => (s.preprocessing.layout = 'NHWC')],
    ['input', (s) => (s.input = 'x')],
  ];
  const seen = new Set([reference]);
  for (const [what, change] of variants) {
    const s = base();
    change(s);
    const key = activationKey(s, 'relu1');
    assert.ok(!seen.has(key), `changing ${what} must change the key`);
    seen.add(key);
  }
  assert.notEqual(activationKey(base(), 'relu2'), reference);
  const lesioned = activationKey(base(), 'relu1', { tensor: 'relu1', mask: Float32Array.from([1, 0, 1]) });
  assert.notEqual(lesioned, reference);
  assert.notEqual(activationKey(base(), 'relu1', { tensor: 'relu1', mask: Float32Array.from([0, 1, 1]) }), lesioned);
  assert.notEqual(activationKey(base(), 'relu1', { tensor: 'relu1', mask: Float32Array.from([1, 0, 1]), fill: Float32Array.from([0, 2, 0]) }), lesioned);
  assert.notEqual(activationKey(base(), 'relu1', { tensor: 'conv1', mask: Float32Array.from([1, 0, 1]) }), lesioned);
});
