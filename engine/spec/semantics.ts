/**
 * Checks that need the data files: files exist, variables exist, shapes fit their declared kind,
 * every representation has the same number of stimuli, names referenced by comparisons exist,
 * cross-validation and statistics settings are possible on these data. Each problem carries the
 * range of the spec value it concerns, and for mismatches the other side as related information.
 */
import { loadNiftiReader } from '../io/nifti';
import { existsSync } from 'node:fs';
import { rangeAt, type ParsedSpec } from './document';
import { didYouMean } from './suggest';
import { checkOnnx } from './onnx';
import type { DataSource, Problem, Representation, Spec } from './types';
import { isSimspecError, SimspecError } from '../core/errors';
import { familyFor } from '../families';
import type { CheckReport, LayoutInfo, StimulusTable } from '../families/types';
import { arrangeAxes, describeAxis, type AxisName } from '../io/axes';
import { selectedStimuli, selectTableRows, unitSelectionProblem } from './selection';
import { resamplingWithCvMessage, singleSubjectCeilingMessage, unsupportedStatisticMessage } from './statisticsSupport';

/** The value at a path of the parsed spec (undefined when absent). */
function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  let node = root;
  for (const key of path) node = node && typeof node === 'object' ? (node as Record<string | number, unknown>)[key] : undefined;
  return node;
}

export interface VariableDescription {
  shape: number[];
  dtype: string;
}

/** What semantic checks need to know about data files (the engine's readers, possibly cached). */
export interface DataIntrospector {
  /** Names of the numeric variables in a file (npz keys, mat variables, HDF5 datasets). */
  variableNames(path: string): Promise<string[]>;
  /** Shape and dtype of one variable; `key` may be undefined for single-array files. Throws SimspecError. */
  describe(path: string, key: string | undefined): Promise<VariableDescription>;
  /** Number of data rows of a CSV/TSV label table. */
  tableRowCount(path: string, header: boolean): Promise<number>;
  /** Column names of a CSV/TSV label table (optional: checks of label columns are skipped without it). */
  tableColumns?(path: string, header: boolean): Promise<string[]>;
  /** The label table as the run reads it (optional: cross-validation splits are then not checked). */
  labelTable?(path: string, header: boolean): Promise<StimulusTable>;
  /**
   * Read a variable's values and check them as the run does (`valueProblem`); a corrupt member
   * (bad CRC, truncated data) throws its SimspecError. Optional: without it only headers are
   * checked. `skipped` says why the values were not read (e.g. over the editor's size budget).
   */
  checkValues?(path: string, key: string | undefined, kind: DataSource['kind']): Promise<ValueCheck>;
}

/** What reading a variable's values found: a problem as the run words it, or nothing. */
export interface ValueCheck {
  problem?: ValueProblem;
  /** Set when the values were not read, with the reason. */
  skipped?: string;
}

export interface ValueProblem {
  problem: string;
  expected: string;
  code: string;
}

/** How the run and the check name a source in their messages: its file as written, its variable. */
export function sourceOrigin(source: DataSource): { file: string; variable: string } {
  return { file: source.file, variable: source.key ?? '(the only array)' };
}

function unravel(index: number, shape: readonly number[]): number[] {
  const out: number[] = [];
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    out.unshift(index % shape[axis]!);
    index = Math.floor(index / shape[axis]!);
  }
  return out;
}

/**
 * The value rule the run enforces before any metric (engine/run/load.ts): RDM diagonals may be
 * NaN and repeats may be NaN (missing); nothing may be infinite, and plain responses must be
 * finite. Linear in the data, one pass, no allocation.
 */
export function valueProblem(data: ArrayLike<number>, shape: readonly number[], kind: DataSource['kind']): ValueProblem | undefined {
  const allowNaN = kind !== 'responses';
  for (let k = 0; k < data.length; k++) {
    const v = data[k]!;
    if (Number.isFinite(v) || (allowNaN && Number.isNaN(v))) continue;
    return {
      problem: `${Number.isNaN(v) ? 'NaN' : v} at index [${unravel(k, shape).join(', ')}]`,
      expected: kind === 'responses' ? 'finite numbers (use kind: repeats for responses with missing repeats)' : 'no infinite values',
      code: 'data.nonfinite',
    };
  }
  return undefined;
}

/**
 * Sizes every metric needs, known from the shape alone: at least 2 stimuli (a dissimilarity, a
 * correlation, a fold needs two) and at least one unit per stimulus (a 20 × 0 matrix has no
 * pattern to compare). Returns the problem as the run words it.
 */
export function sizeProblem(layout: SourceLayout, shape: readonly number[]): ValueProblem | undefined {
  if (layout.stimuli < 2) return { problem: `${layout.stimuli} stimul${layout.stimuli === 1 ? 'us' : 'i'} in an array of shape (${shape.join(', ')})`, expected: 'at least 2 stimuli', code: 'data.too-few-stimuli' };
  if (layout.units !== undefined && layout.units < 1) return { problem: `no units (width 0) in an array of shape (${shape.join(', ')})`, expected: 'at least 1 unit per stimulus', code: 'data.zero-width' };
  if (layout.repeats !== undefined && layout.repeats < 1) return { problem: `no repeats in an array of shape (${shape.join(', ')})`, expected: 'at least 1 repeat per stimulus', code: 'data.zero-width' };
  if (layout.subjects < 1) return { problem: `a subjects axis of length 0 in an array of shape (${shape.join(', ')})`, expected: 'at least 1 subject', code: 'data.zero-width' };
  return undefined;
}

/** What a source's shape says about it, after checks. */
export interface SourceLayout {
  stimuli: number;
  subjects: number;
  /** Units per stimulus (responses, repeats); undefined for RDMs. */
  units?: number;
  repeats?: number;
  /** With `axes`: the stored axis (or axes) holding the stimuli, as messages name it. */
  stimulusAxis?: string;
  /** Time samples, when `axes` names a `time` axis (read by time-resolved families only). */
  time?: number;
}

const READABLE = /\.(npy|npz|mat|h5|hdf5|csv|tsv|json|nii|nii\.gz)$/i;

export function condensedToCount(length: number): number | undefined {
  const n = (1 + Math.sqrt(1 + 8 * length)) / 2;
  return Number.isInteger(n) ? n : undefined;
}

/** The layout of a source that declares `axes` (engine/io/axes.ts): each axis by name, whatever its position. */
function layoutFromAxes(source: DataSource, names: readonly string[], shape: readonly number[]): SourceLayout | string {
  if (source.subjects !== undefined) return '`subjects` axis indices and `axes` are both given: name the subjects axis in `axes` instead';
  if (source.transpose) return '`transpose` and `axes` are both given: `axes` already says the order, drop `transpose`';
  const arranged = arrangeAxes(names, shape);
  if (typeof arranged === 'string') return arranged;
  const count = (name: AxisName) => arranged.axes[name].length;
  const subjects = arranged.lengths.subjects;
  // A `time` axis (one) is read by time-resolved families only (`timeResolved` in engine/families/types.ts);
  // checkSemantics refuses it, with timeRefusal below, for a comparison whose family does not read it.
  if (count('time') > 1) return `\`axes\` must name at most one \`time\` axis, got ${count('time')}`;
  const time = count('time') === 1 ? arranged.lengths.time : undefined;
  const withTime = (layout: SourceLayout): SourceLayout => (time === undefined ? layout : { ...layout, time });
  if (source.kind === 'rdm') {
    const other = names.find((name) => name !== 'subjects' && name !== 'stimuli' && name !== 'time');
    if (other !== undefined) return `an RDM's axes are \`subjects\`, \`stimuli\` (two for a square RDM, one for a condensed one) and, for an RDM movie, \`time\`, not \`${other}\``;
    const stimulusAxes = arranged.axes.stimuli.map((axis) => shape[axis]!);
    if (stimulusAxes.length === 1) {
      const n = condensedToCount(stimulusAxes[0]!);
      if (n === undefined) return `${stimulusAxes[0]} entries on ${describeAxis(arranged, 'stimuli', shape)} is not the length of a condensed RDM (n(n−1)/2 for some n)`;
      return withTime({ stimuli: n, subjects, stimulusAxis: describeAxis(arranged, 'stimuli', shape) });
    }
    if (stimulusAxes.length !== 2 || stimulusAxes[0] !== stimulusAxes[1]) return `an RDM needs two \`stimuli\` axes of equal length (square) or one (condensed); \`axes\` gives ${describeAxis(arranged, 'stimuli', shape)}`;
    return withTime({ stimuli: stimulusAxes[0]!, subjects, stimulusAxis: describeAxis(arranged, 'stimuli', shape) });
  }
  if (count('stimuli') !== 1) return `\`axes\` must name exactly one \`stimuli\` axis, got ${count('stimuli')}`;
  if (count('units') === 0) return '`axes` must name at least one `units` axis';
  if (source.kind === 'repeats' && count('repeats') !== 1) return `responses with repeats need exactly one \`repeats\` axis in \`axes\`, got ${count('repeats')}`;
  if (source.kind === 'responses' && count('repeats') > 0) return `a \`repeats\` axis needs \`kind: repeats\` (this source is \`kind: responses\`)`;
  const layout: SourceLayout = { stimuli: arranged.lengths.stimuli, units: arranged.lengths.units, subjects, stimulusAxis: describeAxis(arranged, 'stimuli', shape) };
  if (source.kind === 'repeats') layout.repeats = arranged.lengths.repeats;
  return withTime(layout);
}

/**
 * Why a source with a `time` axis cannot go to a family that scores one stimulus × unit matrix (or
 * one RDM) per subject; `check` reports it on `axes`, and the run refuses it in the same words.
 */
export function timeRefusal(source: DataSource, shape: readonly number[]): string | undefined {
  if (!source.axes) return undefined;
  const arranged = arrangeAxes(source.axes, shape);
  if (typeof arranged === 'string' || arranged.axes.time.length === 0) return undefined;
  return `\`axes\` names a \`time\` axis (${describeAxis(arranged, 'time', shape)}), which ${source.kind === 'rdm' ? 'an RDM' : 'a stimulus × unit metric'} does not read: select one time point in the file, or use a time-resolved analysis (\`metric: rsa-time\`)`;
}

/** Interpret a source's raw shape given its kind and subjects axes; returns a problem text when it does not fit. */
export function layoutOf(source: DataSource, shape: readonly number[]): SourceLayout | string {
  if (source.axes) return layoutFromAxes(source, source.axes, shape);
  if (source.transpose && source.kind !== 'responses') {
    return `\`transpose\` applies only to a 2-D response matrix; for \`kind: ${source.kind}\` say which axis is which with \`axes\`, e.g. ${source.kind === 'repeats' ? '`axes: [units, stimuli, repeats]`' : '`axes: [subjects, stimuli, stimuli]`'}`;
  }
  const subjectAxes = source.subjects ?? [];
  for (const axis of subjectAxes) {
    if (axis >= shape.length) return `subjects axis ${axis} is out of range for an array of shape (${shape.join(', ')}) with ${shape.length} axes`;
  }
  const subjects = subjectAxes.reduce((count, axis) => count * shape[axis]!, 1);
  // Drop subject axes, then leading singleton axes (a 1×4186 vector, a 1×8 struct stack).
  let rest = shape.filter((_, axis) => !subjectAxes.includes(axis));
  const minimumAxes = source.kind === 'repeats' ? 3 : source.kind === 'rdm' ? 1 : 2;
  while (rest.length > minimumAxes && rest[0] === 1) rest = rest.slice(1);
  const shapeText = `(${shape.join(', ')})`;
  switch (source.kind) {
    case 'rdm': {
      if (rest.length === 1) {
        const n = condensedToCount(rest[0]!);
        if (n === undefined) return `${rest[0]} entries is not the length of a condensed RDM (n(n−1)/2 for some n); shape ${shapeText}`;
        return { stimuli: n, subjects };
      }
      if (rest.length === 2 && rest[0] === rest[1]) return { stimuli: rest[0]!, subjects };
      return `an RDM must be square (n × n) or condensed (n(n−1)/2 entries), got shape ${shapeText}${subjectAxes.length ? ` with subjects on axis ${subjectAxes.join(', ')}` : ''}; extra leading axes need \`subjects\``;
    }
    case 'repeats':
      if (rest.length !== 3) return `responses with repeats must be stimuli × repeats × units (3 axes besides subjects), got shape ${shapeText}`;
      return { stimuli: rest[0]!, repeats: rest[1]!, units: rest[2]!, subjects };
    default: {
      if (rest.length < 2) return `a response matrix must be stimuli × units (2 axes besides subjects), got shape ${shapeText}`;
      const stimuli = source.transpose ? rest[rest.length - 1]! : rest[0]!;
      const units = rest.reduce((a, b) => a * b, 1) / stimuli;
      if (source.transpose && rest.length !== 2) return `\`transpose\` needs a 2-D matrix (units × stimuli), got shape ${shapeText}`;
      return { stimuli, units, subjects };
    }
  }
}

interface Located {
  representation: Representation;
  layout: SourceLayout;
  /** Position in the spec (layers, then regions), to report in spec order. */
  order: number;
  /** The stored shape (to name the axis that may hold the stimuli). */
  shape: readonly number[];
}

/** The warning on `transpose` (kept as an alias of `axes: [units, stimuli]`), with the `axes` to write instead. */
export function transposeDeprecation(source: DataSource): string {
  return `\`transpose\` is deprecated: write \`axes: [units, stimuli]\`${source.subjects ? ' (naming the subjects axes too, in place of `subjects`)' : ''} instead.`;
}

/**
 * The stimulus-count mismatch (`check` and the loader word it alike): how many stimuli were read and
 * from which axis, and — when another stored axis has the expected length — the `axes` to write.
 */
export function stimulusCountMismatch(layout: SourceLayout, shape: readonly number[], expected: number, source: DataSource): { counted: string; hint: string } {
  const counted = `${layout.stimuli} stimuli${layout.stimulusAxis ? ` on ${layout.stimulusAxis}` : ''}`;
  const candidate = shape.findIndex((length) => length === expected);
  if (candidate < 0 || source.kind === 'rdm' || source.subjects !== undefined || shape.length > 3) return { counted, hint: '' };
  const others = source.kind === 'repeats' ? ['units', 'repeats'] : ['units', 'units'];
  const names = shape.map((_, axis) => (axis === candidate ? 'stimuli' : others.shift()!));
  return { counted, hint: ` Axis ${candidate} of the stored shape (${shape.join(', ')}) has ${expected}: say which axis is which with \`axes\`, e.g. \`axes: [${names.join(', ')}]\`.` };
}

export async function checkSemantics(parsed: ParsedSpec, spec: Spec, io: DataIntrospector): Promise<Problem[]> {
  await loadNiftiReader(); // families' synchronous checks may read NIfTI headers (metric: searchlight)
  const problems: Problem[] = [];
  const error = (message: string, path: (string | number)[], code: string, part: 'key' | 'value' = 'value', extra: Partial<Problem> = {}) =>
    problems.push({ severity: 'error', message, range: rangeAt(parsed, path, part), code, path, ...extra });
  // One warning per message and place: a spec-level key inherited by several comparisons warns once.
  const warned = new Set<string>();
  const warning = (message: string, path: (string | number)[], code: string) => {
    const key = `${JSON.stringify(path)}\u0000${message}`;
    if (warned.has(key)) return;
    warned.add(key);
    problems.push({ severity: 'warning', message, range: rangeAt(parsed, path), code, path });
  };

  // 0. An `onnx:` network and its images (engine/spec/onnx.ts): its layers' layouts come from the graph.
  const onnxCheck = checkOnnx(spec, (message, path, code, severity) => (severity === 'warning' ? warning(message, path, code) : error(message, path, code)));

  // 1. Files, variables, shapes.
  const located: Located[] = [];
  const representations = [...spec.layers, ...spec.regions];
  // Many layers often share a file (10k+ layers of one spec): ask the file system once per path.
  const existence = new Map<string, boolean>();
  const exists = (path: string) => {
    let found = existence.get(path);
    if (found === undefined) existence.set(path, (found = existsSync(path)));
    return found;
  };
  await Promise.all(
    representations.map(async (representation, order) => {
      const { source } = representation;
      if (source.tensor !== undefined) {
        const shape = onnxCheck.shapes.get(representation.name);
        const layout = shape && layoutOf(source, shape);
        if (shape && layout && typeof layout !== 'string') located.push({ representation, layout, order, shape });
        return;
      }
      const filePath = [...source.specPath, 'file'];
      if (!READABLE.test(source.file)) {
        error(`\`${source.file}\` is not a readable data file: expected .npy, .npz, .mat, .h5/.hdf5, .csv/.tsv, .json or .nii/.nii.gz.`, filePath, 'data.format');
        return;
      }
      if (!exists(source.path)) {
        error(`File not found: \`${source.file}\` (resolved to ${source.path}).`, filePath, 'data.missing-file');
        return;
      }
      let description: VariableDescription;
      try {
        description = await io.describe(source.path, source.key);
      } catch (e) {
        if (!isSimspecError(e)) throw e;
        const onKey = source.key !== undefined && /not found|no variable|missing|unknown|available/i.test(e.message);
        let suggestions: string[] = [];
        if (onKey) {
          const names = await io.variableNames(source.path).catch(() => [] as string[]);
          suggestions = didYouMean(source.key!, names);
        }
        // Name the file as the spec does, not by its absolute path.
        const message = e.message.split(source.path).join(source.file);
        error(message, onKey ? [...source.specPath, 'key'] : filePath, onKey ? 'data.missing-key' : 'data.unreadable', 'value', { suggestions });
        return;
      }
      const layout = layoutOf(source, description.shape);
      if (typeof layout === 'string') {
        const onKey = source.axes ? (source.subjects !== undefined && /subjects/.test(layout) ? 'subjects' : source.transpose && /transpose/.test(layout) ? 'transpose' : 'axes') : source.transpose && /`transpose`/.test(layout) ? 'transpose' : source.subjects && /subjects axis/.test(layout) ? 'subjects' : 'kind';
        error(`${source.file}${source.key ? ` \`${source.key}\`` : ''}: ${layout}.`, source.specPath.concat([onKey]), 'data.shape');
        return;
      }
      if (layout.time !== undefined) {
        // A time axis is read by time-resolved families only: refused when a comparison of another family uses the source.
        const usedElsewhere = spec.comparisons.some((c) => !familyFor(c.metric)?.timeResolved && (representation.role === 'model' ? c.layers : c.regions).includes(representation.name));
        const refusal = usedElsewhere ? timeRefusal(source, description.shape) : undefined;
        if (refusal) {
          error(`${source.file}${source.key ? ` \`${source.key}\`` : ''}: ${refusal}.`, source.specPath.concat(['axes']), 'data.shape');
          return;
        }
        if (source.units) {
          error(`\`units\` cannot select units of a source with a \`time\` axis: select the sensors in the file.`, [...source.specPath, 'units'], 'spec.units');
          return;
        }
      }
      // The run's own refusals, in its words (engine/run/load.ts), so that `check` reports them first.
      const refusal = (found: ValueProblem) => new SimspecError(found.problem, { ...sourceOrigin(source), expected: found.expected }).message;
      const tooSmall = sizeProblem(layout, description.shape);
      if (tooSmall) {
        error(refusal(tooSmall), filePath, tooSmall.code);
        return;
      }
      if (io.checkValues) {
        let values: ValueCheck;
        try {
          values = await io.checkValues(source.path, source.key, source.kind);
        } catch (e) {
          if (!isSimspecError(e)) throw e;
          error(e.message.split(source.path).join(source.file), filePath, 'data.unreadable');
          return;
        }
        if (values.problem) {
          error(refusal(values.problem), filePath, values.problem.code);
          return;
        }
        if (values.skipped) problems.push({ severity: 'information', message: `Values of ${source.file} not checked here: ${values.skipped}.`, range: rangeAt(parsed, filePath), code: 'data.values-unchecked', path: filePath });
      }
      if (source.units) {
        const unitProblem = unitSelectionProblem(source.units, { kind: source.kind, ...layout });
        if (unitProblem) {
          const written = valueAt(parsed.value, [...source.specPath, 'units']);
          const at = Array.isArray(written) && unitProblem.at[0] === 'indices' ? unitProblem.at.slice(1) : unitProblem.at;
          error(unitProblem.message, [...source.specPath, 'units', ...at], 'spec.units');
          return;
        }
      }
      if (source.transpose) warning(transposeDeprecation(source), [...source.specPath, 'transpose'], 'spec.transpose-deprecated');
      located.push({ representation, layout, order, shape: description.shape });
    }),
  );

  // 1b. `model.activations`: the file exists and its variables are the layer names.
  let activationNames: string[] | undefined;
  if (spec.activations) {
    const filePath = ['model', 'activations', 'file'];
    if (!READABLE.test(spec.activations.file)) error(`\`${spec.activations.file}\` is not a readable data file: expected .npz, .mat or .h5/.hdf5 with one variable per layer.`, filePath, 'data.format');
    else if (!existsSync(spec.activations.path)) error(`File not found: \`${spec.activations.file}\` (resolved to ${spec.activations.path}).`, filePath, 'data.missing-file');
    else {
      try {
        activationNames = (await io.variableNames(spec.activations.path)).map((name) => name.replace(/\.npy$/, ''));
        if (activationNames.length === 0) error(`\`${spec.activations.file}\` holds no numeric variable: expected one variable per layer.`, filePath, 'data.no-layers');
      } catch (e) {
        if (!isSimspecError(e)) throw e;
        error(e.message.split(spec.activations.path).join(spec.activations.file), filePath, 'data.unreadable');
      }
    }
  }

  // 2. Every representation has the same number of stimuli (the declared count, or the first one found).
  // By stored position: an indexOf per comparison made this quadratic (100k layers: 10 s of 40).
  located.sort((a, b) => a.order - b.order);
  const reference = spec.stimulusCount !== undefined ? undefined : located[0];
  const expected = spec.stimulusCount ?? reference?.layout.stimuli;
  if (expected !== undefined) {
    for (const item of located) {
      if (item.layout.stimuli === expected) continue;
      const { source, name, role } = item.representation;
      const otherPath = spec.stimulusCount !== undefined ? ['stimuli', 'count'] : [...reference!.representation.source.specPath, 'file'];
      const otherText = spec.stimulusCount !== undefined ? '`stimuli.count`' : `${reference!.representation.role} ${reference!.representation.name}`;
      const { counted, hint } = stimulusCountMismatch(item.layout, item.shape, expected, source);
      error(`${role === 'model' ? 'Layer' : 'Region'} \`${name}\` has ${counted} but ${otherText} has ${expected}: every matrix must have the same stimuli, in the same order.${hint}`, [...source.specPath, source.axes ? 'axes' : 'file'], 'data.stimulus-count', 'value', {
        related: [{ message: `${otherText} has ${expected} stimuli`, range: rangeAt(parsed, otherPath) }],
      });
    }
  }

  // 3. Label table.
  let labelColumns: string[] | undefined;
  if (spec.labels) {
    const labelsPath = typeof (parsed.value as { stimuli?: { labels?: unknown } })?.stimuli?.labels === 'string' ? ['stimuli', 'labels'] : ['stimuli', 'labels', 'file'];
    if (!existsSync(spec.labels.path)) error(`File not found: \`${spec.labels.file}\` (resolved to ${spec.labels.path}).`, labelsPath, 'data.missing-file');
    else if (expected !== undefined) {
      try {
        const rows = await io.tableRowCount(spec.labels.path, spec.labels.header);
        labelColumns = await io.tableColumns?.(spec.labels.path, spec.labels.header);
        if (rows !== expected) error(`The label file has ${rows} rows but there are ${expected} stimuli: expected one row per stimulus.`, labelsPath, 'data.label-rows');
      } catch (e) {
        if (!isSimspecError(e)) throw e;
        error(e.message, labelsPath, 'data.unreadable');
      }
    }
  }

  if (spec.labels && labelColumns === undefined && existsSync(spec.labels.path) && io.tableColumns) {
    labelColumns = await io.tableColumns(spec.labels.path, spec.labels.header).catch(() => undefined);
  }

  let labelTable: StimulusTable | undefined;
  if (spec.labels && labelColumns !== undefined && io.labelTable) labelTable = await io.labelTable(spec.labels.path, spec.labels.header).catch(() => undefined);

  // 3b. `stimuli.select` (engine/spec/selection.ts): the folds, strata and families' checks see the selected stimuli.
  let selectedCount = expected;
  if (spec.select && expected !== undefined) {
    const canFilter = spec.select.indices !== undefined || !spec.labels || labelTable !== undefined;
    const chosen = canFilter ? selectedStimuli(spec.select, expected, labelTable) : undefined;
    if (Array.isArray(chosen)) {
      selectedCount = chosen.length;
      if (labelTable) labelTable = selectTableRows(labelTable, chosen);
    } else if (chosen) {
      error(chosen.message, ['stimuli', 'select', ...chosen.at], 'spec.select', chosen.at.length && typeof chosen.at[0] === 'string' ? 'key' : 'value', chosen.suggestions ? { suggestions: chosen.suggestions } : {});
    }
  }

  // 4. Comparisons.
  // Each layout as the comparisons see it: after `stimuli.select`, and after explicit `units` indices.
  const selectedLayout = (l: Located): SourceLayout => {
    const indices = l.representation.source.units?.indices;
    return { ...l.layout, ...(selectedCount !== undefined && l.layout.stimuli === expected ? { stimuli: selectedCount } : {}), ...(indices ? { units: indices.length } : {}) };
  };
  const layoutByName = new Map(located.map((l) => [`${l.representation.role}:${l.representation.name}`, selectedLayout(l)]));
  // Name lookups by set, built once: a comparison listing every one of 100k layers stays linear.
  const layerNames = spec.activations ? activationNames : spec.layers.map((r) => r.name);
  const regionNames = spec.regions.map((r) => r.name);
  const layerNameSet = layerNames && new Set(layerNames);
  const regionNameSet = new Set(regionNames);
  const kinds = new Map([...spec.layers, ...spec.regions].map((r) => [`${r.role}:${r.name}`, r.source.kind]));
  const names = new Set<string>();
  spec.comparisons.forEach((comparison) => {
    const at = ['comparisons', comparison.index];
    if (names.has(comparison.name)) error(`Another comparison is already named \`${comparison.name}\`: names must be unique.`, [...at, 'name'], 'spec.duplicate-name');
    names.add(comparison.name);
    const raw = (parsed.value as { comparisons: Record<string, unknown>[] }).comparisons[comparison.index]!;
    for (const listKey of ['layers', 'regions'] as const) {
      if (!Array.isArray(raw[listKey])) continue;
      const names = listKey === 'layers' ? layerNames : regionNames;
      const known = listKey === 'layers' ? layerNameSet : regionNameSet;
      (raw[listKey] as unknown[]).forEach((name, i) => {
        if (names === undefined || known!.has(String(name))) return;
        const suggestions = didYouMean(String(name), names);
        error(`No ${listKey === 'layers' ? 'model layer' : 'brain region'} is named \`${String(name)}\`.${suggestions.length ? ` Did you mean \`${suggestions[0]}\`?` : ''}`, [...at, listKey, i], 'spec.unknown-name', 'value', { suggestions });
      });
    }
    const pairs = comparison.layers.flatMap((layer) => comparison.regions.map((region) => [layoutByName.get(`model:${layer}`), layoutByName.get(`brain:${region}`)] as const));
    const knownPairs = comparison.layers.flatMap((layer) => comparison.regions.flatMap((region) => {
      const model = layoutByName.get(`model:${layer}`);
      const brain = layoutByName.get(`brain:${region}`);
      return model && brain ? [{ model: { ...model, kind: kinds.get(`model:${layer}`) ?? 'responses' }, brain: { ...brain, kind: kinds.get(`brain:${region}`)! } }] : [];
    }));
    if (comparison.metric !== 'rsa' && comparison.metric !== 'rsa-time') {
      const inComparison = new Set([...comparison.layers.map((name) => `model:${name}`), ...comparison.regions.map((name) => `brain:${name}`)]);
      // A searchlight compares sphere RDMs with layer RDMs: its layers may be RDMs (its check refuses RDM regions).
      for (const rep of [...spec.layers, ...spec.regions].filter((r) => inComparison.has(`${r.role}:${r.name}`) && !(comparison.metric === 'searchlight' && r.role === 'model'))) {
        if (rep.source.kind === 'rdm') error(`\`${comparison.metric}\` needs response matrices, but ${rep.role === 'model' ? 'layer' : 'region'} \`${rep.name}\` is given as an RDM (kind: rdm).`, [...at, 'metric'], 'spec.needs-responses', 'value', { related: [{ message: `${rep.name} is an RDM`, range: rangeAt(parsed, [...rep.source.specPath, 'kind']) }] });
      }
    }
    const cv = comparison.params.cv as { scheme?: string; folds?: number } | undefined;
    if (cv && selectedCount !== undefined && typeof cv.folds === 'number' && cv.folds > selectedCount) {
      error(`${cv.folds} folds cannot be made from ${selectedCount} stimuli.`, [...at, 'cv', 'folds'], 'spec.cv-folds');
    }
    if (cv && (cv.scheme === 'group-kfold' || (comparison.params.cv as { stratify?: string }).stratify) && !spec.labels) {
      error('This cross-validation scheme reads a label column, but `stimuli.labels` is not set.', [...at, 'cv'], 'spec.cv-labels', 'key');
    }
    if (cv && cv.scheme === 'group-kfold' && typeof (cv as { group?: unknown }).group !== 'string') {
      error('`scheme: group-kfold` keeps stimuli that share a value of a label column in one fold, but names no column: add `group: <column of stimuli.labels>`.', [...at, 'cv'], 'spec.cv-group', 'key');
    }
    for (const key of ['stratify', 'group'] as const) {
      const column = (cv as Record<string, unknown> | undefined)?.[key];
      if (typeof column !== 'string' || !labelColumns || labelColumns.includes(column)) continue;
      const suggestions = didYouMean(column, labelColumns);
      error(`The label file has no column \`${column}\`${suggestions.length ? `; did you mean \`${suggestions[0]}\`?` : ''} Columns: ${labelColumns.map((c) => `\`${c}\``).join(', ')}.`, [...at, 'cv', key], 'spec.label-column', 'value', { suggestions });
    }
    const statisticsPath = (raw.statistics as { bootstrap?: unknown } | undefined)?.bootstrap === undefined ? ['statistics'] : [...at, 'statistics'];
    checkFamilyParameters(comparison, raw, knownPairs, { stimuli: selectedCount, statisticsPath, labelColumns, labelTable, hasLabels: spec.labels !== undefined, baseDir: spec.baseDir }, (message, key, code, extra) => {
      const path = key[0] === '/' ? key.slice(1) : [...at, ...key];
      const problem: Partial<Problem> = extra?.suggestions ? { suggestions: extra.suggestions } : {};
      if (extra?.severity === 'warning') warning(message, path, code);
      else error(message, path, code, extra?.part ?? 'value', problem);
    });
    warnUnsupportedStatistics(comparison, raw, parsed.value, spec.regions.filter((r) => comparison.regions.includes(r.name)).map((r) => ({ name: r.name, layout: layoutByName.get(`brain:${r.name}`) })), warning);
    const stats = comparison.statistics;
    const hasSubjects = pairs.some(([, brain]) => (brain?.subjects ?? 1) > 1);
    if (stats.bootstrap?.over.includes('subjects') && pairs.length > 0 && !hasSubjects) {
      warning('Bootstrap over subjects needs brain data with a `subjects` axis; only stimuli will be resampled.', comparison.statistics === spec.statistics ? ['statistics', 'bootstrap'] : [...at, 'statistics', 'bootstrap'], 'spec.bootstrap-subjects');
    }
    if (comparison.metric === 'rsa' && comparison.params.square === true && pairs.length > 0 && !hasSubjects) {
      warning('`square: true` averages squared scores over subjects, but no region of this comparison has a `subjects` axis.', [...at, 'square'], 'spec.square-subjects');
    }
  });
  return problems;
}

/**
 * Requested statistics the comparison's family does not compute, and a leave-one-subject-out ceiling
 * on a region without subjects (engine/spec/statisticsSupport.ts): warnings, on the key that asked.
 * A ceiling counts as asked only when `noise_ceiling` is written (it is on by default).
 */
function warnUnsupportedStatistics(
  comparison: Spec['comparisons'][number],
  raw: Record<string, unknown>,
  root: unknown,
  regions: { name: string; layout: SourceLayout | undefined }[],
  warning: (message: string, path: (string | number)[], code: string) => void,
): void {
  const at = ['comparisons', comparison.index];
  const own = (raw.statistics ?? {}) as Record<string, unknown>;
  const shared = (valueAt(root, ['statistics']) ?? {}) as Record<string, unknown>;
  const pathOf = (key: string) => (own[key] !== undefined ? [...at, 'statistics', key] : ['statistics', key]);
  const stats = comparison.statistics;
  const cvNote = comparison.params.cv !== undefined && (stats.bootstrap || stats.permutation) ? resamplingWithCvMessage(comparison.metric) : undefined;
  if (cvNote) warning(cvNote, pathOf(stats.bootstrap ? 'bootstrap' : 'permutation'), 'spec.statistic-unsupported');
  if (stats.bootstrap) {
    const message = unsupportedStatisticMessage(comparison.metric, 'bootstrap');
    if (message) warning(message, pathOf('bootstrap'), 'spec.statistic-unsupported');
  }
  if (stats.permutation) {
    const message = unsupportedStatisticMessage(comparison.metric, 'permutation');
    if (message) warning(message, pathOf('permutation'), 'spec.statistic-unsupported');
  }
  const written = own.noise_ceiling !== undefined ? own.noise_ceiling : shared.noise_ceiling;
  if (!stats.noiseCeiling || (written !== true && written !== 'leave-one-subject-out')) return;
  const message = unsupportedStatisticMessage(comparison.metric, 'noise_ceiling');
  if (message) {
    warning(message, pathOf('noise_ceiling'), 'spec.statistic-unsupported');
    return;
  }
  for (const { name, layout } of regions) {
    if (layout && layout.subjects < 2) warning(singleSubjectCeilingMessage(name, layout.subjects), pathOf('noise_ceiling'), 'spec.ceiling-one-subject');
  }
}

/**
 * The family's own checks (engine/families/<id>.ts `check`): every parameter rule the engine would
 * refuse at run time that the data's layout reveals. A value the family's `parse` refuses is
 * reported on its key.
 */
function checkFamilyParameters(
  comparison: Spec['comparisons'][number],
  raw: Record<string, unknown>,
  pairs: { model: LayoutInfo; brain: LayoutInfo }[],
  known: { stimuli: number | undefined; statisticsPath: (string | number)[]; labelColumns: string[] | undefined; labelTable: StimulusTable | undefined; hasLabels: boolean; baseDir: string },
  report: CheckReport,
): void {
  const family = familyFor(comparison.metric);
  if (!family) return;
  let params: unknown;
  try {
    params = family.parse(comparison.params, comparison);
  } catch (e) {
    if (!isSimspecError(e)) throw e;
    const key = (e.variable ?? '').replace(/^comparisons\[\d+\]\./, '').split('.').filter(Boolean);
    report(e.message, key.length ? key : ['metric'], e.code ?? 'spec.value');
    return;
  }
  family.check(params, {
    pairs,
    ...(known.stimuli !== undefined ? { stimuli: known.stimuli } : {}),
    statistics: comparison.statistics,
    statisticsPath: known.statisticsPath,
    ...(known.labelColumns ? { labelColumns: known.labelColumns } : {}),
    hasLabels: known.hasLabels,
    ...(known.labelTable ? { labels: known.labelTable } : {}),
    baseDir: known.baseDir,
    rawKeys: Object.keys(raw),
  }, report);
}
