/**
 * `metric: rsa-time` — time-resolved RSA for MEG/EEG (docs/timeresolved.md). Brain regions carry a
 * `time` axis (`axes:` names it): responses time × stimuli × sensors, repeats (runs) for crossnobis,
 * or RDM movies time × stimuli × stimuli, per subject. Each (subject, kept time sample) RDM is made
 * once per run (context.shared) and compared with every layer's RDM; per layer: the mean and SEM
 * over subjects at each time, the leave-one-subject-out ceiling over time, the cluster-mass
 * sign-flip test (MNE conventions, engine/metrics/timeresolved/cluster.ts) with max-statistic FWE
 * p per sample, and the peak latency with a bootstrap-over-subjects interval. `finish` adds the
 * layer × time matrix, latency differences between layers and the temporal-generalisation matrix.
 */
import { SimspecError } from '../core/errors';
import { timeStage } from '../core/stageTimer';
import { noiseCeiling, rdmFromResponses } from '../metrics/rsa';
import { clusterPermutationTest, type Tail } from '../metrics/rsa/time/cluster';
import { keptSamples, rowCorrelations, standardizeRows, timeRdms, type TimeRdmMethod } from '../metrics/rsa/time/analysis';
import type { NoiseMethod } from '../metrics/rsa/time/shrinkage';
import { NumpyRandomState } from '../stats/random';
import type { FamilyDefinition, LoadedRepresentation, RunContext } from './types';

export interface RsaTimeParams {
  times: number[] | { rate: number; onset: number } | undefined;
  window: { start: number; end: number } | undefined;
  step: number;
  average: number;
  rdm: TimeRdmMethod;
  modelRdm: 'correlation' | 'euclidean';
  noise: NoiseMethod | 'none';
  compare: 'spearman' | 'pearson';
  tail: Tail;
  threshold: number | undefined;
  permutations: number;
  alpha: number;
  seed: number;
  latencySamples: number;
  generalization: boolean;
}

const defaults = {
  step: 1,
  average: 1,
  rdm: 'correlation',
  model_rdm: 'correlation',
  noise: 'shrinkage_diag',
  compare: 'spearman',
  tail: 1,
  permutations: 1000,
  alpha: 0.05,
  seed: 0,
  latency_samples: 1000,
  generalization: true,
} as const;

const properties = {
  times: {
    oneOf: [
      { type: 'array', items: { type: 'number' }, minItems: 1 },
      { type: 'object', properties: { rate: { type: 'number', exclusiveMinimum: 0 }, onset: { type: 'number' } }, required: ['rate'], additionalProperties: false },
    ],
    markdownDescription: 'Time of every stored sample of the regions\' `time` axis, in **seconds**: a list (one per sample), or `{ rate, onset }` — sampling rate in Hz and the time of the first sample (default 0). Without it, samples are numbered 0, 1, 2 … (as seconds).',
  },
  window: {
    type: 'object',
    properties: { start: { type: 'number' }, end: { type: 'number' } },
    required: ['start', 'end'],
    additionalProperties: false,
    markdownDescription: 'Analysis window in seconds, inclusive: only samples with start ≤ t ≤ end are analysed (and enter the cluster test).',
  },
  step: { type: 'integer', minimum: 1, markdownDescription: 'Keep every `step`-th sample of the window (decimation).' },
  average: { type: 'integer', minimum: 1, markdownDescription: 'Sliding-window average: each kept sample k is the mean of samples k … k + average − 1 (clipped to the window) before its RDM is made.' },
  rdm: {
    enum: ['correlation', 'euclidean', 'crossnobis'],
    markdownDescription: 'Brain RDM at each time sample (rsatoolbox `calc_rdm` conventions).',
    markdownEnumDescriptions: ['1 − Pearson r between stimulus patterns (over sensors).', 'Squared Euclidean distance / number of sensors.', 'Cross-validated Mahalanobis (Walther et al. 2016) over the `repeats` axis as runs, noise-normalised by the residual covariance of each time sample (`noise`). Needs `kind: repeats` with ≥ 2 repeats.'],
  },
  model_rdm: { enum: ['correlation', 'euclidean'], markdownDescription: 'RDM of each model layer (responses; an RDM layer is used as given).' },
  noise: {
    enum: ['shrinkage_diag', 'shrinkage_eye', 'diag', 'full', 'none'],
    markdownDescription: '`rdm: crossnobis` only: the noise covariance per time sample (rsatoolbox `prec_from_residuals` methods).',
    markdownEnumDescriptions: ['Shrink towards the diagonal (Schäfer & Strimmer 2005), rsatoolbox default.', 'Ledoit–Wolf (2004) shrinkage towards a multiple of the identity.', 'Diagonal (univariate noise normalisation).', 'Sample covariance (needs more residuals than sensors).', 'No noise normalisation (cross-validated Euclidean).'],
  },
  compare: { enum: ['spearman', 'pearson'], markdownDescription: 'Correlation between a layer\'s RDM and the brain RDM at each time.' },
  tail: { enum: [1, 0, -1], markdownDescription: 'Cluster test tail (MNE `tail`): 1 = scores above 0, −1 below, 0 both.' },
  threshold: { type: 'number', markdownDescription: 'Cluster-forming t threshold (MNE `threshold`); default: the t quantile for p = 0.05 (0.025 per tail for `tail: 0`) with subjects − 1 df, negated for `tail: -1`.' },
  permutations: { type: 'integer', minimum: 2, markdownDescription: 'Sign-flip permutations including the observed one (MNE `n_permutations`); all 2^(S − [tail 0]) − 1 flips are enumerated when fewer than this.' },
  alpha: { type: 'number', exclusiveMinimum: 0, maximum: 1, markdownDescription: 'Significance level for clusters and max-statistic FWE time points.' },
  seed: { type: 'integer', minimum: 0, maximum: 4294967295, markdownDescription: 'Seed of the sign flips (numpy `RandomState`, as MNE\'s `seed`) and of the latency bootstrap.' },
  latency_samples: { type: 'integer', minimum: 0, markdownDescription: 'Bootstrap samples over subjects for each layer\'s peak latency interval and the latency differences (0: none).' },
  generalization: { type: 'boolean', markdownDescription: 'Compute the temporal-generalisation matrix of each region (brain RDM at t₁ vs brain RDM at t₂, mean over subjects).' },
} as const;

function parse(raw: Record<string, unknown>): RsaTimeParams {
  const times = raw.times as RsaTimeParams['times'] | { rate: number; onset?: number } | undefined;
  return {
    times: times === undefined ? undefined : Array.isArray(times) ? times : { rate: times.rate, onset: times.onset ?? 0 },
    window: raw.window as RsaTimeParams['window'],
    step: typeof raw.step === 'number' ? raw.step : defaults.step,
    average: typeof raw.average === 'number' ? raw.average : defaults.average,
    rdm: (raw.rdm as TimeRdmMethod | undefined) ?? defaults.rdm,
    modelRdm: (raw.model_rdm as 'correlation' | 'euclidean' | undefined) ?? defaults.model_rdm,
    noise: (raw.noise as NoiseMethod | 'none' | undefined) ?? defaults.noise,
    compare: (raw.compare as 'spearman' | 'pearson' | undefined) ?? defaults.compare,
    tail: (raw.tail as Tail | undefined) ?? defaults.tail,
    threshold: typeof raw.threshold === 'number' ? raw.threshold : undefined,
    permutations: typeof raw.permutations === 'number' ? raw.permutations : defaults.permutations,
    alpha: typeof raw.alpha === 'number' ? raw.alpha : defaults.alpha,
    seed: typeof raw.seed === 'number' ? raw.seed : defaults.seed,
    latencySamples: typeof raw.latency_samples === 'number' ? raw.latency_samples : defaults.latency_samples,
    generalization: typeof raw.generalization === 'boolean' ? raw.generalization : defaults.generalization,
  };
}

function secondsOf(params: RsaTimeParams, T: number): Float64Array {
  if (params.times === undefined) return Float64Array.from({ length: T }, (_, k) => k);
  if (Array.isArray(params.times)) return Float64Array.from(params.times);
  const { rate, onset } = params.times;
  // Rounded to the nanosecond so that 0.18 s prints as 0.18, not 0.18000000000000002.
  return Float64Array.from({ length: T }, (_, k) => Math.round((onset + k / rate) * 1e9) / 1e9);
}

/** The problems `run` would refuse, from the layouts (shared by check and run). */
function problems(params: RsaTimeParams, model: { kind: string; time?: number }, brain: { kind: string; time?: number; subjects: number; repeats?: number }): { message: string; key: string; code: string }[] {
  const out: { message: string; key: string; code: string }[] = [];
  if (model.time !== undefined) out.push({ message: 'A model layer has a `time` axis: `rsa-time` reads time on brain regions only.', key: 'layers', code: 'spec.rsa-time-model-time' });
  if (brain.time === undefined) {
    out.push({ message: '`rsa-time` needs brain regions with a `time` axis (name it in the source\'s `axes`, e.g. `axes: [subjects, stimuli, units, time]`).', key: 'regions', code: 'spec.rsa-time-no-time' });
    return out;
  }
  const T = brain.time;
  if (Array.isArray(params.times) && params.times.length !== T) out.push({ message: `\`times\` lists ${params.times.length} samples but the regions' \`time\` axis has ${T}.`, key: 'times', code: 'spec.rsa-time-times' });
  const seconds = secondsOf(params, T);
  if (params.window && (params.window.start > params.window.end)) out.push({ message: `\`window\` starts (${params.window.start} s) after it ends (${params.window.end} s).`, key: 'window', code: 'spec.rsa-time-window' });
  else if (!(Array.isArray(params.times) && params.times.length !== T)) {
    const kept = keptSamples({ times: seconds, ...(params.window ? { window: params.window } : {}), step: params.step, average: params.average }).indices.length;
    if (kept < 2) out.push({ message: `${kept} time sample${kept === 1 ? '' : 's'} in the analysis (\`window\` ${params.window ? `${params.window.start}…${params.window.end} s` : 'all'}, \`step\` ${params.step}) but the data's times run ${seconds[0]}…${seconds[T - 1]} s: at least 2 are needed.`, key: params.window ? 'window' : 'step', code: 'spec.rsa-time-window' });
  }
  if (params.rdm === 'crossnobis' && (brain.kind !== 'repeats' || (brain.repeats ?? 0) < 2)) out.push({ message: '`rdm: crossnobis` cross-validates over runs: the region needs `kind: repeats` with at least 2 repeats (runs).', key: 'rdm', code: 'spec.rsa-time-crossnobis-runs' });
  if (params.threshold !== undefined && ((params.tail < 0 && params.threshold > 0) || (params.tail >= 0 && params.threshold < 0))) out.push({ message: `\`threshold\` ${params.threshold} has the wrong sign for \`tail: ${params.tail}\` (MNE's rule): ${params.tail < 0 ? 'a negative threshold for the lower tail' : 'a non-negative threshold'}.`, key: 'threshold', code: 'spec.rsa-time-threshold' });
  if (brain.subjects < 2) out.push({ message: `\`rsa-time\` tests over subjects and needs at least 2; a region has ${brain.subjects}.`, key: 'regions', code: 'spec.rsa-time-subjects' });
  return out;
}

interface BrainProducts {
  seconds: number[];
  pairs: number;
  /** Per subject: kept samples × pairs, standardised for correlation. */
  standardized: Float64Array[];
  /** Per subject: raw RDMs (for the ceiling). */
  raw: Float64Array[];
}

function brainProducts(params: RsaTimeParams, brain: LoadedRepresentation, context: RunContext): BrainProducts {
  const key = `rsa-time:brain:${brain.name}:${JSON.stringify([params.times, params.window, params.step, params.average, params.rdm, params.noise, params.compare])}`;
  return context.shared.get(key, () => {
    const T = brain.time!;
    const seconds = secondsOf(params, T);
    const kept = keptSamples({ times: seconds, ...(params.window ? { window: params.window } : {}), step: params.step, average: params.average });
    const n = brain.stimuli;
    const pairs = (n * (n - 1)) / 2;
    const raw = brain.subjects.map((s, i) => {
      context.progress(i / brain.subjects.length / 2, `brain RDMs, subject ${i + 1}/${brain.subjects.length}`);
      return timeStage('products', () => timeRdms(s.timecourse!, kept.spans, params.rdm, params.noise, { file: brain.file, variable: `${brain.key ?? brain.name} (subject ${i})` }));
    });
    const standardized = raw.map((r) => standardizeRows(r, kept.indices.length, pairs, params.compare === 'spearman'));
    return { seconds: kept.seconds, pairs, standardized, raw };
  });
}

function modelVector(params: RsaTimeParams, model: LoadedRepresentation, context: RunContext): Float64Array {
  return context.shared.get(`rsa-time:model:${model.name}:${params.modelRdm}:${params.compare}`, () => {
    const rdms = model.subjects.map((s) => s.rdm ?? rdmFromResponses(s.responses!, params.modelRdm, { file: model.file, variable: model.key ?? model.name }).condensed);
    const mean = new Float64Array(rdms[0]!.length);
    for (const r of rdms) for (let k = 0; k < mean.length; k++) mean[k]! += r[k]! / rdms.length;
    return standardizeRows(mean, 1, mean.length, params.compare === 'spearman');
  });
}

function peakIndex(curve: ArrayLike<number>, tail: Tail): number {
  let best = 0;
  for (let j = 1; j < curve.length; j++) {
    const better = tail === -1 ? curve[j]! < curve[best]! : tail === 0 ? Math.abs(curve[j]!) > Math.abs(curve[best]!) : curve[j]! > curve[best]!;
    if (better) best = j;
  }
  return best;
}

/** Bootstrap over subjects: the draws (subject indices), the same for every layer of a comparison (seeded). */
function subjectDraws(subjects: number, samples: number, seed: number): Int32Array[] {
  const rng = new NumpyRandomState(seed);
  return Array.from({ length: samples }, () => rng.integers(subjects, subjects));
}

function meanCurve(perSubject: Float64Array[], rows: ArrayLike<number> | undefined, T: number): Float64Array {
  const out = new Float64Array(T);
  const idx = rows ?? Array.from({ length: perSubject.length }, (_, i) => i);
  for (let i = 0; i < idx.length; i++) {
    const c = perSubject[idx[i]!]!;
    for (let j = 0; j < T; j++) out[j]! += c[j]!;
  }
  for (let j = 0; j < T; j++) out[j]! /= idx.length;
  return out;
}

function percentileOf(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export const rsaTime: FamilyDefinition<'rsa-time', RsaTimeParams> = {
  id: 'rsa-time',
  summary: 'time-resolved RSA for MEG/EEG: per-time RDMs, cluster test, peak latency',
  description: '**Time-resolved RSA** (Cichy, Pantazis & Oliva 2016): each layer\'s RDM against the brain RDM at every time sample of regions with a `time` axis, per subject; mean ± SEM over subjects, leave-one-subject-out ceiling over time, cluster-mass sign-flip test over time (Maris & Oostenveld 2007, MNE conventions) and max-statistic FWE, peak latency with a bootstrap-over-subjects interval, layer × time and temporal-generalisation matrices.',
  timeResolved: true,
  defaults,
  properties,
  parse,
  check(params, context, report) {
    const seen = new Set<string>();
    for (const { model, brain } of context.pairs) {
      for (const p of problems(params, model, brain)) {
        if (seen.has(p.code + p.message)) continue;
        seen.add(p.code + p.message);
        report(p.message, [p.key], p.code);
      }
    }
    if (params.noise === 'full' && params.rdm === 'crossnobis') {
      for (const { brain } of context.pairs) {
        if (brain.units !== undefined && brain.repeats !== undefined && brain.stimuli * (brain.repeats - 1) <= brain.units && !seen.has('full')) {
          seen.add('full');
          report(`\`noise: full\` needs more residual degrees of freedom (${brain.stimuli * (brain.repeats - 1)}) than sensors (${brain.units}): use a shrinkage estimate.`, ['noise'], 'spec.rsa-time-noise');
        }
      }
    }
  },
  async run(comparison, params, model, brain, context) {
    const found = problems(params, { kind: model.kind, ...(model.time !== undefined ? { time: model.time } : {}) }, { kind: brain.kind, subjects: brain.subjects.length, ...(brain.time !== undefined ? { time: brain.time } : {}), ...(brain.subjects[0]?.timecourse && brain.kind === 'repeats' ? { repeats: brain.subjects[0].timecourse.shape[2]! } : {}) });
    if (found.length) throw new SimspecError(found[0]!.message, { variable: `comparisons[${comparison.index}].${found[0]!.key}`, code: found[0]!.code });
    const products = brainProducts(params, brain, context);
    const T = products.seconds.length;
    const S = brain.subjects.length;
    const m = modelVector(params, model, context);
    const perSubject = products.standardized.map((z) => rowCorrelations(z, T, m, 1, products.pairs));
    const mean = meanCurve(perSubject, undefined, T);
    const sem = Float64Array.from({ length: T }, (_, j) => {
      let ss = 0;
      for (const c of perSubject) ss += (c[j]! - mean[j]!) ** 2;
      return Math.sqrt(ss / (S - 1) / S);
    });
    // Noise ceiling over time (leave-one-subject-out, rsatoolbox convention), once per region.
    const ceiling = comparison.statistics.noiseCeiling
      ? context.shared.get(`rsa-time:ceiling:${brain.name}:${JSON.stringify([params.times, params.window, params.step, params.average, params.rdm, params.noise, params.compare])}`, () => {
          const lower = new Float64Array(T);
          const upper = new Float64Array(T);
          for (let j = 0; j < T; j++) {
            const rows = new Float64Array(S * products.pairs);
            products.raw.forEach((r, s) => rows.set(r.subarray(j * products.pairs, (j + 1) * products.pairs), s * products.pairs));
            const c = noiseCeiling({ rows: S, cols: products.pairs, data: rows }, params.compare === 'spearman' ? 'spearman' : 'corr');
            lower[j] = c.lower;
            upper[j] = c.upper;
          }
          return { lower: Array.from(lower), upper: Array.from(upper) };
        })
      : undefined;
    context.progress(0.6, `cluster test (${params.permutations} sign flips)`);
    const x = new Float64Array(S * T);
    perSubject.forEach((c, s) => x.set(c, s * T));
    const test = timeStage('resampling', () => clusterPermutationTest(x, S, T, { tail: params.tail, ...(params.threshold !== undefined ? { threshold: params.threshold } : {}), permutations: params.permutations, seed: params.seed, signal: context.signal }));
    const peak = peakIndex(mean, params.tail);
    const draws = subjectDraws(S, params.latencySamples, params.seed);
    const latencies = timeStage('resampling', () => draws.map((d) => products.seconds[peakIndex(meanCurve(perSubject, d, T), params.tail)]!).sort((a, b) => a - b));
    const level = 1 - params.alpha;
    const latency = { seconds: products.seconds[peak]!, lower: percentileOf(latencies, (1 - level) / 2), upper: percentileOf(latencies, 1 - (1 - level) / 2), level, samples: params.latencySamples, method: 'bootstrap over subjects, percentile' };
    const best = test.clusters.reduce((p, c) => Math.min(p, c.p), 1);
    return {
      measure: `peak ${params.compare === 'spearman' ? 'Spearman' : 'Pearson'} r over time (mean over ${S} subjects) at ${products.seconds[peak]} s`,
      value: mean[peak]!,
      higherIsBetter: true,
      perSubject: perSubject.map((c) => c[peak]!),
      sem: sem[peak]!,
      p: { value: test.clusters.length ? best : 1, test: `smallest cluster p, cluster-mass sign-flip test over time (tail ${params.tail}, threshold t = ${test.threshold.toFixed(4)}, ${test.permutations} permutations${test.exact ? ', exact' : ''})` },
      details: {
        timeResolved: true,
        times: products.seconds,
        mean: Array.from(mean),
        sem: Array.from(sem),
        perSubjectCurves: perSubject.map((c) => Array.from(c)),
        t: Array.from(test.t),
        threshold: test.threshold,
        clusters: test.clusters.map((c) => ({ start: products.seconds[c.start], end: products.seconds[c.end], startIndex: c.start, endIndex: c.end, mass: c.mass, p: c.p, significant: c.p < params.alpha })),
        pFwe: Array.from(test.pFwe),
        permutations: test.permutations,
        exact: test.exact,
        peakLatency: latency,
        ...(ceiling ? { ceiling: { ...ceiling, convention: 'rsatoolbox leave-one-subject-out, per time sample' } } : {}),
      },
    };
  },
  async finish(comparison, params, records, representations, context) {
    const timed = records.filter((r) => (r.details as { timeResolved?: boolean } | undefined)?.timeResolved);
    if (timed.length === 0) return undefined;
    const out: Record<string, unknown> = {};
    const regions = [...new Set(timed.map((r) => r.region))];
    for (const region of regions) {
      const rows = timed.filter((r) => r.region === region);
      const details = rows.map((r) => r.details as { times: number[]; mean: number[]; perSubjectCurves: number[][] });
      const times = details[0]!.times;
      const S = details[0]!.perSubjectCurves.length;
      const draws = subjectDraws(S, params.latencySamples, params.seed);
      const curves = details.map((d) => d.perSubjectCurves.map((c) => Float64Array.from(c)));
      const boot = curves.map((c) => draws.map((d) => times[peakIndex(meanCurve(c, d, times.length), params.tail)]!));
      const differences: Record<string, unknown>[] = [];
      for (let a = 0; a < rows.length; a++) {
        for (let b = a + 1; b < rows.length; b++) {
          const diff = boot[a]!.map((v, k) => v - boot[b]![k]!);
          const sorted = diff.slice().sort((x, y) => x - y);
          // Two-sided bootstrap p with the +1 correction, so that it is never 0: (2·min(#≤0, #≥0) + 1)/(B + 1).
          const below = diff.filter((v) => v <= 0).length;
          const above = diff.filter((v) => v >= 0).length;
          const level = 1 - params.alpha;
          const observed = times[peakIndex(details[a]!.mean, params.tail)]! - times[peakIndex(details[b]!.mean, params.tail)]!;
          differences.push({ layers: [rows[a]!.layer, rows[b]!.layer], difference: observed, lower: percentileOf(sorted, (1 - level) / 2), upper: percentileOf(sorted, 1 - (1 - level) / 2), p: Math.min(1, (2 * Math.min(below, above) + 1) / (diff.length + 1)), test: 'bootstrap over subjects (same draws for both layers), two-sided' });
        }
      }
      let generalization: number[][] | undefined;
      const brain = representations.find((r) => r.role === 'brain' && r.name === region);
      if (params.generalization && brain) {
        context.progress(0.95, `temporal generalisation of ${region}`);
        const products = brainProducts(params, brain, context);
        const T = products.seconds.length;
        const sum = new Float64Array(T * T);
        for (const z of products.standardized) {
          const g = rowCorrelations(z, T, z, T, products.pairs);
          for (let k = 0; k < sum.length; k++) sum[k]! += g[k]! / products.standardized.length;
        }
        generalization = Array.from({ length: T }, (_, i) => Array.from(sum.subarray(i * T, (i + 1) * T)));
      }
      out[region] = { times, layers: rows.map((r) => r.layer), layerByTime: details.map((d) => d.mean), latencyDifferences: differences, ...(generalization ? { temporalGeneralization: generalization } : {}) };
    }
    return { timeResolved: out };
  },
  caseHandlers: {},
};
