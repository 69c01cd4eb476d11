// Kernel choice (engine/linalg/wasm/dispatch.ts, calibrate.ts): the default mode picks by feature
// (FMA where relaxed SIMD validates), so numbers never depend on the machine's load; the opt-in
// `auto` mode runs the module a short timing found faster, keeps that choice for the process (FMA
// and mul+add differ in the last bits, so one process must never mix them), prefers FMA unless
// mul+add wins by the stated margin; a forced SIMSPEC_KERNELS mode bypasses the calibration.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { calibrate, kernelVariant, PLAIN_SIMD_MARGIN, relaxedSimdAvailable, setKernelMode } from '../../../engine/linalg/wasm';
import { resetCalibration } from '../../../engine/linalg/wasm/calibrate';

test('the calibration runs once per process and its choice follows the margin rule', () => {
  resetCalibration();
  const first = calibrate();
  assert.ok(first, 'WASM SIMD runs on Node 20');
  assert.equal(calibrate(), first, 'cached: the same object on every call');
  if (relaxedSimdAvailable()) {
    assert.ok(first.fmaMs !== undefined && first.simdMs !== undefined && first.fmaMs > 0 && first.simdMs > 0);
    const simdClearlyFaster = first.simdMs < PLAIN_SIMD_MARGIN * first.fmaMs;
    assert.equal(first.variant, simdClearlyFaster ? 'simd' : 'fma');
  } else {
    assert.equal(first.variant, 'simd');
  }
  setKernelMode('auto');
  try {
    assert.equal(kernelVariant(), first.variant);
  } finally {
    setKernelMode(undefined);
  }
});

test('the default mode picks by feature, never by timing', () => {
  setKernelMode('wasm');
  try {
    assert.equal(kernelVariant(), relaxedSimdAvailable() ? 'fma' : 'simd');
  } finally {
    setKernelMode(undefined);
  }
});

test('forced modes ignore the calibration', () => {
  setKernelMode('wasm-simd');
  try {
    assert.equal(kernelVariant(), 'simd');
  } finally {
    setKernelMode(undefined);
  }
  if (relaxedSimdAvailable()) {
    setKernelMode('wasm-fma');
    try {
      assert.equal(kernelVariant(), 'fma');
    } finally {
      setKernelMode(undefined);
    }
  }
});
