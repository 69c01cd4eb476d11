/**
 * Load one representation (model layer or brain region) from its source: read the variable, check
 * values, split subjects, and put it in the form metrics use (response matrices, repeats, condensed
 * RDMs). Shape rules are those of `layoutOf` in the spec module, so what the editor accepted is
 * exactly what loads.
 */
import { readArray } from '../io';
import { SimspecError } from '../core/errors';
import type { NDArray } from '../core/matrix';
import { permuteAxes, product, splitLeading } from '../core/ndarray';
import { squareToCondensed } from '../metrics/rsa';
import { layoutOf } from '../spec/semantics';
import type { Representation } from '../spec/types';
import type { LoadedRepresentation, SubjectData } from './types';

function describeSource(rep: Representation): { file: string; variable: string } {
  return { file: rep.source.file, variable: rep.source.key ?? '(the only array)' };
}

function firstNonFinite(data: Float64Array, allowNaN: boolean): number {
  for (let k = 0; k < data.length; k++) {
    const v = data[k]!;
    if (!Number.isFinite(v) && !(allowNaN && Number.isNaN(v))) return k;
  }
  return -1;
}

function unravel(index: number, shape: readonly number[]): number[] {
  const out: number[] = [];
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    out.unshift(index % shape[axis]!);
    index = Math.floor(index / shape[axis]!);
  }
  return out;
}

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
  const origin = describeSource(rep);
  const raw = array ?? (await readArray(source.path, source.key));
  const layout = layoutOf(source, raw.shape);
  if (typeof layout === 'string') throw new SimspecError(layout, { ...origin, code: 'data.shape' });

  // RDM diagonals may be NaN and repeats may be NaN (missing); nothing may be infinite.
  const bad = firstNonFinite(raw.data, source.kind !== 'responses');
  if (bad >= 0) {
    const value = raw.data[bad];
    throw new SimspecError(`${Number.isNaN(value) ? 'NaN' : value} at index [${unravel(bad, raw.shape).join(', ')}]`, {
      ...origin,
      expected: source.kind === 'responses' ? 'finite numbers (use kind: repeats for responses with missing repeats)' : 'no infinite values',
      code: 'data.nonfinite',
    });
  }

  const subjectAxes = source.subjects ?? [];
  const otherAxes = raw.shape.map((_, axis) => axis).filter((axis) => !subjectAxes.includes(axis));
  const ordered = permuteAxes(raw, [...subjectAxes, ...otherAxes]);
  const items = splitLeading(ordered, subjectAxes.length);
  const subjects: SubjectData[] = [];
  let unitShape: number[] | undefined;

  for (const [s, item] of items.entries()) {
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
    } else if (source.transpose) {
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
  return loaded;
}
