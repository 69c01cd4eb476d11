/** What introspection reports about one variable of a data file (no data converted). */
export type VariableKind = 'numeric' | 'struct' | 'cell' | 'string' | 'table';

export interface VariableInfo {
  /** Selector that reads it: npz key, mat variable, HDF5 path ('/group/ds'), JSON key, or a field name inside `fields`. */
  name: string;
  kind: VariableKind;
  /** Shape as the file states it (MATLAB shapes keep their ≥2 dimensions, as scipy.io.loadmat shows them). */
  shape: number[];
  /** numpy-style dtype for numeric variables ('float64', 'uint8', 'bool', ...); 'char' for strings. */
  dtype?: string;
  /** Struct fields (as found in the first element of a struct array); HDF5 group members. */
  fields?: VariableInfo[];
  /** Set when the variable exists but cannot be read as numbers (sparse, complex, object, ...). */
  unsupported?: string;
}
