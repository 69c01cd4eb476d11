/**
 * The language service off the server's main thread. Parsing and checking a spec is synchronous
 * (the `yaml` package, the schema, the data checks) and, for a hostile or huge spec, unbounded:
 * run on the main thread it would freeze completion, hover and even the exit watchdog. Here it
 * runs in a worker that the main thread can abandon and restart (server/workerHost.ts), so the
 * LSP loop only ever forwards messages.
 *
 * The worker keeps the latest text of each document it was sent, serves one request at a time
 * (in arrival order, so the host knows which request is the one running), and skips a request
 * whose deadline passed while it waited: the host has already answered it.
 */
import { parentPort } from 'node:worker_threads';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic, Position, Range } from 'vscode-languageserver-types';
import { SimspecError } from '../engine/core/errors';
import { createFileIntrospector } from '../engine/spec/introspector';
import { computeCodeActions } from './service/codeActions';
import { computeCodeLenses } from './service/codeLens';
import { computeCompletions } from './service/completion';
import { computeDiagnostics } from './service/diagnostics';
import { forgetDocument, type ServiceContext } from './service/document';
import { computeHover } from './service/hover';
import { computeFoldingRanges, computeSymbols } from './service/outline';

export type Feature = 'diagnostics' | 'completion' | 'hover' | 'documentSymbol' | 'foldingRange' | 'codeLens' | 'codeAction';

export interface FeatureParams {
  position?: Position;
  range?: Range;
  diagnostics?: Diagnostic[];
}

export type ToWorker =
  | { kind: 'request'; id: number; feature: Feature; uri: string; version: number; text?: string; params: FeatureParams; deadline?: number }
  | { kind: 'forget'; uri: string }
  | { kind: 'clear'; path?: string };

/** A failure inside the service, carried across the thread boundary. */
export interface ServiceFailure {
  /** The error's class name: 'SimspecError', 'RangeError', 'Error', ... */
  name: string;
  message: string;
  /** Node's error code when there is one ('EIO', 'ENOENT', ...). */
  code?: string;
  simspec: boolean;
}

export type FromWorker = { ready: true } | { id: number; value: unknown } | { id: number; failure: ServiceFailure } | { id: number; skipped: true };

/** Run one feature on one document: the single dispatch shared by the worker and the main-thread fallback. */
export async function runFeature(feature: Feature, document: TextDocument, params: FeatureParams, context: ServiceContext): Promise<unknown> {
  const position = params.position ?? { line: 0, character: 0 };
  switch (feature) {
    case 'diagnostics':
      return computeDiagnostics(document, context);
    case 'completion':
      return computeCompletions(document, position, context);
    case 'hover':
      return computeHover(document, position, context);
    case 'documentSymbol':
      return computeSymbols(document);
    case 'foldingRange':
      return computeFoldingRanges(document);
    case 'codeLens':
      return computeCodeLenses(document);
    case 'codeAction':
      return computeCodeActions(document, params.range ?? { start: position, end: position }, params.diagnostics ?? []);
  }
}

export function describeFailure(e: unknown): ServiceFailure {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return { name: e.name, message: e.message, simspec: e instanceof SimspecError, ...(typeof code === 'string' ? { code } : {}) };
  }
  return { name: 'Error', message: String(e), simspec: false };
}

/**
 * Data files up to this size have their values (NaN/Inf, CRCs) checked in the editor, once per file
 * version (the verdict is cached by path, size, mtime and inode). Measured on a shared 2-core machine
 * under load: a 128 MiB .npy took 4.9 s the first time (0.4 ms cached), too close to the validation
 * worker's 5 s limit; a 32 MiB one took 0.8 s under the same load. Larger files get an information diagnostic and are
 * checked by `simspec check`.
 */
export const EDITOR_VALUE_CHECK_BYTES = 32 * 2 ** 20;

/** Worker side: serve requests from the host until the thread is terminated (`context` replaces the engine's introspector, for tests). */
export function serveLanguageService(context: ServiceContext = { io: createFileIntrospector({ valueCheckMaxBytes: EDITOR_VALUE_CHECK_BYTES }) }): void {
  const port = parentPort;
  if (!port) throw new Error('serveLanguageService must run in a worker thread');
  const documents = new Map<string, TextDocument>();
  const queue: ToWorker[] = [];
  let serving = false;

  async function serve(message: ToWorker): Promise<void> {
    if (message.kind === 'forget') {
      documents.delete(message.uri);
      forgetDocument(message.uri);
      return;
    }
    if (message.kind === 'clear') {
      context.io.clear(message.path);
      return;
    }
    if (message.text !== undefined) documents.set(message.uri, TextDocument.create(message.uri, 'simspec', message.version, message.text));
    if (message.deadline !== undefined && Date.now() > message.deadline) {
      port!.postMessage({ id: message.id, skipped: true } satisfies FromWorker);
      return;
    }
    const document = documents.get(message.uri);
    if (!document || document.version !== message.version) {
      // The host sends the text whenever this worker has not seen the version; reaching here is a host bug.
      port!.postMessage({ id: message.id, failure: { name: 'Error', message: `the language service has no text for version ${message.version} of ${message.uri}`, simspec: false } } satisfies FromWorker);
      return;
    }
    let reply: FromWorker;
    try {
      reply = { id: message.id, value: await runFeature(message.feature, document, message.params, context) };
    } catch (e) {
      reply = { id: message.id, failure: describeFailure(e) };
    }
    port!.postMessage(reply);
  }

  async function drain(): Promise<void> {
    serving = true;
    while (queue.length > 0) {
      const message = queue.shift()!;
      try {
        await serve(message);
      } catch (e) {
        // Posting the reply failed (a value that cannot be cloned): still answer, so the host is not left waiting.
        if (message.kind === 'request') port!.postMessage({ id: message.id, failure: describeFailure(e) } satisfies FromWorker);
      }
    }
    serving = false;
  }

  port.on('message', (message: ToWorker) => {
    queue.push(message);
    if (!serving) void drain();
  });
  // Check a small spec before saying ready, so that loading the parser, schema and checks (seconds
  // on a busy machine) is not counted against the first real validation's time limit.
  serving = true;
  void warmUp(context).finally(() => {
    port.postMessage({ ready: true } satisfies FromWorker);
    void drain();
  });
}

const WARM_UP_SPEC = 'simspec: 1\ntitle: warm-up\nstimuli: { count: 2 }\nmodel: { layers: { a: { file: __simspec_warm_up__/a.npy } } }\nbrain: { b: { file: __simspec_warm_up__/b.npy } }\ncomparisons:\n  - { name: c, metric: rsa }\n';

async function warmUp(context: ServiceContext): Promise<void> {
  const document = TextDocument.create('untitled:warm-up', 'simspec', 0, WARM_UP_SPEC);
  try {
    await computeDiagnostics(document, context);
    computeSymbols(document);
    await computeCompletions(document, { line: 1, character: 0 }, context);
  } catch {
    // A failure here shows again, as a diagnostic, on the first real request.
  }
  forgetDocument(document.uri);
}
