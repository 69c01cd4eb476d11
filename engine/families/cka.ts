/**
 * `metric: cka` — centred kernel alignment of one model layer with one brain region (Kornblith et
 * al. 2019; engine/metrics/cka): `estimator` (unbiased | biased; unbiased = Song et al. 2012
 * U-centring, as Brain-Score since 2026-01-30; biased CKA is inflated when units outnumber stimuli),
 * `kernel` (linear | rbf), `bandwidth` (kornblith | brain-score | a fixed σ), `threshold` (t in
 * σ² = t²·median D²), `epsilon` (kornblith | brain-score | platonic), `angular` (report arccos(CKA),
 * a metric, instead of CKA). One value per brain subject; the score is their mean (generic runner,
 * engine/families/runner.ts). A similarity (higher is better) unless `angular`.
 */
import { linearCka, rbfCka, unbiasedLinearCka, type CkaEpsilonVariant, type RbfBandwidth } from '../metrics/cka';
import type { Matrix } from '../core/matrix';
import { ckaCaseHandlers } from '../cases/shape';
import { pairRunner, runnerOf, type PairProducts } from './runner';
import type { FamilyDefinition } from './types';

export interface CkaParams {
  estimator: 'unbiased' | 'biased';
  kernel: 'linear' | 'rbf';
  bandwidth: RbfBandwidth;
  threshold: number;
  epsilon: CkaEpsilonVariant;
  angular: boolean;
}

const defaults = { estimator: 'unbiased', kernel: 'linear', bandwidth: 'kornblith', threshold: 1, epsilon: 'kornblith', angular: false } as const;

function ckaValue(p: CkaParams, a: Matrix, b: Matrix, products?: PairProducts): number {
  let value: number;
  // The linear Gram route reads the run's shared centred Grams (docs/performance.md §7.2).
  const centredGrams = products && { x: () => products.centredGram.x().gram, y: () => products.centredGram.y().gram };
  if (p.kernel === 'rbf') value = rbfCka(a, b, { estimator: p.estimator, bandwidth: p.bandwidth, threshold: p.threshold, variant: p.epsilon });
  else value = p.estimator === 'unbiased' ? unbiasedLinearCka(a, b, { variant: p.epsilon, centredGrams }) : linearCka(a, b, { centredGrams });
  return p.angular ? Math.acos(Math.min(1, Math.max(-1, value))) : value;
}

function kernelName(p: CkaParams): string {
  if (p.kernel !== 'rbf') return 'linear';
  return `RBF (${typeof p.bandwidth === 'object' ? `σ = ${p.bandwidth.sigma}` : `${p.bandwidth} median rule, t = ${p.threshold}`})`;
}

export const cka: FamilyDefinition<'cka', CkaParams> = {
  id: 'cka',
  summary: 'centred kernel alignment (linear or RBF, biased or unbiased)',
  description: "**Centered kernel alignment** (Kornblith et al. 2019): normalised Hilbert–Schmidt independence between centred Gram matrices. Invariant to rotations and isotropic scaling. `arccos` of CKA is a metric.",
  defaults,
  properties: {
    estimator: {
      enum: [
        "unbiased",
        "biased"
      ],
      markdownDescription: "HSIC estimator inside CKA = HSIC(K, L)/√(HSIC(K, K)·HSIC(L, L)) (Kornblith, Norouzi, Lee & Hinton 2019, *Similarity of neural network representations revisited*, ICML). Invariant to rotations, isotropic scaling and translation. A similarity in [0, 1] (unbiased: [−1, 1]), not a metric; see `angular`.",
      markdownEnumDescriptions: [
        "Debiased (Song et al. 2012 U-centring; Brain-Score's `cka` since 2026-01-30): near 0 for independent networks even when units far outnumber stimuli. Needs ≥ 4 stimuli; can be negative.",
        "Biased (\"gretton\"): ⟨HKH, HLH⟩/(‖HKH‖‖HLH‖); for linear kernels ‖X̃ᵀỸ‖²/(‖X̃ᵀX̃‖‖ỸᵀỸ‖). **Inflated when units outnumber stimuli** (independent 1000 × 10 000 data give > 0.9; Murphy, Zylberberg & Fyshe 2024). Brain-Score CKA values before 2026 are biased."
      ]
    },
    kernel: {
      enum: [
        "linear",
        "rbf"
      ],
      markdownDescription: "Kernel on stimulus pairs.",
      markdownEnumDescriptions: [
        "K = XXᵀ (linear CKA).",
        "K_ij = exp(−‖x_i − x_j‖²/(2σ²)) with σ from `bandwidth` (Kornblith et al. 2019). Not invariant to scale when σ is fixed."
      ]
    },
    bandwidth: {
      anyOf: [
        {
          enum: [
            "kornblith",
            "brain-score"
          ],
          markdownEnumDescriptions: [
            "σ² = t²·median of **all n²** squared distances, including the zero diagonal (Kornblith's `gram_rbf(x, threshold=t)`).",
            "σ² = t²·median of the **nonzero** squared distances (Brain-Score)."
          ]
        },
        {
          type: "number",
          exclusiveMinimum: 0
        }
      ],
      markdownDescription: "RBF bandwidth rule (`kernel: rbf`): a named median rule (scaled by `threshold`), or a fixed σ (the platonic-representation code uses σ = 1 on L2-normalised rows)."
    },
    threshold: {
      type: "number",
      exclusiveMinimum: 0,
      markdownDescription: "t in σ² = t²·median(D²) for the median rules (Kornblith et al. 2019 use t ∈ {0.2, 0.4, 0.8}; their code's default is 1)."
    },
    epsilon: {
      enum: [
        "kornblith",
        "brain-score",
        "platonic"
      ],
      markdownDescription: "Denominator convention of the unbiased estimator (these change digits).",
      markdownEnumDescriptions: [
        "No epsilon (Kornblith); a non-positive self-HSIC is reported as an error.",
        "√(HSIC_u(K,K)·HSIC_u(L,L)) + 1e-12, and 0 when that product is ≤ 0 (Brain-Score).",
        "√(·) + 1e-6 (platonic-representation code)."
      ]
    },
    angular: {
      type: "boolean",
      markdownDescription: "Report θ = arccos(CKA) instead of CKA: a **metric** (netrep `LinearCKA.score`), lower is better."
    }
  },
  parse(raw) {
    return {
      estimator: (raw.estimator ?? defaults.estimator) as CkaParams['estimator'],
      kernel: (raw.kernel ?? defaults.kernel) as CkaParams['kernel'],
      bandwidth: typeof raw.bandwidth === 'number' ? { sigma: raw.bandwidth } : ((raw.bandwidth ?? defaults.bandwidth) as 'kornblith' | 'brain-score'),
      threshold: typeof raw.threshold === 'number' ? raw.threshold : defaults.threshold,
      epsilon: (raw.epsilon ?? defaults.epsilon) as CkaEpsilonVariant,
      angular: typeof raw.angular === 'boolean' ? raw.angular : defaults.angular,
    };
  },
  check(params, context, report) {
    // The U-centred estimator divides by (n − 1)(n − 2)(n − 3) (metrics/cka).
    if (params.estimator === 'unbiased' && context.stimuli !== undefined && context.stimuli < 4) {
      report(`The unbiased CKA estimator needs at least 4 stimuli; there are ${context.stimuli}.`, ['estimator'], 'spec.cka-stimuli');
    }
  },
  run: pairRunner<CkaParams>({
    metricName: 'CKA',
    scorePair: (p, x, y, _labels, products) => ({ value: ckaValue(p, x, y, products) }),
    higherIsBetter: (p) => !p.angular,
    measure: (p, subjects) =>
      `${p.angular ? 'arccos of ' : ''}${p.estimator} ${kernelName(p)} CKA${p.estimator === 'unbiased' ? ` (${p.epsilon} ε)` : ''}${subjects > 1 ? ` (mean over ${subjects} subjects)` : ''}`,
    details: (p) => ({ estimator: p.estimator, kernel: p.kernel, ...(p.kernel === 'rbf' ? { bandwidth: p.bandwidth, threshold: p.threshold } : {}), epsilon: p.estimator === 'unbiased' ? p.epsilon : undefined, angular: p.angular }),
    notes: (p, x, ys) =>
      p.estimator === 'biased' && Math.max(x.cols, ys[0]!.cols) > x.rows ? ['biased CKA is inflated when units outnumber stimuli (Murphy, Zylberberg & Fyshe 2024); consider estimator: unbiased'] : [],
  }),
  caseHandlers: ckaCaseHandlers,
};

export const ckaRunner = runnerOf(cka);
