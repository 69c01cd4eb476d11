/** Input checks shared by the metrics that compare two paired matrices (CKA, CCA, soft matching): one message style for every user-caused failure. */
import type { Matrix } from '../../core/matrix';
import { SimspecError } from '../../core/errors';

export function checkPairedRows(x: Matrix, y: Matrix, minimumRows = 2, labels = { x: 'X', y: 'Y' }): void {
  if (x.rows !== y.rows) {
    throw new SimspecError(`${labels.x} has ${x.rows} rows but ${labels.y} has ${y.rows}`, {
      variable: labels.y,
      expected: `${x.rows} rows (one per stimulus, in the same order)`,
      code: 'data.rows',
    });
  }
  if (x.rows < minimumRows) {
    throw new SimspecError(`only ${x.rows} stimuli`, { variable: labels.x, expected: `at least ${minimumRows} stimuli`, code: 'data.rows' });
  }
  for (const [m, label] of [[x, labels.x], [y, labels.y]] as const) {
    for (let k = 0; k < m.data.length; k++) {
      if (!Number.isFinite(m.data[k]!)) {
        throw new SimspecError(`non-finite value at row ${Math.floor(k / m.cols)}, column ${k % m.cols}`, {
          variable: label,
          expected: 'finite numbers',
          code: 'data.nonfinite',
        });
      }
    }
  }
}
