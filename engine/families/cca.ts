/**
 * `metric: cca` — the CCA family on one model layer and one brain region (engine/metrics/cca):
 * `method` (svcca | mean | r2 | pwcca; svcca by default, since plain CCA is degenerate when a network
 * has p ≥ n − 1 units), `components` or `variance_kept` (SVCCA), `weights_from` (model | brain,
 * PWCCA's weighting side), `center`. One value per brain subject; the score is their mean (generic
 * runner, engine/families/runner.ts). Similarities: higher is better.
 */
import type { Matrix } from '../core/matrix';
import { canonicalCorrelations, pwcca, svcca } from '../metrics/cca';
import { ccaCaseHandlers } from '../cases/shape';
import { pairRunner, runnerOf } from './runner';
import type { FamilyDefinition } from './types';

export interface CcaParams {
  method: 'svcca' | 'mean' | 'r2' | 'pwcca';
  /** SVCCA: a fixed number of components, else `varianceKept`. */
  components?: number;
  varianceKept: number;
  weightsFrom: 'model' | 'brain';
  center: boolean;
}

const defaults = { method: 'svcca', variance_kept: 0.99, weights_from: 'model', center: true } as const;

const MEASURES: Record<CcaParams['method'], (p: CcaParams) => string> = {
  svcca: () => 'SVCCA (mean canonical correlation of top PCs)',
  mean: () => 'mean canonical correlation',
  r2: () => 'R²_CCA (Σρ²/min(p, q))',
  pwcca: (p) => `PWCCA (weights from the ${p.weightsFrom})`,
};

function ccaPair(p: CcaParams, a: Matrix, b: Matrix, labels: { x: string; y: string }): { value: number; details: Record<string, unknown> } {
  if (p.method === 'svcca') {
    const r = svcca(a, b, { center: p.center, ...(p.components !== undefined ? { components: p.components } : { varianceKept: p.varianceKept }) });
    return { value: r.svcca, details: { components: { model: r.k.x, brain: r.k.y }, rule: r.rule, canonicalCorrelations: r.canonicalCorrelations } };
  }
  if (p.method === 'pwcca') {
    const r = pwcca(a, b, { center: p.center, weightsFrom: p.weightsFrom === 'brain' ? 'y' : 'x' });
    return { value: r.pwcca, details: { weightsFrom: p.weightsFrom, weights: r.weights, canonicalCorrelations: r.canonicalCorrelations } };
  }
  const r = canonicalCorrelations(a, b, { center: p.center, labels });
  return { value: p.method === 'r2' ? r.meanSquaredCca : r.meanCca, details: { canonicalCorrelations: r.canonicalCorrelations, rank: { model: r.rank.x, brain: r.rank.y } } };
}

export const cca: FamilyDefinition<'cca', CcaParams> = {
  id: 'cca',
  summary: 'canonical correlations: SVCCA, mean CCA, R²_CCA, PWCCA',
  description: "**Canonical correlation analysis** family: mean canonical correlation, SVCCA (Raghu et al. 2017), PWCCA (Morcos et al. 2018). Invariant to invertible linear maps.",
  defaults,
  properties: {
    method: {
      enum: [
        "svcca",
        "mean",
        "r2",
        "pwcca"
      ],
      markdownDescription: "Which summary of the canonical correlations ρ_i = σ_i(Q_xᵀQ_y) (Q orthonormal bases of the centred networks). Invariant to invertible linear maps (SVCCA: to rotations and scale). Similarities, not metrics. Plain CCA is degenerate (every ρ = 1) when a network has ≥ n − 1 units: reduce first (SVCCA).",
      markdownEnumDescriptions: [
        "**SVCCA** (Raghu, Gilmer, Yosinski & Sohl-Dickstein 2017): keep each network's top principal components (`components`, or enough for `variance_kept`), then mean CCA. Counts the cumulative variance *fraction* correctly (ReSi's copy keeps 1 PC).",
        "**Mean CCA**: Σρ_i / min(rank). arccos of it is the α = 0 shape metric.",
        "**R²_CCA** (Yanai; Kornblith et al. 2019): Σρ_i² / min(p, q).",
        "**PWCCA** (Morcos, Raghu & Bengio 2018): Σ w_i ρ_i with w_i ∝ Σ_j |⟨h_i, x_j⟩| over one side's canonical variates h_i and centred unit activities x_j. **Asymmetric**: `weights_from` names the side. Fixes the Google code's Y-branch bug (X's activity with Y's indices)."
      ]
    },
    components: {
      type: "integer",
      minimum: 1,
      markdownDescription: "SVCCA: a fixed number of principal components per network (e.g. 10, as in Raghu et al.)."
    },
    variance_kept: {
      type: "number",
      exclusiveMinimum: 0,
      maximum: 1,
      markdownDescription: "SVCCA: keep the smallest k whose cumulative variance fraction Σ_{i≤k}σ_i²/Σσ_i² reaches this (0.99 in Raghu et al.)."
    },
    weights_from: {
      enum: [
        "model",
        "brain"
      ],
      markdownDescription: "PWCCA: the side whose canonical variates and unit activities give the weights.",
      markdownEnumDescriptions: [
        "The model layer's (Morcos et al. weight the network being analysed).",
        "The brain region's."
      ]
    },
    center: {
      type: "boolean",
      markdownDescription: "Subtract each unit's mean over stimuli first (standard CCA)."
    }
  },
  parse(raw) {
    return {
      method: (raw.method ?? defaults.method) as CcaParams['method'],
      ...(typeof raw.components === 'number' ? { components: raw.components } : {}),
      varianceKept: typeof raw.variance_kept === 'number' ? raw.variance_kept : defaults.variance_kept,
      weightsFrom: (raw.weights_from ?? defaults.weights_from) as CcaParams['weightsFrom'],
      center: typeof raw.center === 'boolean' ? raw.center : defaults.center,
    };
  },
  check(p, context, report) {
    const n = context.stimuli;
    if (n === undefined) return;
    const widths = context.pairs.flatMap(({ model, brain }) => [model.units, brain.units]).filter((u): u is number => u !== undefined);
    if (widths.length === 0) return;
    // metrics/cca: every canonical correlation is 1 when a network has ≥ n − 1 columns.
    if (p.method !== 'svcca') {
      const widest = Math.max(...widths);
      if (widest >= n - 1) report(`\`method: ${p.method}\` compares the networks' full spans, but a network here has ${widest} units for ${n} stimuli, so every canonical correlation would be 1: use \`method: svcca\` (reduce first) or fewer units than ${n - 1}.`, ['method'], 'spec.cca-degenerate');
    } else if (p.components !== undefined) {
      const narrowest = Math.min(...widths);
      const rank = Math.min(narrowest, p.center ? n - 1 : n);
      if (p.components > rank) report(`SVCCA cannot keep ${p.components} components: a network here has ${narrowest} units and there are ${n} stimuli (rank at most ${rank}).`, ['components'], 'spec.svcca-components');
      else if (p.components >= n - 1) report(`SVCCA with ${p.components} components on ${n} stimuli leaves every canonical correlation at 1: keep fewer than ${n - 1}.`, ['components'], 'spec.cca-degenerate');
    }
  },
  run: pairRunner<CcaParams>({
    metricName: 'CCA',
    progressLabel: (p) => p.method,
    scorePair: ccaPair,
    higherIsBetter: () => true,
    measure: (p, subjects) => `${MEASURES[p.method](p)}${subjects > 1 ? ` (mean over ${subjects} subjects)` : ''}`,
    details: (p) => ({ method: p.method, center: p.center }),
  }),
  caseHandlers: ccaCaseHandlers,
};

export const ccaRunner = runnerOf(cca);
