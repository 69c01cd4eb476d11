/**
 * CCA-family comparison of one model layer with one brain region (engine/metrics/cca). Params
 * (schema `ccaComparison`): `method` (svcca | mean | r2 | pwcca; default svcca, since plain CCA is
 * degenerate when a network has p ≥ n − 1 units), `components` or `variance_kept` (SVCCA; default
 * 0.99), `weights_from` (model | brain, PWCCA's weighting side), `center`. One value per brain
 * subject; the score is their mean. Similarities: higher is better.
 */
import { SimspecError } from '../../core/errors';
import { canonicalCorrelations, pwcca, svcca } from '../../metrics/cca';
import type { ComparisonSpec } from '../../spec/types';
import type { ComparisonRunner, LoadedRepresentation, RunContext, Score } from '../types';
import { addResamplingStatistics, drawnSubjectMean, subjectMeanScore, modelMatrix, responsesOf } from './shape';
import type { Matrix } from '../../core/matrix';

export const ccaRunner: ComparisonRunner = {
  metric: 'cca',
  async run(comparison: ComparisonSpec, model: LoadedRepresentation, brain: LoadedRepresentation, context: RunContext): Promise<Score> {
    const p = comparison.params;
    const method = typeof p.method === 'string' ? p.method : 'svcca';
    const center = p.center !== false;
    if (!['svcca', 'mean', 'r2', 'pwcca'].includes(method)) {
      throw new SimspecError(`unknown CCA method '${method}'`, { variable: `comparisons[${comparison.index}].method`, expected: 'svcca, mean, r2 or pwcca', code: 'spec.value' });
    }
    const warnings: string[] = [];
    const x = modelMatrix(model, 'CCA', warnings);
    const ys = responsesOf(brain, 'CCA');
    const details: Record<string, unknown> = { method, center };
    const labels = { x: `model layer '${model.name}'`, y: `brain region '${brain.name}'` };
    /** The score and its details for one (model, brain) matrix pair. */
    const valueFor = (a: Matrix, b: Matrix): { value: number; details: Record<string, unknown> } => {
      if (method === 'svcca') {
        const r = svcca(a, b, {
          center,
          ...(typeof p.components === 'number' ? { components: p.components } : { varianceKept: typeof p.variance_kept === 'number' ? p.variance_kept : 0.99 }),
        });
        return { value: r.svcca, details: { components: { model: r.k.x, brain: r.k.y }, rule: r.rule, canonicalCorrelations: r.canonicalCorrelations } };
      }
      if (method === 'pwcca') {
        const side = p.weights_from === 'brain' ? 'y' : 'x';
        const r = pwcca(a, b, { center, weightsFrom: side });
        return { value: r.pwcca, details: { weightsFrom: side === 'x' ? 'model' : 'brain', weights: r.weights, canonicalCorrelations: r.canonicalCorrelations } };
      }
      const r = canonicalCorrelations(a, b, { center, labels });
      return { value: method === 'r2' ? r.meanSquaredCca : r.meanCca, details: { canonicalCorrelations: r.canonicalCorrelations, rank: { model: r.rank.x, brain: r.rank.y } } };
    };
    const perSubject = ys.map((y, s) => {
      context.progress(s / ys.length, method);
      if (x.rows !== y.rows) {
        throw new SimspecError(`model layer '${model.name}' has ${x.rows} stimuli but brain region '${brain.name}' has ${y.rows}`, { file: brain.file, variable: brain.key ?? brain.name, expected: `${x.rows} rows`, code: 'data.rows' });
      }
      const r = valueFor(x, y);
      if (s === 0) Object.assign(details, r.details);
      return r.value;
    });
    const names: Record<string, string> = {
      svcca: 'SVCCA (mean canonical correlation of top PCs)',
      mean: 'mean canonical correlation',
      r2: 'R²_CCA (Σρ²/min(p, q))',
      pwcca: `PWCCA (weights from the ${p.weights_from === 'brain' ? 'brain' : 'model'})`,
    };
    const score = subjectMeanScore(perSubject, {
      measure: `${names[method] ?? method}${ys.length > 1 ? ` (mean over ${ys.length} subjects)` : ''}`,
      higherIsBetter: true,
      details,
    });
    addResamplingStatistics(score, comparison, context, x.rows, ys.length, drawnSubjectMean(x, ys, (xs, y) => valueFor(xs, y).value), warnings);
    if (warnings.length) score.warnings = warnings;
    return score;
  },
};
