/**
 * The results file: one JSON document (schemas/results.schema.json) that the CLI writes, the panel
 * reads, and anyone can archive. Written atomically — a temporary file in the same folder, then a
 * rename — so a failed or cancelled run never leaves a half-written file or clobbers an earlier one —
 * and only where `checkResultsPath` allows: never over the spec, an input, a non-results file or
 * anything that is not a regular file, and outside the spec's folder only when asked with `--out`.
 */
import { createHash } from 'node:crypto';
import { closeSync, constants, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, readSync, realpathSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync, type Stats } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { SimspecError } from '../core/errors';
import type { Spec } from '../spec';
import type { Results } from './resultsFormat';

export const ENGINE_VERSION = '0.1.0';

// The type lives in a module without Node imports, so that the panel (a browser bundle) can import it.
export type { Results } from './resultsFormat';

export function sha256(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

/** JSON with non-finite numbers as null (JSON has no NaN) and typed arrays as lists. */
export function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, v) => {
      if (typeof v === 'number' && !Number.isFinite(v)) return null;
      if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
      return v;
    },
    1,
  );
}

/**
 * What `checkResultsPath` needs to know about the run: the spec (never overwritten, and its folder
 * bounds where a spec alone may write), every input file the run reads (never overwritten), and
 * whether the path was given on the command line (`--out`, or the editor's setting) rather than by
 * the spec's `output:` key.
 */
export interface OutputGuard {
  specFile: string;
  inputs: readonly string[];
  /** True when the user passed the path explicitly (`--out`); a spec's own `output:` is not. */
  explicit: boolean;
}

/** Every file a run of `spec` may read (data, activations, labels, noise and fold files), absolute. */
export function runInputFiles(spec: Spec): string[] {
  const files = [...spec.layers, ...spec.regions].map((rep) => rep.source.path);
  if (spec.activations) files.push(spec.activations.path);
  if (spec.labels) files.push(spec.labels.path);
  for (const comparison of spec.comparisons) {
    for (const param of ['noise', 'cv']) {
      const file = (comparison.params[param] as { file?: unknown } | undefined)?.file;
      if (typeof file === 'string') files.push(resolve(spec.baseDir, file));
    }
  }
  return files;
}

/** Our temporary results files: `.<name>.<pid>.<milliseconds>.tmp` beside the results file. */
const TEMPORARY = /^\.(.+)\.(\d+)\.(\d+)\.tmp$/;
const STALE_TEMPORARY_MILLISECONDS = 60 * 60 * 1000;
/** How much of an existing file is read to recognise a results file: the marker is on its second line. */
const MARKER_PREFIX_BYTES = 4096;
const RESULTS_MARKER = /^\s*\{\s*"format"\s*:\s*"simspec-results"/;
/** Pseudo file systems: writing (or even mkdir) there can hang or touch devices. */
const SYSTEM_ROOTS = ['/proc', '/sys', '/dev'];

function refuse(path: string, problem: string, expected: string): SimspecError {
  return new SimspecError(`will not write the results here: ${problem}`, { file: path, expected, code: 'output.refused' });
}

export function isUnderSystemFolder(path: string): boolean {
  return SYSTEM_ROOTS.some((root) => path === root || path.startsWith(root + sep));
}

function isInside(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** The real path of `path`, or of its nearest existing ancestor joined with the missing rest. */
function realPathOfNearest(path: string): string {
  let existing = path;
  const missing: string[] = [];
  for (;;) {
    try {
      return join(realpathSync(existing), ...missing);
    } catch {
      const parent = dirname(existing);
      if (parent === existing) return path;
      missing.unshift(basename(existing));
      existing = parent;
    }
  }
}

function sameFile(a: Stats, b: Stats): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

/**
 * Throws SimspecError (code `output.refused`) unless the results may be written at `path`:
 *  - not under /proc, /sys or /dev (checked before anything is created);
 *  - a spec alone writes only inside its own folder (real paths, so a symlinked folder cannot
 *    lead outside); a path elsewhere needs `--out`, and there its folder must already exist;
 *  - an existing file there must be a regular file (a symlink is followed to one) that is neither
 *    the spec nor an input of the run, and that starts with the results marker
 *    `{"format": "simspec-results"` (only its first 4 KiB are read).
 */
export function checkResultsPath(path: string, guard: OutputGuard): void {
  if (path.trim() === '') throw refuse('(empty)', 'the output path is empty', 'a file name such as results.json');
  const absolute = resolve(path);
  const real = realPathOfNearest(absolute);
  if (isUnderSystemFolder(absolute) || isUnderSystemFolder(real)) throw refuse(absolute, 'the path is under /proc, /sys or /dev', 'a path in an ordinary folder');
  const specFolder = dirname(resolve(guard.specFile));
  const insideSpecFolder = isInside(specFolder, absolute) && isInside(realPathOfNearest(specFolder), real);
  if (!insideSpecFolder && !guard.explicit) {
    throw refuse(absolute, `the spec's output: points outside the spec's folder ${specFolder}`, 'a path inside the spec\'s folder, or the path given on the command line with --out');
  }
  if (!insideSpecFolder) {
    let folder: Stats | undefined;
    try {
      folder = statSync(dirname(absolute));
    } catch {
      // reported below
    }
    if (!folder?.isDirectory()) throw refuse(absolute, `the folder ${dirname(absolute)} does not exist (folders are created only inside the spec's folder)`, 'an existing folder; create it first');
  }
  let target: Stats;
  try {
    target = statSync(absolute);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      try {
        if (lstatSync(absolute).isSymbolicLink()) throw refuse(absolute, 'it is a symbolic link to a missing file', 'a regular file or a new path');
      } catch (inner) {
        if (inner instanceof SimspecError) throw inner;
      }
      return; // a new file
    }
    if (code === 'ENOTDIR') throw refuse(absolute, 'a part of the path is a file, not a folder', 'a path whose folders are folders');
    throw refuse(absolute, `it cannot be examined (${code ?? (error as Error).message})`, 'a readable folder');
  }
  if (!target.isFile()) {
    const what = target.isDirectory() ? 'a folder' : target.isFIFO() ? 'a named pipe' : target.isCharacterDevice() || target.isBlockDevice() ? 'a device' : target.isSocket() ? 'a socket' : 'not a regular file';
    throw refuse(absolute, `it is ${what}`, 'a regular file or a new path');
  }
  for (const [role, file] of [['the spec', guard.specFile], ...guard.inputs.map((f) => ['an input of this run', f])] as const) {
    let other: Stats;
    try {
      other = statSync(file);
    } catch {
      continue;
    }
    if (sameFile(target, other)) throw refuse(absolute, `it is ${role} (${file})`, 'a path that is not the spec or one of its data files');
  }
  if (!startsWithResultsMarker(absolute)) {
    throw refuse(absolute, 'an existing file there is not a simspec results file (it lacks "format": "simspec-results" at its start)', 'a new path, or an earlier results file; move the file away or pass another --out');
  }
}

function startsWithResultsMarker(path: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const prefix = Buffer.alloc(MARKER_PREFIX_BYTES);
    const read = readSync(fd, prefix, 0, prefix.length, 0);
    return RESULTS_MARKER.test(prefix.subarray(0, read).toString('utf8'));
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Our temporary files for this results path left by a killed run more than an hour ago. */
function removeStaleTemporaries(path: string): void {
  const folder = dirname(path);
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return;
  }
  const now = Date.now();
  for (const name of names) {
    const match = TEMPORARY.exec(name);
    if (!match || match[1] !== basename(path)) continue;
    const file = join(folder, name);
    try {
      const st = lstatSync(file);
      if (st.isFile() && now - st.mtimeMs > STALE_TEMPORARY_MILLISECONDS) unlinkSync(file);
    } catch {
      // removed meanwhile
    }
  }
}

/** A file-system failure while writing the results, as a message naming the path and a way out. */
function writeFailure(path: string, error: unknown): SimspecError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason: Record<string, string> = {
    ENOSPC: 'the disk is full',
    EDQUOT: 'the disk quota is exceeded',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EROFS: 'the file system is read-only',
    ENOTDIR: 'a part of the path is a file, not a folder',
    EISDIR: 'it is a folder',
    ENAMETOOLONG: 'the path is too long',
    EIO: 'an input/output error',
  };
  return new SimspecError(`cannot write the results file: ${(code && reason[code]) ?? (error as Error).message}`, {
    file: path,
    expected: 'a writable path; choose another with --out',
    code: 'output.write',
  });
}

/**
 * Check the path (`checkResultsPath`), create missing folders (only inside the spec's folder,
 * which the check guarantees), remove our stale temporaries, then write a temporary file beside
 * the target, fsync it and rename it into place: a killed run leaves the earlier results intact.
 */
/**
 * A results document split in two: the file itself holds only what the spec and its data determine
 * (so a one-machine run and a sharded run merged elsewhere write byte-identical files), and the
 * sidecar `<output>.run.json` holds the facts of this particular run — when, on which Node, how long
 * each score took, which came from the cache.
 */
export function splitRunFacts(results: Results): { document: Record<string, unknown>; runFacts: Record<string, unknown> } {
  const { created, timings, outputPath: _outputPath, engine, scores, ...rest } = results;
  const document: Record<string, unknown> = { ...rest, engine: { name: engine.name, version: engine.version } };
  document.scores = scores.map(({ milliseconds: _m, fromCache: _c, ...score }) => score);
  // Keep the file's key order as before (format, version, title?, spec, engine, stimuli, …).
  const ordered: Record<string, unknown> = {};
  for (const key of Object.keys(results)) if (key in document) ordered[key] = document[key];
  const runFacts = {
    format: 'simspec-run-facts',
    version: 1,
    results: basename(results.outputPath ?? ''),
    node: engine.node,
    created,
    timings,
    scores: scores.map((s) => ({ comparison: s.comparison, layer: s.layer, region: s.region, milliseconds: s.milliseconds, ...(s.fromCache ? { fromCache: true } : {}) })),
  };
  return { document: ordered, runFacts };
}

/** The sidecar of a results file: `<output>.run.json`. */
export function runFactsPath(resultsPath: string): string {
  return `${resolve(resultsPath)}.run.json`;
}

export function writeResultsAtomically(path: string, results: Results, guard: OutputGuard): void {
  checkResultsPath(path, guard);
  const { document, runFacts } = splitRunFacts({ ...results, outputPath: path });
  writeJsonAtomically(path, document);
  // The sidecar is written after the file: a reader of the results never needs it.
  writeJsonAtomically(runFactsPath(path), runFacts);
}

function writeJsonAtomically(path: string, value: unknown): void {
  writeTextAtomically(path, toJson(value) + '\n');
}

/** Write `text` to `path` by a temporary file in the same folder, fsync and rename (see above). */
export function writeTextAtomically(path: string, text: string | Uint8Array): void {
  const absolute = resolve(path);
  const folder = dirname(absolute);
  const temporary = join(folder, `.${basename(absolute)}.${process.pid}.${Date.now()}.tmp`);
  let fd: number | undefined;
  try {
    mkdirSync(folder, { recursive: true });
    removeStaleTemporaries(absolute);
    fd = openSync(temporary, 'wx', 0o644);
    writeFileSync(fd, text);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temporary, absolute);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    rmSync(temporary, { force: true });
    throw writeFailure(absolute, error);
  }
  try {
    // The rename is durable once the folder's entry is on disk; not every platform allows this.
    const folderFd = openSync(folder, 'r');
    try { fsyncSync(folderFd); } finally { closeSync(folderFd); }
  } catch {
    // best effort
  }
}
