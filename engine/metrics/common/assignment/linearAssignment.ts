/**
 * Exact linear assignment (rectangular), by the shortest augmenting path method of Jonker &
 * Volgenant (1987) in the rectangular form of Crouse (2016) — the algorithm behind scipy's
 * `linear_sum_assignment`, which netrep's PermutationMetric calls.
 *
 *   minimise Σ_i cost[i, π(i)] over injective π: rows → columns   (rows ≤ cols; else transposed)
 *
 * Exact (no ε-scaling, no iteration cap); O(r²·c) time, O(r + c) extra memory. `maximize` negates
 * the costs, so the optimum is the same assignment scipy returns up to ties (ties may be broken
 * differently; the optimal total is identical).
 */
import type { Matrix } from '../../../core/matrix';
import { SimspecError } from '../../../core/errors';

export interface AssignmentResult {
  /** rowToColumn[i] = column assigned to row i (length = rows of the cost matrix). */
  rowToColumn: Int32Array;
  /** columnToRow[j] = row assigned to column j, or −1 when the column is left unassigned. */
  columnToRow: Int32Array;
  /** Σ cost[i, rowToColumn[i]] in the caller's sign (the maximum when maximize is set). */
  total: number;
}

export function solveLinearAssignment(cost: Matrix, options: { maximize?: boolean } = {}): AssignmentResult {
  const maximize = options.maximize ?? false;
  for (let k = 0; k < cost.data.length; k++) {
    if (!Number.isFinite(cost.data[k]!)) {
      throw new SimspecError('the assignment cost matrix has a non-finite entry', {
        variable: 'cost',
        expected: 'finite numbers',
        code: 'data.nonfinite',
      });
    }
  }
  const transposed = cost.rows > cost.cols;
  const nr = transposed ? cost.cols : cost.rows;
  const nc = transposed ? cost.rows : cost.cols;
  const sign = maximize ? -1 : 1;
  // Working copy laid out rows × cols with rows ≤ cols.
  const c = new Float64Array(nr * nc);
  for (let i = 0; i < cost.rows; i++) {
    for (let j = 0; j < cost.cols; j++) {
      const value = sign * cost.data[i * cost.cols + j]!;
      if (transposed) c[j * nc + i] = value;
      else c[i * nc + j] = value;
    }
  }
  const { col4row, row4col } = shortestAugmentingPath(c, nr, nc);

  const rowToColumn = new Int32Array(cost.rows);
  const columnToRow = new Int32Array(cost.cols).fill(-1);
  if (!transposed) {
    rowToColumn.set(col4row);
    for (let j = 0; j < nc; j++) columnToRow[j] = row4col[j]!;
  } else {
    rowToColumn.fill(-1);
    for (let i = 0; i < nr; i++) {
      columnToRow[i] = col4row[i]!;
      rowToColumn[col4row[i]!] = i;
    }
  }
  let total = 0;
  for (let i = 0; i < cost.rows; i++) {
    const j = rowToColumn[i]!;
    if (j >= 0) total += cost.data[i * cost.cols + j]!;
  }
  return { rowToColumn, columnToRow, total };
}

function shortestAugmentingPath(cost: Float64Array, nr: number, nc: number): { col4row: Int32Array; row4col: Int32Array } {
  const u = new Float64Array(nr);
  const v = new Float64Array(nc);
  const shortest = new Float64Array(nc);
  const path = new Int32Array(nc).fill(-1);
  const col4row = new Int32Array(nr).fill(-1);
  const row4col = new Int32Array(nc).fill(-1);
  const rowVisited = new Uint8Array(nr);
  const colVisited = new Uint8Array(nc);
  const remaining = new Int32Array(nc);

  for (let currentRow = 0; currentRow < nr; currentRow++) {
    // Dijkstra-like search for the cheapest augmenting path from currentRow (reduced costs ≥ 0).
    let minValue = 0;
    let numRemaining = nc;
    for (let it = 0; it < nc; it++) remaining[it] = nc - it - 1;
    rowVisited.fill(0);
    colVisited.fill(0);
    shortest.fill(Infinity);
    let sink = -1;
    let i = currentRow;
    while (sink === -1) {
      let index = -1;
      let lowest = Infinity;
      rowVisited[i] = 1;
      const base = i * nc;
      for (let it = 0; it < numRemaining; it++) {
        const j = remaining[it]!;
        const reduced = minValue + cost[base + j]! - u[i]! - v[j]!;
        if (reduced < shortest[j]!) {
          path[j] = i;
          shortest[j] = reduced;
        }
        // Prefer an unassigned column on ties: it ends the search sooner.
        if (shortest[j]! < lowest || (shortest[j]! === lowest && row4col[j] === -1)) {
          lowest = shortest[j]!;
          index = it;
        }
      }
      minValue = lowest;
      if (minValue === Infinity || index < 0) {
        throw new SimspecError('the assignment problem is infeasible', { code: 'assignment.infeasible' });
      }
      const j = remaining[index]!;
      if (row4col[j] === -1) sink = j;
      else i = row4col[j]!;
      colVisited[j] = 1;
      numRemaining--;
      remaining[index] = remaining[numRemaining]!;
    }
    // Update the dual variables.
    u[currentRow] = u[currentRow]! + minValue;
    for (let r = 0; r < nr; r++) {
      if (rowVisited[r] && r !== currentRow) u[r] = u[r]! + minValue - shortest[col4row[r]!]!;
    }
    for (let j = 0; j < nc; j++) {
      if (colVisited[j]) v[j] = v[j]! - (minValue - shortest[j]!);
    }
    // Augment along the path back to currentRow.
    let j = sink;
    for (;;) {
      const r = path[j]!;
      row4col[j] = r;
      const previous = col4row[r]!;
      col4row[r] = j;
      j = previous;
      if (r === currentRow) break;
    }
  }
  return { col4row, row4col };
}
