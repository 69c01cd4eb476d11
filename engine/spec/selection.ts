/**
 * `stimuli.select` and a source's `units`: which stimuli and units a run uses. Resolved here, in the
 * spec layer, so that `simspec check` and the run (engine/run/select.ts applies them) refuse the
 * same selections in the same words. Pure: the label table and the data's layout come in as values.
 *
 * Stimuli: a list of 0-based indices (kept in the order written), or label-column filters
 * (`{ category: animal }`, `{ category: [animal, face] }`, `{ test: true }`), every column matching;
 * rows are then kept in stimulus order. Boolean values match the usual spellings of a boolean
 * column (true/1/yes, false/0/no, any case), so a column written by pandas or R both work.
 */
import type { StimulusTable } from '../families/types';
import { didYouMean } from './suggest';
import type { StimulusSelection, UnitSelection } from './types';

export interface SelectionProblem {
  message: string;
  /** Path below `stimuli.select` (or the source's `units`) of the value at fault. */
  at: (string | number)[];
  suggestions?: string[];
}

const TRUE_SPELLINGS = new Set(['true', '1', 'yes', 't', 'y']);
const FALSE_SPELLINGS = new Set(['false', '0', 'no', 'f', 'n']);

function cellMatches(cell: string, accepted: string): boolean {
  const text = cell.trim();
  if (text === accepted) return true;
  const lower = accepted.toLowerCase();
  if (lower === 'true') return TRUE_SPELLINGS.has(text.toLowerCase());
  if (lower === 'false') return FALSE_SPELLINGS.has(text.toLowerCase());
  // A number written in the spec (`block: 2`) matches `2.0` in the file.
  const a = Number(text);
  const b = Number(accepted);
  return text !== '' && accepted !== '' && Number.isFinite(a) && Number.isFinite(b) && a === b;
}

/** The stimulus indices `stimuli.select` keeps (of `count` stored stimuli), or the problem. */
export function selectedStimuli(select: StimulusSelection, count: number, table: StimulusTable | undefined): number[] | SelectionProblem {
  let kept: number[];
  if (select.indices) {
    const outside = select.indices.findIndex((index) => index >= count);
    if (outside >= 0) return { message: `\`stimuli.select\` index ${select.indices[outside]} is out of range: there are ${count} stimuli (0 to ${count - 1}).`, at: [outside] };
    kept = select.indices.slice();
  } else {
    const where = select.where ?? {};
    if (!table) return { message: '`stimuli.select` filters on label columns, but `stimuli.labels` is not set.', at: [] };
    const columns = Object.keys(where).map((column) => {
      const index = table.columns.indexOf(column);
      return { column, index, accepted: where[column]! };
    });
    const missing = columns.find((c) => c.index < 0);
    if (missing) {
      const suggestions = didYouMean(missing.column, table.columns);
      return { message: `The label file has no column \`${missing.column}\`${suggestions.length ? `; did you mean \`${suggestions[0]}\`?` : '.'} Columns: ${table.columns.map((c) => `\`${c}\``).join(', ')}.`, at: [missing.column], suggestions };
    }
    kept = [];
    for (let row = 0; row < Math.min(count, table.rows.length); row++) {
      if (columns.every(({ index, accepted }) => accepted.some((value) => cellMatches(table.rows[row]![index] ?? '', value)))) kept.push(row);
    }
  }
  if (kept.length < 2) {
    const filters = Object.entries(select.where ?? {}).map(([column, values]) => `${column} = ${values.join(' or ')}`).join(', ');
    const found = kept.length === 0 ? 'no stimulus' : 'only 1 stimulus';
    return { message: `\`stimuli.select\` ${select.indices ? `lists ${found.replace('only ', '')}` : `matches ${found} (${filters})`}: at least 2 stimuli are needed.`, at: [] };
  }
  return kept;
}

/** The rows of the label table a selection keeps (folds, strata and groups then see only those). */
export function selectTableRows(table: StimulusTable, indices: readonly number[]): StimulusTable {
  return { columns: table.columns, rows: indices.map((index) => table.rows[index]!) };
}

/** A source's `units` against its layout: indices in range, reliability only with repeats. */
export function unitSelectionProblem(units: UnitSelection, layout: { kind: string; units?: number; repeats?: number }): SelectionProblem | undefined {
  if (layout.kind === 'rdm') return { message: '`units` selects columns of a response matrix, but this source is an RDM (kind: rdm).', at: [] };
  const indices = units.indices;
  if (indices && layout.units !== undefined) {
    const outside = indices.findIndex((index) => index >= layout.units!);
    if (outside >= 0) return { message: `Unit index ${indices[outside]} is out of range: this source has ${layout.units} units (0 to ${layout.units - 1}).`, at: ['indices', outside] };
  }
  if (units.reliability) {
    if (layout.kind !== 'repeats') return { message: 'Selecting units by split-half reliability needs repeats (`kind: repeats`, or a `repeats` axis in `axes`).', at: ['reliability'] };
    if (layout.repeats !== undefined && layout.repeats < 2) return { message: `Split-half reliability needs at least 2 repeats per stimulus; this source has ${layout.repeats}.`, at: ['reliability'] };
  }
  return undefined;
}
