/**
 * Named axes of a stored array (`axes: [units, stimuli, repeats]` in a spec source) and the one
 * permutation that puts them in the engine's layout. Files come in every order (neurons × stimuli ×
 * repeats from MATLAB, stimuli × units from numpy, time-first MEG epochs); the loaders want one.
 *
 *   arrangeAxes(names, shape)  → where each named axis goes, or a problem text naming the axis
 *   toEngineLayout(array, names) → the array permuted (C-order copy) into ENGINE_AXIS_ORDER
 *
 * The engine's layout groups axes by name in ENGINE_AXIS_ORDER — subjects, time, stimuli, repeats,
 * units — keeping the stored order *within* a name (several `subjects` axes merge row-major in the
 * order written, several `units` axes, e.g. height × width × channels, stay in their order and
 * flatten to one). A name that is not written is simply absent. Pure: no file access, so the
 * language server and the run share it (docs/architecture.md, layer io).
 */
import type { NDArray } from '../core/matrix';
import { permuteAxes, product } from '../core/ndarray';

/** Axis names a source may declare, in the order the engine stores them. */
export const ENGINE_AXIS_ORDER = ['subjects', 'time', 'stimuli', 'repeats', 'units'] as const;
export type AxisName = (typeof ENGINE_AXIS_ORDER)[number];

export function isAxisName(name: string): name is AxisName {
  return (ENGINE_AXIS_ORDER as readonly string[]).includes(name);
}

export interface AxisArrangement {
  /** `order[k]` is the stored axis that becomes axis k (numpy `transpose(order)`). */
  order: number[];
  /** Shape after the permutation. */
  shape: number[];
  /** Per name: the stored axes carrying it (in stored order) and the product of their lengths (1 if none). */
  axes: Record<AxisName, number[]>;
  lengths: Record<AxisName, number>;
}

/**
 * Match declared names to a shape. Problems come back as text (the caller adds file and key): a
 * count that differs from the array's number of axes, or an unknown name.
 */
export function arrangeAxes(names: readonly string[], shape: readonly number[]): AxisArrangement | string {
  const shapeText = `(${shape.join(', ')})`;
  if (names.length !== shape.length) {
    return `\`axes\` names ${names.length} ax${names.length === 1 ? 'is' : 'es'} (${names.join(', ')}) but the array has ${shape.length} (shape ${shapeText})`;
  }
  const unknown = names.find((name) => !isAxisName(name));
  if (unknown !== undefined) return `\`axes\` has an unknown axis name \`${unknown}\`: expected ${ENGINE_AXIS_ORDER.join(', ')}`;
  const axes = Object.fromEntries(ENGINE_AXIS_ORDER.map((name) => [name, [] as number[]])) as Record<AxisName, number[]>;
  names.forEach((name, axis) => axes[name as AxisName].push(axis));
  const order = ENGINE_AXIS_ORDER.flatMap((name) => axes[name]);
  const lengths = Object.fromEntries(ENGINE_AXIS_ORDER.map((name) => [name, product(axes[name].map((axis) => shape[axis]!))])) as Record<AxisName, number>;
  return { order, shape: order.map((axis) => shape[axis]!), axes, lengths };
}

/** The array with its axes permuted into ENGINE_AXIS_ORDER (unchanged when already there). */
export function toEngineLayout(array: NDArray, arrangement: AxisArrangement): NDArray {
  return permuteAxes(array, arrangement.order);
}

/** How an axis is named in a message: its position and its declared name. */
export function describeAxis(arrangement: AxisArrangement, name: AxisName, shape: readonly number[]): string {
  const stored = arrangement.axes[name];
  if (stored.length === 0) return `no \`${name}\` axis`;
  return stored.map((axis) => `axis ${axis} (\`${name}\`, length ${shape[axis]})`).join(' × ');
}
