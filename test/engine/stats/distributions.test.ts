import { test } from 'node:test';
import assert from 'node:assert/strict';
import { logGamma, regularizedIncompleteBeta, studentTCdf, studentTPValue } from '../../../engine/stats/distributions';
import { oneSampleTTest, percentile, summarize } from '../../../engine/stats/summary';

const close = (got: number, want: number, tol: number, what: string) => assert.ok(Math.abs(got - want) <= tol, `${what}: got ${got}, want ${want}`);

test('log-gamma matches factorials and Γ(½) = √π', () => {
  close(logGamma(1), 0, 1e-14, 'lnΓ(1)');
  close(logGamma(5), Math.log(24), 1e-13, 'lnΓ(5)');
  close(logGamma(0.5), 0.5 * Math.log(Math.PI), 1e-14, 'lnΓ(½)');
  close(logGamma(101), 363.73937555556347, 1e-10, 'lnΓ(101) = ln 100!');
});

test('incomplete beta: closed forms I_x(1, b) = 1 − (1 − x)^b and I_x(a, 1) = x^a, symmetry', () => {
  close(regularizedIncompleteBeta(0.3, 1, 4), 1 - 0.7 ** 4, 1e-14, 'I(1,4)');
  close(regularizedIncompleteBeta(0.8, 3, 1), 0.8 ** 3, 1e-14, 'I(3,1)');
  close(regularizedIncompleteBeta(0.37, 2.5, 7.1) + regularizedIncompleteBeta(0.63, 7.1, 2.5), 1, 1e-14, 'symmetry');
});

test('Student t: table values (two-sided and one-sided)', () => {
  // Brief / any t table: t = 2.0 with 10 df → two-sided p = 0.07339.
  close(studentTPValue(2.0, 10, 'two-sided'), 0.07339, 5e-6, 't=2, df=10');
  // Critical values from standard t tables (two-sided 0.05 / 0.01, one-sided 0.05).
  close(studentTPValue(2.228139, 10, 'two-sided'), 0.05, 1e-6, 't(0.975, 10)');
  close(studentTPValue(12.706205, 1, 'two-sided'), 0.05, 1e-6, 't(0.975, 1)');
  close(studentTPValue(2.749996, 30, 'two-sided'), 0.01, 1e-6, 't(0.995, 30)');
  close(studentTPValue(1.812461, 10, 'greater'), 0.05, 1e-6, 'one-sided t(0.95, 10)');
  close(studentTPValue(-1.812461, 10, 'less'), 0.05, 1e-6, 'one-sided lower tail');
  close(studentTPValue(-1.812461, 10, 'greater'), 0.95, 1e-6, 'wrong tail');
});

test('Student t CDF: closed forms for 1 (Cauchy) and 2 degrees of freedom', () => {
  for (const t of [-30, -3, -0.5, 0, 0.2, 1, 4.5, 100]) {
    close(studentTCdf(t, 1), 0.5 + Math.atan(t) / Math.PI, 1e-13, `Cauchy cdf(${t})`);
    close(studentTCdf(t, 2), 0.5 + t / (2 * Math.sqrt(2 + t * t)), 1e-13, `t2 cdf(${t})`);
  }
});

test('summaries: SEM with ddof 1 and a one-sample t-test by hand', () => {
  const x = [1, 2, 3, 4, 6];
  const s = summarize(x);
  close(s.mean, 3.2, 1e-15, 'mean');
  close(s.sd, Math.sqrt(14.8 / 4), 1e-15, 'sd');
  close(s.sem, Math.sqrt(14.8 / 4) / Math.sqrt(5), 1e-15, 'sem');
  const t = oneSampleTTest(x, 'two-sided');
  close(t.t, 3.2 / s.sem, 1e-12, 't');
  assert.equal(t.df, 4);
  close(oneSampleTTest(x, 'greater').p * 2, t.p, 1e-14, 'one-sided = half of two-sided for t > 0');
  close(percentile([1, 2, 3, 4], 50), 2.5, 0, 'median');
  close(percentile([0, 10], 2.5), 0.25, 1e-15, 'linear interpolation');
});
