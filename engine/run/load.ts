/**
 * Load one representation (model layer or brain region) from its source: read the variable, check
 * values, split subjects, and put it in the form metrics use (response matrices, repeats, condensed
 * RDMs). Shape rules are those of `layoutOf` in the spec module, so what the editor accepted is
 * exactly what loads.
 */
import { readArray, readNpyHeader, readNpyRows } from '../io';
import { SimspecError } from '../core/errors';
import type { NDArray } from '../core/matrix';
import { permuteAxes, product, splitLeading } from '../core/ndarray';
import { arrangeAxes, toEngineLayout, type AxisArrangement } from '../io/axes';
import { squareToCondensed } from '../metrics/rsa';
import { layoutOf, sizeProblem, sourceOrigin, valueProblem } from '../spec/semantics';
import type { Representation } from '../spec/types';
import type { LoadedRepresentation, SubjectData } from './types';

/** NaN-skipping mean over the repeats axis of stimuli × repeats × units. */
function meanOverRepeats(repeats: NDArray, origin: { file: string; variable: string }): Float64Array {
  const [n, r, u] = repeats.shape as [number, number, number];
  const out = new Float64Array(n * u);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < u; j++) {
      let sum = 0;
      let count = 0;
      for (let k = 0; k < r; k++) {
        const v = repeats.data[(i * r + k) * u + j]!;
        if (!Number.isNaN(v)) {
          sum += v;
          count++;
        }
      }
      if (count === 0) throw new SimspecError(`stimulus ${i}, unit ${j} has no repeat (all NaN)`, { ...origin, expected: 'at least one non-NaN repeat per stimulus and unit', code: 'data.no-repeats' });
      out[i * u + j] = sum / count;
    }
  }
  return out;
}

export async function loadRepresentation(rep: Representation, array?: NDArray): Promise<LoadedRepresentation> {
  const { source } = rep;
  const origin = sourceOrigin(source);
  if (!array) {
    const streamed = await loadTimeSubjectBySubject(rep);
    if (streamed) return streamed;
  }
  const raw = array ?? (await readArray(source.path, source.key));
  const layout = layoutOf(source, raw.shape);
  if (typeof layout === 'string') throw new SimspecError(layout, { ...origin, code: 'data.shape' });

  const tooSmall = sizeProblem(layout, raw.shape);
  if (tooSmall) throw new SimspecError(tooSmall.problem, { ...origin, expected: tooSmall.expected, code: tooSmall.code });
  const bad = valueProblem(raw.data, raw.shape, source.kind);
  if (bad) throw new SimspecError(bad.problem, { ...origin, expected: bad.expected, code: bad.code });

  // Declared axes: permute once into the engine's layout (subjects, stimuli, repeats, units); the
  // subjects are then the leading axes and everything below reads the array as if stored that way.
  const arranged = source.axes ? (arrangeAxes(source.axes, raw.shape) as AxisArrangement) : undefined;
  const subjectAxes = arranged ? arranged.axes.subjects.map((_, k) => k) : source.subjects ?? [];
  // A recording with a `time` axis stored as [subjects…, B…, time, C…] (non-time axes already in
  // engine order) is moved per subject with one contiguous pass, not the generic element-wise
  // permutation (10 s and a second full copy for a 92 × 300 × 175 × 20 recording).
  const fast = arranged && layout.time !== undefined ? fastTimeSplit(raw, arranged) : undefined;
  if (fast) {
    const loaded: LoadedRepresentation = { name: rep.name, role: rep.role, kind: source.kind, stimuli: layout.stimuli, subjects: [], hasSubjects: subjectAxes.length > 0, file: source.file, time: layout.time };
    if (source.key !== undefined) loaded.key = source.key;
    for (let s = 0; s < fast.subjects; s++) {
      const item = fast.item(s);
      loaded.subjects.push({ timecourse: timecourseOf(item, source.kind, layout, { ...origin, variable: fast.subjects > 1 ? `${origin.variable} (subject ${s})` : origin.variable }) });
    }
    return loaded;
  }
  let ordered: NDArray;
  if (arranged) {
    ordered = toEngineLayout(raw, arranged);
    // Several unit axes flatten into one for repeats (responses keep them as the unit shape).
    if (source.kind === 'repeats') ordered = { ...ordered, shape: [...ordered.shape.slice(0, subjectAxes.length), ...(layout.time !== undefined ? [layout.time] : []), layout.stimuli, layout.repeats!, layout.units!] };
  } else {
    const otherAxes = raw.shape.map((_, axis) => axis).filter((axis) => !subjectAxes.includes(axis));
    ordered = permuteAxes(raw, [...subjectAxes, ...otherAxes]);
  }
  const items = splitLeading(ordered, subjectAxes.length);
  const subjects: SubjectData[] = [];
  let unitShape: number[] | undefined;

  for (const [s, item] of items.entries()) {
    if (layout.time !== undefined) {
      subjects.push({ timecourse: timecourseOf(item, source.kind, layout, { ...origin, variable: items.length > 1 ? `${origin.variable} (subject ${s})` : origin.variable }) });
      continue;
    }
    let shape = item.shape.slice();
    const minimumAxes = source.kind === 'repeats' ? 3 : source.kind === 'rdm' ? 1 : 2;
    while (shape.length > minimumAxes && shape[0] === 1) shape = shape.slice(1);
    const subjectOrigin = { ...origin, variable: items.length > 1 ? `${origin.variable} (subject ${s})` : origin.variable };
    if (source.kind === 'rdm') {
      if (shape.length === 1) subjects.push({ rdm: Float64Array.from(item.data) });
      else subjects.push({ rdm: squareToCondensed({ rows: shape[0]!, cols: shape[1]!, data: item.data }, subjectOrigin) });
    } else if (source.kind === 'repeats') {
      const repeats: NDArray = { shape, data: item.data, dtype: item.dtype };
      subjects.push({ repeats, responses: { rows: shape[0]!, cols: shape[2]!, data: meanOverRepeats(repeats, subjectOrigin) } });
    } else if (source.transpose && !arranged) {
      const t = permuteAxes({ shape, data: item.data, dtype: item.dtype }, [1, 0]);
      subjects.push({ responses: { rows: t.shape[0]!, cols: t.shape[1]!, data: t.data } });
    } else {
      if (shape.length > 2) unitShape = shape.slice(1);
      subjects.push({ responses: { rows: shape[0]!, cols: product(shape.slice(1)), data: item.data } });
    }
  }

  const loaded: LoadedRepresentation = {
    name: rep.name,
    role: rep.role,
    kind: source.kind,
    stimuli: layout.stimuli,
    subjects,
    hasSubjects: subjectAxes.length > 0,
    file: source.file,
  };
  if (source.key !== undefined) loaded.key = source.key;
  if (unitShape) loaded.unitShape = unitShape;
  if (layout.time !== undefined) loaded.time = layout.time;
  return loaded;
}

/**
 * A time-resolved .npy stored subjects-first (`axes: [subjects, …]`, C order) is read one subject at
 * a time (readNpyRows), so that a large recording never sits in memory twice: float32 files stay
 * float32 per subject, and the float64 copy of the whole file that readArray would make is never
 * built. Same checks and results as the whole-array path; on any value problem it defers to that
 * path, which reports it in its usual words. Undefined when the source does not qualify.
 */
async function loadTimeSubjectBySubject(rep: Representation): Promise<LoadedRepresentation | undefined> {
  const { source } = rep;
  if (!source.axes || source.key !== undefined || !/\.npy$/i.test(source.path) || source.axes[0] !== 'subjects' || source.axes.filter((a) => a === 'subjects').length !== 1) return undefined;
  const header = await readNpyHeader(source.path).catch(() => undefined);
  if (!header || header.fortranOrder) return undefined;
  const layout = layoutOf(source, header.shape);
  if (typeof layout === 'string' || layout.time === undefined || sizeProblem(layout, header.shape)) return undefined;
  const origin = sourceOrigin(source);
  const subjects: SubjectData[] = [];
  const count = header.shape[0]!;
  for (let s = 0; s < count; s++) {
    const item = await readNpyRows(source.path, s, 1);
    if (valueProblem(item.data, item.shape, source.kind)) return undefined;
    const fast = fastTimeSplit(item, arrangeAxes(source.axes, item.shape) as AxisArrangement);
    if (!fast) return undefined;
    subjects.push({ timecourse: timecourseOf(fast.item(0), source.kind, layout, { ...origin, variable: count > 1 ? `${origin.variable} (subject ${s})` : origin.variable }) });
  }
  const loaded: LoadedRepresentation = { name: rep.name, role: rep.role, kind: source.kind, stimuli: layout.stimuli, subjects, hasSubjects: true, file: source.file, time: layout.time };
  return loaded;
}

/**
 * When the stored order is subjects first, then the other axes in engine order with `time` anywhere
 * among them: per subject, the data is B × T × C and becomes T × B × C (float32 data stays float32:
 * exact, and half the memory). Otherwise undefined (the generic permutation is used).
 */
function fastTimeSplit(raw: NDArray, arranged: AxisArrangement): { subjects: number; item(s: number): NDArray } | undefined {
  const subjectAxes = arranged.axes.subjects;
  if (!subjectAxes.every((axis, k) => axis === k)) return undefined;
  const rest = arranged.order.filter((axis) => !subjectAxes.includes(axis));
  const timeAxis = arranged.axes.time[0]!;
  const withoutTime = rest.filter((axis) => axis !== timeAxis);
  if (!withoutTime.every((axis, k) => k === 0 || axis > withoutTime[k - 1]!)) return undefined;
  const T = raw.shape[timeAxis]!;
  const B = product(withoutTime.filter((axis) => axis < timeAxis).map((axis) => raw.shape[axis]!));
  const C = product(withoutTime.filter((axis) => axis > timeAxis).map((axis) => raw.shape[axis]!));
  const subjects = product(subjectAxes.map((axis) => raw.shape[axis]!));
  const size = B * T * C;
  const engineShape = [T, ...withoutTime.map((axis) => raw.shape[axis]!)];
  const float32 = raw.dtype === 'float32';
  return {
    subjects,
    item(s: number): NDArray {
      const src = raw.data.subarray(s * size, (s + 1) * size);
      if (B === 1) return { shape: engineShape, data: (float32 ? Float32Array.from(src) : src) as unknown as Float64Array, dtype: raw.dtype };
      const out = float32 ? new Float32Array(size) : new Float64Array(size);
      if (C === 1) {
        // Blocked transpose of B × T into T × B.
        const block = 64;
        for (let b0 = 0; b0 < B; b0 += block) {
          const b1 = Math.min(B, b0 + block);
          for (let t0 = 0; t0 < T; t0 += block) {
            const t1 = Math.min(T, t0 + block);
            for (let b = b0; b < b1; b++) for (let t = t0; t < t1; t++) out[t * B + b] = src[b * T + t]!;
          }
        }
      } else {
        for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) out.set(src.subarray((b * T + t) * C, (b * T + t + 1) * C), (t * B + b) * C);
      }
      return { shape: engineShape, data: out as unknown as Float64Array, dtype: raw.dtype };
    },
  };
}

/**
 * One subject of a source with a `time` axis, in engine layout (time first): responses become
 * time × stimuli × units (unit axes flattened), repeats time × stimuli × repeats × units, and an RDM
 * movie time × condensed pairs (each square slice checked and condensed like a single RDM).
 */
function timecourseOf(item: NDArray, kind: Representation['source']['kind'], layout: { time?: number; stimuli: number; units?: number; repeats?: number }, origin: { file: string; variable: string }): NDArray {
  const T = layout.time!;
  const n = layout.stimuli;
  if (kind === 'rdm') {
    const square = item.shape.length === 3;
    if (!square) return { shape: [T, (n * (n - 1)) / 2], data: item.data instanceof Float64Array ? item.data : Float64Array.from(item.data), dtype: 'float64' };
    const pairs = (n * (n - 1)) / 2;
    const out = new Float64Array(T * pairs);
    for (let t = 0; t < T; t++) {
      const slice = Float64Array.from(item.data.subarray(t * n * n, (t + 1) * n * n));
      out.set(squareToCondensed({ rows: n, cols: n, data: slice }, { ...origin, variable: `${origin.variable} (time ${t})` }), t * pairs);
    }
    return { shape: [T, pairs], data: out, dtype: 'float64' };
  }
  const shape = kind === 'repeats' ? [T, n, layout.repeats!, layout.units!] : [T, n, layout.units!];
  // As given (a view, or float32 values kept as float32); RDMs read them per time sample.
  return { shape, data: item.data, dtype: item.dtype };
}
