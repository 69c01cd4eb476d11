/**
 * Ranks of a bootstrap draw from the stimulus counts in sorted order (pairWeightedAverageRanks)
 * equal a fresh sort of the expanded sample (averageRanks over every copy of every pair) and the
 * weight-vector pass (weightedAverageRanks), bit for bit — with heavy ties, with multiplicities,
 * with stimuli left out of the draw, and into a float32 buffer.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { averageRanks, pairWeightedAverageRanks, presortTies, sortedPairStimuli, weightedAverageRanks } from '../../../engine/stats/ranks';
import { seededRandom } from '../../helpers/seededRandom';

for (const [conditions, levels, seed] of [[12, 3, 1], [30, 1000, 2], [45, 7, 3], [2, 2, 4], [60, 1e9, 5]] as const) {
  test(`draw ranks from counts: ${conditions} stimuli, ${levels} distinct levels`, () => {
    const random = seededRandom(seed);
    const pairs = (conditions * (conditions - 1)) / 2;
    const values = Float64Array.from({ length: pairs }, () => Math.floor(random() * levels));
    const ties = presortTies(values);
    const pairStimuli = sortedPairStimuli(ties, conditions);
    for (let draw = 0; draw < 5; draw++) {
      const counts = new Float64Array(conditions);
      for (let a = 0; a < conditions; a++) counts[Math.floor(random() * conditions)]!++;
      const weights = new Float64Array(pairs);
      const expanded: number[] = [];
      const firstCopy: number[] = [];
      let k = 0;
      for (let i = 0; i < conditions; i++) {
        for (let j = i + 1; j < conditions; j++, k++) {
          weights[k] = counts[i]! * counts[j]!;
          firstCopy[k] = expanded.length;
          for (let c = 0; c < weights[k]!; c++) expanded.push(values[k]!);
        }
      }
      const fresh = averageRanks(expanded);
      const viaWeights = weightedAverageRanks(ties, weights);
      const ranks64 = pairWeightedAverageRanks(ties, pairStimuli, counts, new Float64Array(pairs));
      const ranks32 = pairWeightedAverageRanks(ties, pairStimuli, counts, new Float32Array(pairs));
      for (let p = 0; p < pairs; p++) {
        assert.equal(ranks64[p], viaWeights[p]);
        assert.equal(ranks32[p], viaWeights[p]);
        if (weights[p]! > 0) assert.equal(ranks64[p], fresh[firstCopy[p]!], `pair ${p}`);
      }
    }
  });
}
