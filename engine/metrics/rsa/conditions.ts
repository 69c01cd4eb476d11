/**
 * Condition descriptors: averaging observations per condition label, and grouping by run.
 *
 * rsatoolbox's `calc_rdm(..., descriptor=)` averages the observations of each label and returns the
 * RDM in **ascending label order** (np.unique), whereas `average_dataset_by` keeps first-occurrence
 * order (docs/metrics.md §2.1, §8 item 18). We follow calc_rdm [parity] and always return the
 * labels with the result, so no caller has to rely on positions [choose].
 * Ordering: numbers ascending; strings by UTF-16 code unit (np.unique's order for ASCII labels).
 */
import { SimspecError } from '../../core/errors';
import type { Matrix } from '../../core/matrix';
import type { Origin } from './condensed';

export type ConditionLabel = number | string;
export type ConditionLabels = ArrayLike<number> | readonly string[];

export interface LabelGroups {
  /** Unique labels, ascending. */
  labels: ConditionLabel[];
  /** For each observation, the index of its label in `labels`. */
  groupOf: Int32Array;
  /** Observation count per label. */
  counts: Int32Array;
}

function compareLabels(a: ConditionLabel, b: ConditionLabel): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** Unique labels in ascending order and the group index of every observation. */
export function groupLabels(labels: ConditionLabels, origin: Origin = {}): LabelGroups {
  const values: ConditionLabel[] = Array.from(labels as ArrayLike<ConditionLabel>);
  for (const v of values) {
    if (typeof v === 'number' && !Number.isFinite(v)) {
      throw new SimspecError(`a condition label is ${v}`, { ...origin, expected: 'finite numeric or string labels', code: 'rdm.label' });
    }
  }
  const unique = Array.from(new Set(values)).sort(compareLabels);
  const position = new Map<ConditionLabel, number>();
  unique.forEach((label, k) => position.set(label, k));
  const groupOf = new Int32Array(values.length);
  const counts = new Int32Array(unique.length);
  values.forEach((v, i) => {
    const g = position.get(v)!;
    groupOf[i] = g;
    counts[g]!++;
  });
  return { labels: unique, groupOf, counts };
}

/** Mean pattern per group (rows of `responses` with groupOf[row] = g, restricted to `rowFilter`). */
export function groupMeans(
  responses: Matrix,
  groupOf: Int32Array,
  groupCount: number,
  rowFilter?: (row: number) => boolean,
): { means: Matrix; counts: Int32Array } {
  const { rows, cols, data } = responses;
  const sums = new Float64Array(groupCount * cols);
  const counts = new Int32Array(groupCount);
  for (let r = 0; r < rows; r++) {
    if (rowFilter && !rowFilter(r)) continue;
    const g = groupOf[r]!;
    counts[g]!++;
    const src = r * cols;
    const dst = g * cols;
    for (let c = 0; c < cols; c++) sums[dst + c]! += data[src + c]!;
  }
  for (let g = 0; g < groupCount; g++) {
    const inv = 1 / counts[g]!;
    for (let c = 0; c < cols; c++) sums[g * cols + c]! *= inv;
  }
  return { means: { rows: groupCount, cols, data: sums }, counts };
}

/** Observations averaged per condition label; rows follow the ascending labels. */
export function averageByCondition(
  responses: Matrix,
  labels: ConditionLabels,
  origin: Origin = {},
): { means: Matrix; labels: ConditionLabel[]; counts: Int32Array } {
  if (labels.length !== responses.rows) {
    throw new SimspecError(`${labels.length} condition labels for ${responses.rows} observations`, {
      ...origin,
      expected: `one label per row (${responses.rows})`,
      code: 'rdm.label-count',
    });
  }
  const groups = groupLabels(labels, origin);
  const { means } = groupMeans(responses, groups.groupOf, groups.labels.length);
  return { means, labels: groups.labels, counts: groups.counts };
}
