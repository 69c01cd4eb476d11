/**
 * CCA-family comparison of one model layer with one brain region (engine/metrics/cca). Params
 * (schema `ccaComparison`): `method` (svcca | mean | r2 | pwcca; default svcca, since plain CCA is
 * degenerate when a network has p ≥ n − 1 units), `components` or `variance_kept` (SVCCA; default
 * 0.99), `weights_from` (model | brain, PWCCA's weighting side), `center`. One value per brain
 * subject; the score is their mean. Similarities: higher is better.
 */
import { SimspecError } from '../../core/errors';
import { canonicalCorrelations, pwcca, svcca } from '../../metrics/cca';
import { summarize } from '../../stats/summary';
import type { ComparisonSpec } from '../../spec/types';
import type { ComparisonRunner, LoadedRepresentation, RunContext, Score } from '../types';
import { modelMatrix, responsesOf } from './shape';

export const ccaRunner: ComparisonRunner = {
  metric: 'cca',
  async run(comparison: ComparisonSpec, model: LoadedRepresentation, brain: LoadedRepresentation, context: RunContext): Promise<Score> {
    const p = comparison.params;
    const method = typeof p.method === 'string' ? p.method : 'svcca';
    const center = p.center !== false;
    const warnings: string[] = [];
    const x = modelMatrix(model, 'CCA', warnings);
    const ys = responsesOf(brain, 'CCA');
    const details: Record<string, unknown> = { method, center };
    const perSubject = ys.map((y, s) => {
      context.progress(s / ys.length, method);
      if (x.rows !== y.rows) {
        throw new SimspecError(`model layer '${model.name}' has ${x.rows} stimuli but brain region '${brain.name}' has ${y.rows}`, { file: brain.file, variable: brain.key ?? brain.name, expected: `${x.rows} rows`, code: 'data.rows' });
      }
      const labels = { x: `model layer '${model.name}'`, y: `brain region '${brain.name}'` };
      if (method === 'svcca') {
        const r = svcca(x, y, {
          center,
          ...(typeof p.components === 'number' ? { components: p.components } : { varianceKept: typeof p.variance_kept === 'number' ? p.variance_kept : 0.99 }),
        });
        if (s === 0) Object.assign(details, { components: { model: r.k.x, brain: r.k.y }, rule: r.rule, canonicalCorrelations: r.canonicalCorrelations });
        return r.svcca;
      }
      if (method === 'pwcca') {
        const side = p.weights_from === 'brain' ? 'y' : 'x';
        const r = pwcca(x, y, { center, weightsFrom: side });
        if (s === 0) Object.assign(details, { weightsFrom: side === 'x' ? 'model' : 'brain', weights: r.weights, canonicalCorrelations: r.canonicalCorrelations });
        return r.pwcca;
      }
      const r = canonicalCorrelations(x, y, { center, labels });
      if (s === 0) Object.assign(details, { canonicalCorrelations: r.canonicalCorrelations, rank: { model: r.rank.x, brain: r.rank.y } });
      return method === 'r2' ? r.meanSquaredCca : r.meanCca;
    });
    const names: Record<string, string> = {
      svcca: 'SVCCA (mean canonical correlation of top PCs)',
      mean: 'mean canonical correlation',
      r2: 'R²_CCA (Σρ²/min(p, q))',
      pwcca: `PWCCA (weights from the ${p.weights_from === 'brain' ? 'brain' : 'model'})`,
    };
    const summary = summarize(perSubject);
    const score: Score = {
      measure: `${names[method] ?? method}${ys.length > 1 ? ` (mean over ${ys.length} subjects)` : ''}`,
      value: summary.mean,
      higherIsBetter: true,
      details,
    };
    if (ys.length > 1) {
      score.perSubject = perSubject;
      score.sem = summary.sem;
    }
    if (comparison.statistics.bootstrap || comparison.statistics.permutation) warnings.push('bootstrap intervals and permutation tests are not implemented for CCA yet');
    if (warnings.length) score.warnings = warnings;
    return score;
  },
};
