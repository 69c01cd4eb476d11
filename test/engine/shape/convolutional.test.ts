// Convolutional shape metric (netrep convolve_metric, docs/metrics.md §4.6): the factor-reuse
// shortcut equals a full fit on explicitly rolled data; a spatially rolled copy is found at
// distance 0; X vs X is 0 only
// at the centre of the map.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NDArray } from '../../../engine/core/matrix';
import { convolutionalShapeDistance, shapeDistance, numpyStandardNormal, type ShapeOptions } from '../../../engine/metrics/shape';
import { multiply } from '../../../engine/linalg';
import { close, randomOrthogonal } from './helpers';

const [n, h, w, c] = [6, 4, 5, 3];

function tensor(seed: number, channels = c): NDArray {
  return { shape: [n, h, w, channels], data: numpyStandardNormal(seed, n * h * w * channels), dtype: 'float64' };
}

/** np.roll(x, (di, dj), axis=(1, 2)), written directly on the 4-D layout. */
function roll(x: NDArray, di: number, dj: number): NDArray {
  const [, hh, ww, cc] = x.shape as number[];
  const out = new Float64Array(x.data.length);
  for (let s = 0; s < n; s++) for (let i = 0; i < hh!; i++) for (let j = 0; j < ww!; j++) for (let k = 0; k < cc!; k++) {
    out[((s * hh! + ((i + di + hh!) % hh!)) * ww! + ((j + dj + ww!) % ww!)) * cc! + k] = x.data[((s * hh! + i) * ww! + j) * cc! + k]!;
  }
  return { shape: x.shape, data: out, dtype: 'float64' };
}

const flat = (x: NDArray) => ({ rows: n * h * w, cols: x.shape[3]!, data: x.data });

test('each map entry equals a full fit on the rolled, flattened data', () => {
  const x = tensor(1);
  const y = tensor(2, 4);
  for (const o of [{ group: 'orthogonal' }, { group: 'linear', alpha: 0.5, score: 'euclidean' }, { group: 'permutation' }] as ShapeOptions[]) {
    const r = convolutionalShapeDistance(x, y, o);
    assert.equal(r.map.length, h);
    assert.equal(r.map[0]!.length, w);
    for (const [i, j] of [[0, 0], [1, 3], [3, 4]] as const) {
      const direct = shapeDistance(flat(roll(x, i - 2, j - 2)), flat(y), o).distance;
      close(r.map[i]![j]!, direct, 1e-9, `${o.group} shift (${i - 2}, ${j - 2})`);
    }
    close(r.distance, Math.min(...r.map.flat()), 0, 'minimum');
  }
});

test('a rolled, rotated copy is found at distance 0 at the opposite shift; X vs X is 0 only at the centre', () => {
  const x = tensor(3);
  const moved = roll(x, 1, -2);
  const rotated: NDArray = { shape: moved.shape, data: multiply(flat(moved), randomOrthogonal(c, 4)).data, dtype: 'float64' };
  const r = convolutionalShapeDistance(rotated, x, { group: 'orthogonal' });
  close(r.distance, 0, 1e-7, 'min');
  assert.deepEqual(r.bestShift, [-1, 2]);
  const self = convolutionalShapeDistance(x, x, { group: 'orthogonal' });
  close(self.map[2]![2]!, 0, 1e-7, 'centre');
  assert.ok(self.map.flat().reduce((a, b) => a + b, 0) / (h * w) > 0.1, 'the map mean is not 0');
});
