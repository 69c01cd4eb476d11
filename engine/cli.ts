/**
 * The `simspec` command: run a spec, check a spec, or score two matrices / a reference case.
 * Every user error ends in one `error:` line (or `file:line:col: error: ...` lines for spec
 * problems) and a non-zero exit; a stack trace means a bug in simspec.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { CancelledError, isSimspecError, SimspecError } from './core/errors';
import { readArray } from './io';
import { decodeUtf8Strict } from './io/limits';
import { runCase } from './cases';
import { checkSpec, type Problem, type ComparisonSpec, type MetricFamily, type Representation, type SourceKind } from './spec';
import { createFileIntrospector } from './spec/introspector';
import { runSpec, SpecProblemsError } from './run/execute';
import { describeProgress, errorOf, progressMessage, startRunWorker, type RunProgress, type RunSettings } from './run/protocol';
import type { Results } from './run/results';
import { loadRepresentation } from './run/load';
import { familyUsage, runnerFor } from './families';
import { checkResultsPath, ENGINE_VERSION, isUnderSystemFolder, runInputFiles, toJson, writeTextAtomically } from './run/results';
import { EXPORT_COLUMNS, readResultsFile, tidyCsv } from './run/export';
import { formatScoreTable } from './run/table';
import { cacheFolderProblem, loadCacheKey } from './run/cache';
import { runScaleCommand, SCALE_USAGE, SCALE_VALUE_OPTIONS, shardRunRequested } from './scale/commands';

const USAGE = `simspec ${ENGINE_VERSION} — compare neural network and brain representations

Usage:
  simspec run SPEC [--out FILE] [--comparison NAME]... [--cache DIR | --no-cache] [--threads N] [--quiet]
      Run a spec, print a table of scores, write the results JSON (atomically). Scores and shared
      products are cached by the content of their inputs (default folder: $XDG_CACHE_HOME/simspec
      or ~/.cache/simspec), so a re-run recomputes only what changed.
  simspec check SPEC...
      Print every problem as file:line:col: error|warning: message. Exit 1 when there are errors.
  simspec score --metric ${familyUsage().ids} [--param KEY=VALUE]... [--kind rdm|responses|repeats] A B
      Compare two matrices or RDMs from files (FILE or FILE:VARIABLE); prints JSON with "value".
      Metrics:
${familyUsage().lines.map((line) => `        ${line}`).join('\n')}
  simspec score --case DIR
      Run a reference case folder (DIR/case.json or DIR/expected.json); prints {"value": ...}.
  simspec export RESULTS [--format csv] [--out FILE]
      Write a results file as a tidy long CSV (one row per score, statistic, subject, split and
      unit; columns in docs/results.md) to FILE (atomically) or to standard output.
${SCALE_USAGE}
  simspec --version | --help
`;

interface Parsed {
  positional: string[];
  options: Map<string, string[]>;
  flags: Set<string>;
}

const VALUE_OPTIONS = new Set(['--out', '--comparison', '--metric', '--param', '--case', '--kind', '--cache', '--threads', '--format', ...SCALE_VALUE_OPTIONS]);

function parseArgs(argv: string[]): Parsed {
  const parsed: Parsed = { positional: [], options: new Map(), flags: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg.startsWith('--')) {
      const [name, inline] = arg.includes('=') && !arg.startsWith('--param=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
      const key = name!.startsWith('--param=') ? '--param' : name!;
      if (VALUE_OPTIONS.has(key)) {
        const value = inline ?? (name!.startsWith('--param=') ? name!.slice('--param='.length) : argv[++i]);
        if (value === undefined) throw new UsageError(`${key} needs a value`);
        parsed.options.set(key, [...(parsed.options.get(key) ?? []), value]);
      } else parsed.flags.add(name!);
    } else parsed.positional.push(arg);
  }
  return parsed;
}

class UsageError extends Error {}

function formatProblem(file: string, problem: Problem): string {
  return `${file}:${problem.range.start.line + 1}:${problem.range.start.character + 1}: ${problem.severity === 'information' ? 'info' : problem.severity}: ${problem.message}`;
}

function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
}

async function commandCheck(files: string[]): Promise<number> {
  if (files.length === 0) throw new UsageError('check needs at least one spec file');
  let errors = 0;
  const introspector = createFileIntrospector();
  for (const file of files) {
    let text: string;
    try {
      text = decodeUtf8Strict(readFileSync(file), file, 'spec');
    } catch (error) {
      console.log(`${file}:1:1: error: ${isSimspecError(error) ? error.message : 'cannot read the spec file'}`);
      errors++;
      continue;
    }
    const { problems, spec } = await checkSpec(text, resolve(file), introspector);
    for (const problem of problems) console.log(formatProblem(file, problem));
    errors += problems.filter((p) => p.severity === 'error').length;
    // Where `simspec run` would write: the same output-safety check, so a bad `output:` shows here first.
    if (spec) {
      try {
        checkResultsPath(spec.output, { specFile: resolve(file), inputs: runInputFiles(spec), explicit: false });
      } catch (error) {
        if (!isSimspecError(error)) throw error;
        console.log(`${file}:1:1: error: output: ${error.message}`);
        errors++;
      }
    }
  }
  if (errors === 0) console.error(`${files.length === 1 ? files[0] : `${files.length} specs`}: no errors`);
  return errors > 0 ? 1 : 0;
}

function keyProblem(folder: string): string | undefined {
  const key = loadCacheKey(folder);
  return typeof key === 'string' ? key : undefined;
}

/** `$XDG_CACHE_HOME/simspec`, else `~/.cache/simspec` (macOS and Windows: the same under the home folder). */
function defaultCacheFolder(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'simspec');
}

/** The engine bundle's worker next to this bundle, when running from dist/ (not under tsx). */
function engineWorkerPath(): string | undefined {
  const candidate = join(__dirname, 'engineWorker.js');
  return __filename.endsWith('.js') && existsSync(candidate) ? candidate : undefined;
}

/**
 * Run in a worker thread when the bundle has one, so that Ctrl-C is handled at once even while a
 * metric is inside a long synchronous loop (engine/run/protocol.ts: the shared cancel flag, then
 * termination after a grace period). Nothing is written unless the run completes (the results file
 * is replaced atomically).
 */
async function runInWorker(workerPath: string, specFile: string, settings: RunSettings, onProgress: (progress: RunProgress) => void): Promise<Results> {
  const run = startRunWorker(workerPath, resolve(specFile), settings, { onProgress, onTerminate: () => process.stderr.write('the run did not stop by itself; its thread was terminated\n') });
  const onSigint = () => {
    process.stderr.write('\ncancelling…\n');
    run.cancel();
  };
  process.on('SIGINT', onSigint);
  try {
    const outcome = await run.outcome;
    if (outcome.status === 'done') return outcome.results;
    if (outcome.status === 'cancelled') throw new CancelledError();
    throw errorOf(outcome.failure);
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}

/** The cache folder a run uses (`--cache DIR`, the default folder, or none with `--no-cache`). */
function cacheFolderOption(parsed: Parsed): string | undefined {
  if (parsed.flags.has('--no-cache')) return undefined;
  // An unusable cache folder or key: an error when the user named the folder, else a warning and
  // a run without the cache (a user whose home is not writable can still run).
  const named = parsed.options.get('--cache')?.at(-1);
  const folder = resolve(named ?? defaultCacheFolder());
  const problem = cacheFolderProblem(folder) ?? keyProblem(folder);
  if (problem && named !== undefined) throw new SimspecError(`cannot use the cache: ${problem}`, { file: folder, expected: 'a writable folder for --cache, or --no-cache', code: 'cache.unusable' });
  if (problem) console.error(`warning: running without the cache: ${problem} (choose a folder with --cache DIR, or pass --no-cache)`);
  return problem ? undefined : folder;
}

async function commandRun(parsed: Parsed): Promise<number> {
  const [specFile, ...extra] = parsed.positional;
  if (!specFile || extra.length) throw new UsageError('run needs exactly one spec file');
  if (shardRunRequested(parsed)) return runScaleCommand('run', specFile, parsed, cacheFolderOption(parsed));
  const quiet = parsed.flags.has('--quiet');
  let lastLine = '';
  // On a terminal the progress line is rewritten in place; in a log, each change is one line.
  const tty = process.stderr.isTTY === true;
  let lineOpen = false;
  const onProgress = (event: RunProgress) => {
    if (quiet) return;
    const line = `[${Math.round(event.fraction * 100).toString().padStart(3)}%] ${describeProgress(event)}`;
    if (line === lastLine) return;
    if (tty) {
      process.stderr.write(`\r${line.slice(0, (process.stderr.columns || 80) - 1).padEnd(lastLine.length)}${event.stage === 'done' ? '\n' : ''}`);
      lineOpen = event.stage !== 'done';
    }
    else process.stderr.write(line + '\n');
    lastLine = line;
  };
  const options: RunSettings = {};
  const out = parsed.options.get('--out')?.at(-1);
  if (out !== undefined && out.trim() === '') throw new UsageError('--out needs a file path, got an empty one');
  if (out) options.output = out;
  const only = parsed.options.get('--comparison');
  if (only) options.comparisons = only;
  const threads = parsed.options.get('--threads')?.at(-1);
  if (threads !== undefined) {
    if (!/^[1-9]\d*$/.test(threads)) throw new UsageError(`--threads needs a positive integer, got '${threads}'`);
    options.threads = Number(threads);
  }
  const cacheFolder = cacheFolderOption(parsed);
  if (cacheFolder) options.cacheFolder = cacheFolder;
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  try {
    const workerPath = engineWorkerPath();
    let results: Results;
    if (workerPath) results = await runInWorker(workerPath, specFile, options, onProgress);
    else {
      process.once('SIGINT', onSigint);
      results = await runSpec(specFile, { ...options, signal: controller.signal, onProgress: (event) => onProgress(progressMessage(event)) });
    }
    console.log(formatScoreTable(results));
    for (const warning of results.warnings) console.error(`warning: ${warning}`);
    const cached = results.scores.filter((s) => s.fromCache).length;
    console.error(`results: ${displayPath(results.outputPath ?? '')} (${(results.timings.totalMilliseconds / 1000).toFixed(2)} s${cached ? `; ${cached} of ${results.scores.length} scores from the cache` : ''})`);
    return 0;
  } catch (error) {
    if (error instanceof SpecProblemsError) {
      for (const problem of error.problems) console.error(formatProblem(specFile, problem));
      return 1;
    }
    if (error instanceof CancelledError) {
      console.error('cancelled: no results written (an earlier results file is left intact)');
      return 130;
    }
    throw error;
  } finally {
    if (lineOpen) process.stderr.write('\n');
    process.removeListener('SIGINT', onSigint);
  }
}

function parseParamValue(text: string): unknown {
  if (text === 'true' || text === 'false') return text === 'true';
  if (text !== '' && !Number.isNaN(Number(text))) return Number(text);
  if (/^[[{]/.test(text)) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

function splitFileArgument(arg: string): { file: string; key?: string } {
  const match = /^(.*\.(?:npy|npz|mat|h5|hdf5|csv|tsv|json)):(.+)$/i.exec(arg);
  return match ? { file: match[1]!, key: match[2]! } : { file: arg };
}

function guessKind(shape: readonly number[], data: Float64Array): SourceKind {
  if (shape.length === 1) return 'rdm';
  if (shape.length === 2 && shape[0] === shape[1]) {
    const n = shape[0]!;
    let symmetricZeroDiagonal = true;
    for (let i = 0; i < n && symmetricZeroDiagonal; i++) {
      const d = data[i * n + i]!;
      if (!(d === 0 || Number.isNaN(d))) symmetricZeroDiagonal = false;
      for (let j = i + 1; j < n && symmetricZeroDiagonal; j++) if (Math.abs(data[i * n + j]! - data[j * n + i]!) > 1e-12 * (1 + Math.abs(data[i * n + j]!))) symmetricZeroDiagonal = false;
    }
    if (symmetricZeroDiagonal) return 'rdm';
  }
  return 'responses';
}

async function commandScore(parsed: Parsed): Promise<number> {
  const caseDir = parsed.options.get('--case')?.at(-1);
  if (caseDir) {
    console.log(toJson({ value: await runCase(caseDir) }));
    return 0;
  }
  const metric = parsed.options.get('--metric')?.at(-1) as MetricFamily | undefined;
  if (!metric) throw new UsageError('score needs --metric ID (or --case DIR)');
  const runner = runnerFor(metric);
  if (!runner) throw new UsageError(`unknown or unavailable metric '${metric}'`);
  if (parsed.positional.length !== 2) throw new UsageError('score needs two inputs, A and B (FILE or FILE:VARIABLE)');
  const params: Record<string, unknown> = {};
  for (const pair of parsed.options.get('--param') ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--param needs KEY=VALUE, got '${pair}'`);
    params[pair.slice(0, eq)] = parseParamValue(pair.slice(eq + 1));
  }
  const [a, b] = await Promise.all(
    parsed.positional.map(async (arg, i) => {
      const { file, key } = splitFileArgument(arg);
      const array = await readArray(file, key);
      if (array.shape.length === 0 || array.shape.some((d) => d === 0)) {
        throw new SimspecError(`the array has shape (${array.shape.join(', ')}): nothing to compare`, { file, ...(key ? { variable: key } : {}), expected: 'at least 1 row and 1 column', code: 'score.empty' });
      }
      const kind = (parsed.options.get('--kind')?.at(-1) as SourceKind | undefined) ?? guessKind(array.shape, array.data);
      const rep: Representation = { name: i === 0 ? 'A' : 'B', role: i === 0 ? 'model' : 'brain', source: { file, path: resolve(file), kind, transpose: false, specPath: [], ...(key ? { key } : {}) } };
      return loadRepresentation(rep, array);
    }),
  );
  // Rows are stimuli: A and B must describe the same ones, or the score is silently wrong.
  if (a!.stimuli !== b!.stimuli) {
    throw new SimspecError(`A (${parsed.positional[0]}) has ${a!.stimuli} stimuli but B (${parsed.positional[1]}) has ${b!.stimuli}`, {
      file: parsed.positional[1]!, expected: `${a!.stimuli} stimuli (rows, or an RDM over ${a!.stimuli} stimuli), as in A`, code: 'score.rows',
    });
  }
  const comparison: ComparisonSpec = { name: 'score', metric, params, layers: ['A'], regions: ['B'], statistics: { noiseCeiling: false, test: 'two-sided' }, index: 0 };
  const score = await runner.run(comparison, a!, b!, {
    spec: { baseDir: process.cwd() },
    signal: new AbortController().signal,
    progress: () => {},
    shared: { get: (_key, compute) => compute() },
    warn: (message) => console.error(`warning: ${message}`),
  });
  // A NaN score always says why (the runner sets `reason`; JSON has no NaN: the value prints as null).
  if (score.reason) console.error(`warning: the score is NaN: ${score.reason}`);
  console.log(toJson({ metric, params, ...score }));
  return 0;
}

/** `simspec export RESULTS [--format csv] [--out FILE]` (engine/run/export.ts). */
function commandExport(parsed: Parsed): number {
  const [file, ...extra] = parsed.positional;
  if (!file || extra.length) throw new UsageError('export needs exactly one results file');
  const formats = parsed.options.get('--format') ?? ['csv'];
  if (formats.length > 1 || formats[0] !== 'csv') throw new UsageError(`--format ${formats.join(', ')} is not supported: the export format is csv`);
  const outs = parsed.options.get('--out') ?? [];
  if (outs.length > 1) throw new UsageError('--out given more than once');
  const csv = tidyCsv(readResultsFile(file));
  if (outs.length === 0) {
    process.stdout.write(csv);
    return 0;
  }
  const out = resolve(outs[0]!);
  const problem = exportPathProblem(out, resolve(file));
  if (problem) throw new SimspecError(`will not write the export here: ${problem}`, { file: out, expected: 'a new path or an earlier CSV export', code: 'output.refused' });
  writeTextAtomically(out, csv);
  console.error(`wrote ${displayPath(out)}`);
  return 0;
}

/** Why the CSV may not go to `out`: the results file itself, a system folder, or something that is not a regular file. */
function exportPathProblem(out: string, resultsFile: string): string | undefined {
  if (isUnderSystemFolder(out)) return 'the path is under /proc, /sys or /dev';
  if (!existsSync(out)) return undefined;
  const st = statSync(out);
  if (!st.isFile()) return 'it is not a regular file';
  const input = statSync(resultsFile);
  if (st.dev === input.dev && st.ino === input.ino) return 'it is the results file being exported';
  const header = `${EXPORT_COLUMNS.join(',')}\n`;
  const fd = openSync(out, 'r');
  const bytes = Buffer.alloc(Buffer.byteLength(header));
  try {
    readSync(fd, bytes, 0, bytes.length, 0);
  } finally {
    closeSync(fd);
  }
  const head = bytes.toString('utf8');
  if (head !== header) return 'an existing file there is not a simspec CSV export (move it away or choose another --out)';
  return undefined;
}

/** Entry point; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  try {
    const parsed = parseArgs(argv);
    const [command, ...rest] = parsed.positional;
    parsed.positional = rest;
    if (parsed.flags.has('--version')) {
      console.log(ENGINE_VERSION);
      return 0;
    }
    if (!command || parsed.flags.has('--help') || command === 'help') {
      console.log(USAGE);
      return command || parsed.flags.has('--help') ? 0 : 2;
    }
    switch (command) {
      case 'run':
        return await commandRun(parsed);
      case 'check':
        return await commandCheck(parsed.positional);
      case 'score':
        return await commandScore(parsed);
      case 'export':
        return commandExport(parsed);
      case 'plan':
      case 'merge':
      case 'submit':
      case 'status': {
        const [specFile, ...extra] = parsed.positional;
        if (!specFile || extra.length) throw new UsageError(`${command} needs exactly one spec file`);
        return await runScaleCommand(command, specFile, parsed, command === 'merge' ? cacheFolderOption(parsed) : undefined);
      }
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (error) {
    if (error instanceof UsageError || (error instanceof Error && error.name === 'UsageError')) {
      console.error(`error: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (isSimspecError(error)) {
      console.error(`error: ${error.message}`);
      // A refused results path is a usage problem (like a bad option): exit 2, as documented.
      return error.code === 'output.refused' ? 2 : 1;
    }
    const systemError = fileSystemErrorMessage(error);
    if (systemError) {
      console.error(`error: ${systemError}`);
      return 1;
    }
    throw error;
  }
}

/**
 * A file-system error that reached the top without being turned into a SimspecError (a bug, but
 * the user's file is the cause): one line naming the path instead of a stack trace.
 */
function fileSystemErrorMessage(error: unknown): string | undefined {
  // An allocation past what V8 allows (an RDM over millions of stimuli needs n² doubles): a
  // resource limit the input caused, said as such rather than as a crash.
  if (error instanceof RangeError && /Invalid typed array length|Array buffer allocation failed|Invalid array length/.test(error.message)) {
    return `not enough memory for this computation (${error.message}); check the data's shape (rows are stimuli) or use fewer stimuli`;
  }
  const e = error as NodeJS.ErrnoException | undefined;
  if (!e || typeof e.code !== 'string' || !/^E[A-Z]+$/.test(e.code) || typeof e.syscall !== 'string') return undefined;
  return `${e.path ?? '(unknown path)'}: ${e.syscall} failed (${e.code}); check the path and its permissions, or run with --no-cache if it is the cache folder`;
}
