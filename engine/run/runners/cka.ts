/**
 * CKA comparison of one model layer with one brain region (Kornblith et al. 2019;
 * engine/metrics/cka). Params (schema `ckaComparison`): `estimator` (unbiased | biased, default
 * unbiased: Song et al. 2012 U-centring, as Brain-Score since 2026-01-30; biased CKA is inflated
 * when units outnumber stimuli), `kernel` (linear | rbf), `bandwidth` (kornblith | brain-score | a
 * fixed σ), `threshold` (t in σ² = t²·median D²), `epsilon` (kornblith | brain-score | platonic),
 * `angular` (report arccos(CKA), a metric, instead of CKA). One value per brain subject; the score
 * is their mean. A similarity (higher is better) unless `angular`.
 */
import { SimspecError } from '../../core/errors';
import { linearCka, rbfCka, unbiasedLinearCka, type CkaEpsilonVariant, type RbfBandwidth } from '../../metrics/cka';
import type { ComparisonSpec } from '../../spec/types';
import type { ComparisonRunner, LoadedRepresentation, RunContext, Score } from '../types';
import { addResamplingStatistics, drawnSubjectMean, subjectMeanScore, modelMatrix, responsesOf } from './shape';
import type { Matrix } from '../../core/matrix';

export const ckaRunner: ComparisonRunner = {
  metric: 'cka',
  async run(comparison: ComparisonSpec, model: LoadedRepresentation, brain: LoadedRepresentation, context: RunContext): Promise<Score> {
    const p = comparison.params;
    const estimator = p.estimator === 'biased' ? 'biased' : 'unbiased';
    const kernel = p.kernel === 'rbf' ? 'rbf' : 'linear';
    const variant = (typeof p.epsilon === 'string' ? p.epsilon : 'kornblith') as CkaEpsilonVariant;
    const bandwidth: RbfBandwidth = typeof p.bandwidth === 'number' ? { sigma: p.bandwidth } : p.bandwidth === 'brain-score' ? 'brain-score' : 'kornblith';
    const threshold = typeof p.threshold === 'number' ? p.threshold : 1;
    const angular = p.angular === true;
    const warnings: string[] = [];
    const x = modelMatrix(model, 'CKA', warnings);
    const ys = responsesOf(brain, 'CKA');
    const valueFor = (a: Matrix, b: Matrix): number => {
      let value: number;
      if (kernel === 'rbf') value = rbfCka(a, b, { estimator, bandwidth, threshold, variant });
      else value = estimator === 'unbiased' ? unbiasedLinearCka(a, b, { variant }) : linearCka(a, b);
      return angular ? Math.acos(Math.min(1, Math.max(-1, value))) : value;
    };
    const perSubject = ys.map((y, s) => {
      context.progress(s / ys.length, 'CKA');
      if (x.rows !== y.rows) {
        throw new SimspecError(`model layer '${model.name}' has ${x.rows} stimuli but brain region '${brain.name}' has ${y.rows}`, { file: brain.file, variable: brain.key ?? brain.name, expected: `${x.rows} rows`, code: 'data.rows' });
      }
      return valueFor(x, y);
    });
    if (estimator === 'biased' && Math.max(x.cols, ys[0]!.cols) > x.rows) {
      warnings.push('biased CKA is inflated when units outnumber stimuli (Murphy, Zylberberg & Fyshe 2024); consider estimator: unbiased');
    }
    const kernelName = kernel === 'rbf' ? `RBF (${typeof bandwidth === 'object' ? `σ = ${bandwidth.sigma}` : `${bandwidth} median rule, t = ${threshold}`})` : 'linear';
    const score = subjectMeanScore(perSubject, {
      measure: `${angular ? 'arccos of ' : ''}${estimator} ${kernelName} CKA${estimator === 'unbiased' ? ` (${variant} ε)` : ''}${ys.length > 1 ? ` (mean over ${ys.length} subjects)` : ''}`,
      higherIsBetter: !angular,
      details: { estimator, kernel, ...(kernel === 'rbf' ? { bandwidth, threshold } : {}), epsilon: estimator === 'unbiased' ? variant : undefined, angular },
    });
    addResamplingStatistics(score, comparison, context, x.rows, ys.length, drawnSubjectMean(x, ys, valueFor), warnings);
    if (warnings.length) score.warnings = warnings;
    return score;
  },
};
