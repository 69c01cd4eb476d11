/**
 * How a run is put together. The executor (engine/run/execute.ts) loads every representation once,
 * then for each comparison and each (layer, region) pair calls the runner of the comparison's metric
 * family (engine/families/index.ts: the family's `parse`, then its `run`). The types a family sees
 * (representations, the run context, scores) are defined in engine/families/types.ts and re-exported
 * here; anything expensive that other pairs, folds or metrics could reuse (centred Grams, RDMs, noise
 * ceilings, fold decompositions) goes through `context.shared`.
 */
import type { Score } from '../families/types';

export type {
  ComparisonRunner,
  ConfidenceInterval,
  LoadedRepresentation,
  NoiseCeiling,
  RunContext,
  Score,
  SharedProducts,
  StimulusTable,
  SubjectData,
} from '../families/types';

export interface ScoreRecord extends Score {
  comparison: string;
  /** The family id (engine/families/index.ts MetricFamily); a plain string here so that the results
   * format, which the DOM-only panel project imports, does not pull in the registry and its Node code. */
  metric: string;
  layer: string;
  region: string;
  /** Wall time of this pair in milliseconds (when it was computed). */
  milliseconds: number;
  /** Served from the on-disk cache: nothing it depends on changed since it was computed. */
  fromCache?: boolean;
}
