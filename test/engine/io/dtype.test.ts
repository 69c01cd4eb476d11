import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeElements, fortranToC, halfToDouble, product } from '../../../engine/io/dtype';

test('fortranToC: a column-major array whose values are their C positions becomes 0..n-1', () => {
  fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 5 }), (shape) => {
    const n = product(shape);
    const fortran = new Float64Array(n);
    // Visit every multi-index; write its C-linear index at its column-major position.
    for (let c = 0; c < n; c++) {
      let rest = c, f = 0, stride = 1;
      const idx: number[] = [];
      for (let d = shape.length - 1; d >= 0; d--) { idx[d] = rest % shape[d]!; rest = Math.floor(rest / shape[d]!); }
      for (let d = 0; d < shape.length; d++) { f += idx[d]! * stride; stride *= shape[d]!; }
      fortran[f] = c;
    }
    assert.deepEqual(Array.from(fortranToC(fortran, shape)), Array.from({ length: n }, (_, k) => k));
  }), { numRuns: 200 });
});

test('decodeElements: misaligned and byte-swapped inputs give the same numbers', () => {
  const values = [1.5, -2.25, 1e300, -0];
  const le = new Uint8Array(1 + 8 * values.length);
  const be = new Uint8Array(8 * values.length);
  const lv = new DataView(le.buffer), bv = new DataView(be.buffer);
  values.forEach((v, i) => { lv.setFloat64(1 + 8 * i, v, true); bv.setFloat64(8 * i, v, false); });
  assert.deepEqual(Array.from(decodeElements(le, 1, 4, { dtype: 'float64', size: 8, littleEndian: true })), values);
  assert.deepEqual(Array.from(decodeElements(be, 0, 4, { dtype: 'float64', size: 8, littleEndian: false })), values);
});

test('halfToDouble: IEEE 754 binary16 reference values', () => {
  assert.equal(halfToDouble(0x3c00), 1);
  assert.equal(halfToDouble(0xc000), -2);
  assert.equal(halfToDouble(0x7bff), 65504);
  assert.equal(halfToDouble(0x0001), 2 ** -24);
  assert.equal(halfToDouble(0x7c00), Infinity);
  assert.ok(Number.isNaN(halfToDouble(0x7e00)));
});
