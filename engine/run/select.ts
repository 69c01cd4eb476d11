/**
 * Apply `stimuli.select` and a source's `units` to a loaded representation (which ones are resolved
 * and checked by engine/spec/selection.ts, the same rules `simspec check` reports). Stimuli first,
 * then units, so that a reliability threshold is judged on the stimuli the run uses — the result is
 * that of running on files holding only the selected stimuli and units.
 *
 * Unit reliability (docs/metrics.md §9.1): odd vs even repeats of each stimulus (0-based repeat
 * indices 0, 2, 4… against 1, 3, 5…; NaN repeats skipped), each half averaged, Pearson r across
 * stimuli per unit, Spearman–Brown r_SB = 2r/(1 + r). Uses engine/stats/reliability.ts, the same
 * split-half code as the regression ceiling, with one fixed split instead of Brain-Score's ten
 * random ones: a selection must not change with a seed. A unit whose r is undefined (constant in
 * a half) is not kept.
 */
import { SimspecError } from '../core/errors';
import type { Matrix, NDArray } from '../core/matrix';
import { splitHalfReliability } from '../stats/reliability';
import type { UnitSelection } from '../spec/types';
import type { LoadedRepresentation, SubjectData } from './types';

/** What a unit selection kept, per subject, for the results file. */
export interface UnitSelectionRecord {
  /** Units per subject before the selection. */
  of: number;
  count: number;
  indices: number[];
  /** With `reliability`: r_SB of every unit considered (NaN where undefined), in their order. */
  reliability?: (number | null)[];
  threshold?: number;
}

function selectRows(m: Matrix, rows: readonly number[]): Matrix {
  const out = new Float64Array(rows.length * m.cols);
  rows.forEach((row, i) => out.set(m.data.subarray(row * m.cols, (row + 1) * m.cols), i * m.cols));
  return { rows: rows.length, cols: m.cols, data: out };
}

function selectColumns(m: Matrix, columns: readonly number[]): Matrix {
  const out = new Float64Array(m.rows * columns.length);
  for (let i = 0; i < m.rows; i++) columns.forEach((column, j) => (out[i * columns.length + j] = m.data[i * m.cols + column]!));
  return { rows: m.rows, cols: columns.length, data: out };
}

/** Stimuli × repeats × units restricted to some stimuli (first axis) or some units (last axis). */
function selectRepeats(a: NDArray, stimuli: readonly number[] | undefined, units: readonly number[] | undefined): NDArray {
  const [n, r, u] = a.shape as [number, number, number];
  const rows = stimuli ?? Array.from({ length: n }, (_, i) => i);
  const columns = units ?? Array.from({ length: u }, (_, j) => j);
  const out = new Float64Array(rows.length * r * columns.length);
  rows.forEach((row, i) => {
    for (let k = 0; k < r; k++) columns.forEach((column, j) => (out[(i * r + k) * columns.length + j] = a.data[(row * r + k) * u + column]!));
  });
  return { shape: [rows.length, r, columns.length], data: out, dtype: a.dtype };
}

/** A condensed RDM (squareform order) restricted to some stimuli, in the order given. */
function selectCondensed(rdm: Float64Array, n: number, indices: readonly number[]): Float64Array {
  const at = (a: number, b: number) => (a < b ? n * a - (a * (a + 1)) / 2 + (b - a - 1) : n * b - (b * (b + 1)) / 2 + (a - b - 1));
  const m = indices.length;
  const out = new Float64Array((m * (m - 1)) / 2);
  let k = 0;
  for (let i = 0; i < m; i++) for (let j = i + 1; j < m; j++) out[k++] = rdm[at(indices[i]!, indices[j]!)]!;
  return out;
}

/** The representation restricted to the selected stimuli (`stimuli.select`), in the order given. */
export function selectStimuliOf(loaded: LoadedRepresentation, indices: readonly number[]): LoadedRepresentation {
  const subjects = loaded.subjects.map((subject): SubjectData => {
    const out: SubjectData = {};
    if (subject.rdm) out.rdm = selectCondensed(subject.rdm, loaded.stimuli, indices);
    if (subject.responses) out.responses = selectRows(subject.responses, indices);
    if (subject.repeats) out.repeats = selectRepeats(subject.repeats, indices, undefined);
    if (subject.timecourse) out.timecourse = selectTimecourse(subject.timecourse, loaded.stimuli, indices);
    return out;
  });
  return { ...loaded, stimuli: indices.length, subjects };
}

/** A time-resolved subject (time × stimuli × …, or time × condensed pairs) restricted to some stimuli. */
function selectTimecourse(a: NDArray, n: number, indices: readonly number[]): NDArray {
  const T = a.shape[0]!;
  if (a.shape.length === 2) {
    const pairs = a.shape[1]!;
    const m = (indices.length * (indices.length - 1)) / 2;
    const out = new Float64Array(T * m);
    for (let t = 0; t < T; t++) out.set(selectCondensed(a.data.subarray(t * pairs, (t + 1) * pairs) as Float64Array, n, indices), t * m);
    return { shape: [T, m], data: out, dtype: a.dtype };
  }
  const width = a.shape.slice(2).reduce((x, y) => x * y, 1);
  const out = new Float64Array(T * indices.length * width);
  for (let t = 0; t < T; t++) indices.forEach((row, i) => out.set(a.data.subarray((t * n + row) * width, (t * n + row + 1) * width), (t * indices.length + i) * width));
  return { shape: [T, indices.length, ...a.shape.slice(2)], data: out, dtype: a.dtype };
}

/** Spearman–Brown corrected odd/even split-half reliability of each unit of stimuli × repeats × units. */
export function unitReliability(repeats: NDArray): Float64Array {
  const r = repeats.shape[1]!;
  const halfA = Array.from({ length: Math.ceil(r / 2) }, (_, k) => 2 * k);
  const halfB = Array.from({ length: Math.floor(r / 2) }, (_, k) => 2 * k + 1);
  return splitHalfReliability(repeats, [{ halfA, halfB }]).splits[0]!.rSb;
}

/** The representation restricted to the selected units (per subject), and what was kept. */
export function selectUnitsOf(loaded: LoadedRepresentation, selection: UnitSelection): { loaded: LoadedRepresentation; records: UnitSelectionRecord[] } {
  const origin = { file: loaded.file, variable: loaded.key ?? loaded.name };
  const records: UnitSelectionRecord[] = [];
  if (loaded.time !== undefined) throw new SimspecError('`units` cannot select units of a source with a `time` axis', { ...origin, expected: 'the sensors selected in the file', code: 'spec.units' });
  const subjects = loaded.subjects.map((subject, s): SubjectData => {
    const width = subject.responses!.cols;
    let kept = selection.indices ? selection.indices.slice() : Array.from({ length: width }, (_, j) => j);
    const record: UnitSelectionRecord = { of: width, count: 0, indices: [] };
    if (selection.reliability) {
      const reliability = unitReliability(selectRepeats(subject.repeats!, undefined, kept));
      record.reliability = Array.from(reliability, (v) => (Number.isNaN(v) ? null : v));
      record.threshold = selection.reliability.min;
      kept = kept.filter((_, j) => reliability[j]! >= selection.reliability!.min);
    }
    if (kept.length === 0) {
      const where = loaded.subjects.length > 1 ? ` of subject ${s}` : '';
      throw new SimspecError(`no unit${where} has a split-half reliability of at least ${selection.reliability!.min}`, { ...origin, expected: 'at least one unit above the `units.reliability.min` threshold (lower it, or check the repeats)', code: 'data.no-reliable-units' });
    }
    record.count = kept.length;
    record.indices = kept;
    records.push(record);
    const out: SubjectData = { responses: selectColumns(subject.responses!, kept) };
    if (subject.repeats) out.repeats = selectRepeats(subject.repeats, undefined, kept);
    return out;
  });
  const { unitShape: _flattened, ...rest } = loaded;
  return { loaded: { ...rest, subjects }, records };
}
