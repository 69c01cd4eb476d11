/**
 * Per-subject evaluation of a model RDM: score_s = compare(model, subject s) for every subject RDM,
 * then mean, SEM (ddof 1) and a one-sample t-test against 0 (docs/metrics.md §2.5).
 * This is rsatoolbox `eval_fixed` (variance cov(ddof 0)/n · n/(n−1) = SEM², dof n − 1) and, with
 * `squared: true`, the Algonauts 2019 / Net2Brain score (mean over subjects of Spearman r²).
 * Sidedness [choose, printed with the result]: `alternative` 'greater' is rsatoolbox's test against 0
 * (one-sided); Net2Brain's `ttest_1samp(r², 0)` is 'two-sided' (scipy's default). Default 'greater'.
 * Missing pairs are handled per subject as in compareRdms (intersection, pair count reported).
 */
import type { Matrix } from '../../core/matrix';
import type { Alternative } from '../../stats/distributions';
import { oneSampleTTest, summarize } from '../../stats/summary';
import { canonicalCompareMethod, compareRdms, type CompareMethod, type CompareOptions } from './compare';

export interface PerSubjectOptions extends CompareOptions {
  alternative?: Alternative;
  /** Square each subject's score before averaging (Algonauts/Net2Brain r²). */
  squared?: boolean;
}

export interface PerSubjectEvaluation {
  method: CompareMethod;
  squared: boolean;
  perSubject: Float64Array;
  /** Pairs compared per subject. */
  pairs: Int32Array;
  mean: number;
  sd: number;
  sem: number;
  t: number;
  df: number;
  p: number;
  alternative: Alternative;
  warnings: string[];
}

export function evaluatePerSubject(modelRdm: Float64Array, subjectRdms: Matrix, method = 'spearman', options: PerSubjectOptions = {}): PerSubjectEvaluation {
  const m = canonicalCompareMethod(method, options);
  const squared = options.squared ?? false;
  const alternative = options.alternative ?? 'greater';
  const S = subjectRdms.rows;
  const perSubject = new Float64Array(S);
  const pairs = new Int32Array(S);
  const warnings: string[] = [];
  for (let s = 0; s < S; s++) {
    const row = subjectRdms.data.subarray(s * subjectRdms.cols, (s + 1) * subjectRdms.cols);
    const c = compareRdms(modelRdm, row, m, options);
    perSubject[s] = squared ? c.value * c.value : c.value;
    pairs[s] = c.pairs;
    for (const w of c.warnings) warnings.push(`subject ${s}: ${w}`);
  }
  const summary = summarize(perSubject);
  const test = oneSampleTTest(perSubject, alternative, 0);
  return { method: m, squared, perSubject, pairs, mean: summary.mean, sd: summary.sd, sem: summary.sem, t: test.t, df: test.df, p: test.p, alternative, warnings };
}
