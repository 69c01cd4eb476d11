/**
 * Preprocessing (engine/model/images.ts) against PIL 9.4 + numpy on the same images: the fixture is
 * written by test/fixtures/model/make_preprocessing.py (torchvision's Resize / CenterCrop / ToTensor /
 * Normalize conventions on a PIL image). Resize and crop must give the same uint8 pixels exactly and
 * the float32 tensor the same float32 values exactly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readNpy } from '../../../engine/io';
import { readImage, resizeAndCrop, resizedSize, writeTensor, centerCrop, type Preprocessing } from '../../../engine/model/images';

const dir = join(__dirname, '..', '..', 'fixtures', 'model');
interface Case { image: string; size: number | [number, number]; crop: number | [number, number]; decoded_sum: number; decoded_shape: number[]; resized_shape: [number, number]; uint8_hwc: number[]; tensor_chw_float32: string[] }
const reference = JSON.parse(readFileSync(join(dir, 'preprocessing.json'), 'utf8')) as { mean: [number, number, number]; std: [number, number, number]; cases: Case[] };

for (const c of reference.cases) {
  test(`${c.image}: size ${JSON.stringify(c.size)}, crop ${JSON.stringify(c.crop)} equals PIL + numpy`, () => {
    const image = readImage(join(dir, 'images', c.image));
    assert.deepEqual([image.height, image.width, 3], c.decoded_shape);
    if (c.image.endsWith('.png')) {
      // PNG decoding is exact: same pixels as PIL's convert('RGB').
      let sum = 0;
      for (const v of image.data) sum += v;
      assert.equal(sum, c.decoded_sum);
    }
    if (c.image.endsWith('.jpg')) return; // decoders may differ by a level: see the JPEG test below
    assert.deepEqual(resizedSize(image.width, image.height, c.size), c.resized_shape);
    const pre: Preprocessing = { size: c.size, crop: c.crop, mean: reference.mean, std: reference.std, channelOrder: 'RGB', layout: 'NCHW' };
    const out = resizeAndCrop(image, pre);
    assert.deepEqual(Array.from(out.data), c.uint8_hwc);
    const tensor = new Float32Array(out.data.length);
    writeTensor(out, pre, tensor, 0);
    const want = c.tensor_chw_float32.map(Number).map(Math.fround);
    assert.deepEqual(Array.from(tensor), want);
  });
}

test('JPEG: preprocessing of PIL\'s own decoded pixels equals PIL exactly; jpeg-js is within 3 grey levels of libjpeg on a 4:4:4 JPEG', async () => {
  const pil = await readNpy(join(dir, 'decoded_e_photo.npy'));
  const [h, w] = pil.shape as [number, number];
  const pilImage = { width: w, height: h, data: Uint8Array.from(pil.data) };
  for (const c of reference.cases.filter((k) => k.image.endsWith('.jpg'))) {
    const pre: Preprocessing = { size: c.size, crop: c.crop, mean: reference.mean, std: reference.std, channelOrder: 'RGB', layout: 'NCHW' };
    assert.deepEqual(Array.from(resizeAndCrop(pilImage, pre).data), c.uint8_hwc);
  }
  const ours = readImage(join(dir, 'images', 'e_photo.jpg'));
  let maxDiff = 0;
  let differing = 0;
  for (let i = 0; i < ours.data.length; i++) {
    const d = Math.abs(ours.data[i]! - pilImage.data[i]!);
    maxDiff = Math.max(maxDiff, d);
    if (d > 0) differing++;
  }
  // jpeg-js vs libjpeg-turbo: measured max |diff| and share of differing samples are stated in docs/model-execution.md.
  assert.ok(maxDiff <= 3, `max |diff| ${maxDiff}`);
  assert.ok(differing < ours.data.length, `${differing} of ${ours.data.length} samples differ`);
});

test('channel order BGR and layout NHWC permute the same values', () => {
  const image = { width: 2, height: 1, data: Uint8Array.from([10, 20, 30, 40, 50, 60]) };
  const pre: Preprocessing = { mean: [0, 0, 0], std: [1, 1, 1], channelOrder: 'BGR', layout: 'NHWC' };
  const out = new Float32Array(6);
  writeTensor(image, pre, out, 0);
  assert.deepEqual(Array.from(out), [30, 20, 10, 60, 50, 40].map((v) => Math.fround(v / 255)));
});

test('centre crop offsets round half to even like Python', () => {
  // width 5 → crop 2: (5-2)/2 = 1.5 → 2; width 7 → crop 2: 2.5 → 2.
  const row = (w: number) => ({ width: w, height: 1, data: Uint8Array.from({ length: w * 3 }, (_, i) => Math.floor(i / 3)) });
  assert.equal(centerCrop(row(5), 1, 2).data[0], 2);
  assert.equal(centerCrop(row(7), 1, 2).data[0], 2);
  assert.equal(centerCrop(row(6), 1, 2).data[0], 2);
  assert.throws(() => centerCrop(row(3), 2, 2), /larger than the resized image/);
});
