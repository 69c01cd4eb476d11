// Φ, Φ⁻¹ and the BCa interval against scipy (test/fixtures/inference, made by make_fixtures.py there).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { normalCdf, normalQuantile } from '../../../engine/stats/normal';
import { bcaInterval, decodeFloat32Base64, encodeFloat32Base64 } from '../../../engine/inference/bootstrap';

const fixtures = join(__dirname, '../../fixtures/inference');
const read = (name: string) => JSON.parse(readFileSync(join(fixtures, name), 'utf8'));

test('normalCdf and normalQuantile equal scipy ndtr / ndtri', () => {
  const { cdf, quantile } = read('normal.json') as { cdf: [number, number][]; quantile: [number, number][] };
  for (const [x, want] of cdf) {
    const got = normalCdf(x);
    assert.ok(Math.abs(got - want) <= 1e-15 + 1e-12 * want, `Φ(${x}) = ${got}, scipy ${want}`);
  }
  for (const [p, want] of quantile) {
    const got = normalQuantile(p);
    assert.ok(Math.abs(got - want) <= 1e-12 * Math.max(1, Math.abs(want)), `Φ⁻¹(${p}) = ${got}, scipy ${want}`);
  }
  assert.equal(normalQuantile(0), -Infinity);
  assert.ok(Number.isNaN(normalQuantile(1.5)));
});

const statistics: Record<string, (x: number[]) => number> = {
  mean: (x) => x.reduce((a, b) => a + b, 0) / x.length,
  std: (x) => {
    const m = x.reduce((a, b) => a + b, 0) / x.length;
    return Math.sqrt(x.reduce((a, b) => a + (b - m) ** 2, 0) / x.length);
  },
  'log-mean': (x) => Math.log(x.reduce((a, b) => a + b, 0) / x.length),
};

test('bcaInterval equals scipy.stats.bootstrap(method="BCa") on the same draws (three statistics, two levels)', () => {
  const { cases } = read('bca.json') as { cases: { statistic: string; level: number; data: number[]; observed: number; bootstrap: number[]; low: number; high: number }[] };
  assert.equal(cases.length, 6);
  for (const c of cases) {
    const f = statistics[c.statistic]!;
    const observed = f(c.data);
    assert.ok(Math.abs(observed - c.observed) <= 1e-12 * Math.abs(c.observed), `${c.statistic} observed`);
    const jackknife = c.data.map((_, i) => f(c.data.filter((__, j) => j !== i)));
    const got = bcaInterval(c.bootstrap, observed, jackknife, c.level * 100);
    for (const [g, want, end] of [[got.lower, c.low, 'low'], [got.upper, c.high, 'high']] as const) {
      assert.ok(Math.abs(g - want) <= 1e-10 * Math.abs(want), `${c.statistic} ${c.level} ${end}: ${g}, scipy ${want}`);
    }
    // BCa differs from the plain percentile interval on these skewed statistics (the test can fail).
    assert.ok(Math.abs(got.acceleration) > 1e-4, 'acceleration is not zero');
  }
});

test('float32 base64 draws: round trip at float32 precision, NaN kept', () => {
  const values = [0.1, -2.5, Number.NaN, 1e-8, 12345.678];
  const back = decodeFloat32Base64(encodeFloat32Base64(values));
  assert.equal(back.length, values.length);
  values.forEach((v, i) => (Number.isNaN(v) ? assert.ok(Number.isNaN(back[i]!)) : assert.equal(back[i], Math.fround(v))));
});
