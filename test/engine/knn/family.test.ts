// The knn family draft: one defaults table, the schema properties are exactly the keys parse reads,
// and check reports (with a key path) every k / stimulus-count rule that the computation refuses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimspecError } from '../../../engine/core/errors';
import { checkKnnParams, knnDefaults, knnMeasure, knnProperties, knnScore, parseKnnParams, type KnnParams } from '../../../engine/families/knn';
import { randomMatrix } from '../shape/helpers';

test('parse fills every default from the one table and reads only the schema\'s keys', () => {
  assert.deepEqual(parseKnnParams({}), { ...knnDefaults });
  assert.deepEqual(Object.keys(knnProperties).sort(), Object.keys(knnDefaults).sort());
  const written = { method: 'cknna', k: 5, normalize: false, unbiased: false, epsilon: 'none' } as const;
  assert.deepEqual(parseKnnParams(written), written);
  for (const [key, schema] of Object.entries(knnProperties)) {
    const allowed = 'enum' in schema ? (schema.enum as readonly unknown[]) : undefined;
    if (allowed) assert.ok(allowed.includes((knnDefaults as Record<string, unknown>)[key]), `default of ${key} is one of its enum values`);
  }
});

function problems(params: KnnParams, stimuli?: number): Array<{ key: string; code: string; severity: string }> {
  const out: Array<{ key: string; code: string; severity: string }> = [];
  checkKnnParams(params, { stimuli }, (_message, key, code, extra) => out.push({ key: key.join('.'), code, severity: extra?.severity ?? 'error' }));
  return out;
}

test('check reports exactly the parameter problems the computation refuses (seeded sweep over k, n, method)', () => {
  let refusedAndReported = 0;
  for (let n = 2; n <= 9; n++) {
    for (let k = 1; k <= 11; k++) {
      for (const method of ['mutual-knn', 'cknna'] as const) {
        for (const unbiased of [true, false]) {
          const params: KnnParams = { ...parseKnnParams({ method, k }), unbiased: method === 'cknna' ? unbiased : true };
          const reported = problems(params, n).filter((p) => p.severity === 'error');
          const x = randomMatrix(n, 3, n * 100 + k);
          const y = randomMatrix(n, 4, n * 100 + k + 1);
          let refused = false;
          try {
            knnScore(params, x, y);
          } catch (e) {
            if (!(e instanceof SimspecError)) throw e;
            // A degenerate neighbour structure on random data is a data problem, not a parameter one.
            if (e.code !== 'metric.degenerate') refused = true;
          }
          assert.equal(reported.length > 0, refused, `n=${n} k=${k} ${method} unbiased=${unbiased}: reported ${JSON.stringify(reported)}, refused ${refused}`);
          if (refused) refusedAndReported++;
        }
      }
    }
  }
  assert.ok(refusedAndReported > 50);
});

test('check without a known stimulus count still catches k = 1 for CKNNA and warns about unused keys', () => {
  assert.deepEqual(problems({ ...parseKnnParams({ method: 'cknna', k: 1 }) }), [{ key: 'k', code: 'spec.knn-k', severity: 'error' }]);
  assert.deepEqual(problems(parseKnnParams({ epsilon: 'none' })), [{ key: 'epsilon', code: 'spec.knn-unused', severity: 'warning' }]);
  assert.deepEqual(problems(parseKnnParams({})), []);
});

test('the measure text names the score, k and the neighbourhood', () => {
  assert.equal(knnMeasure(parseKnnParams({}), 1), 'mutual k-NN alignment (k = 10, cosine neighbours)');
  assert.equal(knnMeasure(parseKnnParams({ method: 'cknna', k: 7, normalize: false }), 3), 'CKNNA (k = 7, inner-product neighbours, +1e-6 ε) (mean over 3 subjects)');
});
