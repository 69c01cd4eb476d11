/**
 * The language server: wires the language service (server/service/*) to an LSP connection.
 *
 * The main thread only keeps documents in sync and forwards work: validation runs in one
 * language-service worker and the other features (completion, hover, outline, ...) in a second,
 * so that no document — however deep, large or hostile — blocks the LSP loop, and completion
 * keeps answering while a validation runs (server/workerHost.ts, server/serviceWorker.ts).
 * Diagnostics are pushed, debounced per document, and dropped when the document changed while
 * they were computed; a newer version cancels a slow older validation; a validation that is
 * abandoned or fails publishes a diagnostic saying so at the top of the spec, never an empty list.
 * Open specs are re-validated when a data file changes on disk.
 */
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import {
  CodeActionKind,
  DidChangeWatchedFilesNotification,
  TextDocuments,
  TextDocumentSyncKind,
  type CancellationToken,
  type Connection,
  type Diagnostic,
  type InitializeResult,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { createFileIntrospector, type FileIntrospector } from '../engine/spec/introspector';
import { validationFailedDiagnostic, validationStoppedDiagnostic } from './service/diagnostics';
import { forgetDocument, type ServiceContext } from './service/document';
import { describeFailure, EDITOR_VALUE_CHECK_BYTES, runFeature, type Feature, type FeatureParams } from './serviceWorker';
import { WorkerHost, type Outcome } from './workerHost';

export interface ServerRuntime {
  /** Data introspection when the service runs on the main thread (default: the engine's file introspector). */
  io?: FileIntrospector;
  /** Quiet time after the last edit before a document is validated (default 200 ms). */
  debounceMs?: number;
  /**
   * Starts a language-service worker (a thread that calls `serveLanguageService`); called for the
   * validation worker and the features worker, and again whenever one is replaced. Without it the
   * service runs on the main thread (tests of the service itself; nothing then bounds its time).
   */
  startServiceWorker?: (purpose: 'validation' | 'features') => Worker;
  /**
   * A validation running longer than this is abandoned and its worker replaced (default 5000 ms),
   * plus `validationMsPerMiB` for each MiB of spec text (default 2000 ms): a large spec may take
   * long honestly; the limit is there for small specs that blow up.
   */
  validationTimeoutMs?: number;
  validationMsPerMiB?: number;
  /** A feature request not answered within this gets an empty answer (default 1000 ms). */
  requestTimeoutMs?: number;
  /** A feature request running longer than this stops the features worker (default 5000 ms). */
  requestHardLimitMs?: number;
  /** A validation superseded by a newer version is cancelled once it has run this long (default 300 ms). */
  cancelSupersededAfterMs?: number;
  /** Called with the client's process id from `initialize` (main.ts watches it to exit with the client). */
  onClientProcessId?: (pid: number) => void;
}

export const DATA_FILE_GLOB = '**/*.{npy,npz,mat,h5,hdf5,csv,tsv,json}';

export interface ServerHandle {
  documents: TextDocuments<TextDocument>;
  /** Validate now (skipping the debounce) and resolve when the diagnostics were sent (or the validation was superseded). */
  validateNow(uri: string): Promise<void>;
  /** Stop the service workers. */
  dispose(): void;
}

export function startServer(connection: Connection, runtime: ServerRuntime = {}): ServerHandle {
  const context: ServiceContext = { io: runtime.io ?? createFileIntrospector({ valueCheckMaxBytes: EDITOR_VALUE_CHECK_BYTES }) };
  const debounceMs = runtime.debounceMs ?? 200;
  const validationTimeoutMs = runtime.validationTimeoutMs ?? 5000;
  const validationMsPerMiB = runtime.validationMsPerMiB ?? 2000;
  const requestTimeoutMs = runtime.requestTimeoutMs ?? 1000;
  const cancelSupersededAfterMs = runtime.cancelSupersededAfterMs ?? 300;
  const documents = new TextDocuments(TextDocument);
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  let watchRegistration = false;

  const log = (what: string, e: unknown) => {
    try {
      connection.console.error(`simspec: ${what} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    } catch {
      // The connection is gone (disposed or closed): nobody is left to tell.
    }
  };
  const note = (message: string) => {
    try {
      connection.console.warn(message);
    } catch {
      // shutting down
    }
  };

  const start = runtime.startServiceWorker;
  const validator = start ? new WorkerHost({ name: 'validation', start: () => start('validation'), hardLimitMs: validationTimeoutMs, log: note }) : undefined;
  const features = start ? new WorkerHost({ name: 'language features', start: () => start('features'), hardLimitMs: runtime.requestHardLimitMs ?? 5000, log: note }) : undefined;

  async function publish(params: PublishDiagnosticsParams): Promise<void> {
    try {
      await connection.sendDiagnostics(params);
    } catch (e) {
      log('publishing diagnostics', e);
    }
  }

  // ------------------------------------------------------------------ validation

  /** Documents waiting for a validation (the latest text is read when one starts). */
  const waiting = new Set<string>();
  /** Callers of validateNow, resolved when their document's validation ended. */
  const settledWaiters = new Map<string, (() => void)[]>();
  /** The version whose validation was abandoned (too slow, out of memory): not retried until the text or the data change. */
  const abandoned = new Map<string, number>();
  let validating: { uri: string; version: number } | undefined;

  function settleWaiters(uri: string): void {
    const list = settledWaiters.get(uri);
    settledWaiters.delete(uri);
    for (const resolve of list ?? []) resolve();
  }

  /** Diagnostics for one version, on the main thread (no worker): a failure is still a diagnostic. */
  async function diagnoseInProcess(document: TextDocument): Promise<Outcome> {
    try {
      return { kind: 'value', value: await runFeature('diagnostics', document, {}, context) };
    } catch (e) {
      log('validation', e);
      return { kind: 'failed', failure: describeFailure(e) };
    }
  }

  function diagnosticsOf(outcome: Outcome, text: string): Diagnostic[] | undefined {
    switch (outcome.kind) {
      case 'value':
        return outcome.value as Diagnostic[];
      case 'failed':
        return [validationFailedDiagnostic(text, outcome.failure)];
      case 'stopped':
        // Cancelled for a newer version, or stopped while waiting behind another document: no verdict on this one.
        return outcome.culprit && outcome.cause !== 'cancelled' ? [validationStoppedDiagnostic(text, outcome.detail)] : undefined;
      case 'late':
        return undefined;
    }
  }

  function requestValidation(uri: string): void {
    waiting.add(uri);
    cancelIfSuperseded();
    void pump();
  }

  /**
   * A newer version supersedes the one being checked: a slow check of stale text is stopped, not
   * awaited. Checked again while it lasts, since the check may not have started yet (worker loading).
   */
  let supersededTimer: ReturnType<typeof setTimeout> | undefined;
  function cancelIfSuperseded(): void {
    clearTimeout(supersededTimer);
    supersededTimer = undefined;
    if (!validator || !validating || !waiting.has(validating.uri) || documents.get(validating.uri)?.version === validating.version) return;
    const running = validator.running();
    if (running && running.uri === validating.uri && running.version === validating.version && running.forMs >= cancelSupersededAfterMs) {
      validator.stop('cancelled', 'a newer version of the spec arrived');
      return;
    }
    supersededTimer = setTimeout(cancelIfSuperseded, Math.max(20, cancelSupersededAfterMs / 2));
    supersededTimer.unref?.();
  }

  async function pump(): Promise<void> {
    if (validating) return;
    const uri = waiting.values().next().value as string | undefined;
    if (uri === undefined) return;
    waiting.delete(uri);
    const document = documents.get(uri);
    if (!document || abandoned.get(uri) === document.version) {
      settleWaiters(uri);
      return pump();
    }
    const { version } = document;
    const text = document.getText();
    validating = { uri, version };
    let outcome: Outcome;
    try {
      for (;;) {
        if (!validator?.available) {
          outcome = await diagnoseInProcess(document);
          break;
        }
        outcome = await validator.request('diagnostics', document, {}, undefined, validationTimeoutMs + Math.round(validationMsPerMiB * (text.length / 1024 ** 2)));
        // A worker that died before it came online says nothing about this spec: try a new one (the host gives up after a few).
        if (!(outcome.kind === 'stopped' && outcome.cause === 'startup')) break;
      }
    } finally {
      validating = undefined;
    }
    if (outcome.kind === 'stopped' && outcome.culprit && outcome.cause !== 'cancelled') {
      abandoned.set(uri, version);
      note(`simspec: validation of ${uri} (version ${version}) stopped: ${outcome.detail}`);
    }
    if (outcome.kind === 'failed') note(`simspec: validation of ${uri} (version ${version}) failed: ${outcome.failure.name}: ${outcome.failure.message}`);
    const diagnostics = diagnosticsOf(outcome, text);
    // Only the current version gets diagnostics; a closed document gets none.
    if (diagnostics && documents.get(uri)?.version === version && !waiting.has(uri)) await publish({ uri, version, diagnostics });
    if (!waiting.has(uri)) settleWaiters(uri);
    return pump();
  }

  function validate(uri: string): Promise<void> {
    if (!documents.get(uri)) return Promise.resolve();
    const done = new Promise<void>((resolve) => settledWaiters.set(uri, [...(settledWaiters.get(uri) ?? []), resolve]));
    requestValidation(uri);
    return done;
  }

  function schedule(uri: string, delay = debounceMs): void {
    clearTimeout(timers.get(uri));
    timers.set(
      uri,
      setTimeout(() => {
        timers.delete(uri);
        requestValidation(uri);
      }, delay),
    );
  }

  connection.onInitialize((params): InitializeResult => {
    if (typeof params.processId === 'number') runtime.onClientProcessId?.(params.processId);
    // Load the engine in the workers while the client opens its first documents.
    validator?.warm();
    features?.warm();
    watchRegistration = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        completionProvider: { triggerCharacters: [':', ' ', '/', '.', '-', '{', ','], resolveProvider: false },
        hoverProvider: true,
        codeLensProvider: { resolveProvider: false },
        documentSymbolProvider: true,
        foldingRangeProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      },
      serverInfo: { name: 'simspec-language-server', version: '0.1.0' },
    };
  });

  connection.onInitialized(() => {
    if (watchRegistration) {
      connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: DATA_FILE_GLOB }] }).catch((e) => log('file watcher registration', e));
    }
  });

  documents.onDidChangeContent((change) => {
    abandoned.delete(change.document.uri);
    schedule(change.document.uri);
  });
  documents.onDidClose((event) => {
    const uri = event.document.uri;
    clearTimeout(timers.get(uri));
    timers.delete(uri);
    waiting.delete(uri);
    abandoned.delete(uri);
    poisoned.delete(uri);
    settleWaiters(uri);
    forgetDocument(uri);
    validator?.forget(uri);
    features?.forget(uri);
    void publish({ uri, diagnostics: [] });
  });

  connection.onDidChangeWatchedFiles((params) => {
    for (const change of params.changes) {
      let path: string | undefined;
      try {
        path = fileURLToPath(change.uri);
      } catch {
        path = undefined; // not a file URI: forget everything
      }
      context.io.clear(path);
      validator?.clear(path);
      features?.clear(path);
    }
    // The data changed, so a check that was too slow (a huge file) deserves another try.
    abandoned.clear();
    for (const document of documents.all()) schedule(document.uri, 0);
  });

  // ------------------------------------------------------------------ features

  /** The version a features request was stopped on (it ran past the hard limit): answered empty until the text changes. */
  const poisoned = new Map<string, number>();

  /**
   * Run a feature in the features worker (or on the main thread without one). The client always
   * gets an answer within `requestTimeoutMs`: a failure, a late answer or a stopped worker give `fallback`.
   */
  async function answer<T>(what: string, feature: Feature, uri: string, params: FeatureParams, token: CancellationToken | undefined, fallback: T): Promise<T> {
    const document = documents.get(uri);
    if (!document || poisoned.get(uri) === document.version) return fallback;
    if (!features?.available) {
      try {
        const result = (await runFeature(feature, document, params, context)) as T;
        return token?.isCancellationRequested ? fallback : result;
      } catch (e) {
        log(what, e);
        return fallback;
      }
    }
    const outcome = await features.request(feature, document, params, requestTimeoutMs);
    switch (outcome.kind) {
      case 'value':
        return token?.isCancellationRequested ? fallback : (outcome.value as T);
      case 'failed':
        log(what, `${outcome.failure.name}: ${outcome.failure.message}`);
        return fallback;
      case 'late':
        return fallback;
      case 'stopped':
        if (outcome.culprit && outcome.cause !== 'startup') {
          poisoned.set(uri, document.version);
          note(`simspec: ${what} on ${uri} (version ${document.version}) stopped: ${outcome.detail}`);
        }
        return fallback;
    }
  }

  connection.onCompletion((params, token) => answer('completion', 'completion', params.textDocument.uri, { position: params.position }, token, []));
  connection.onHover((params, token) => answer('hover', 'hover', params.textDocument.uri, { position: params.position }, token, null));
  connection.onCodeLens((params, token) => answer('code lens', 'codeLens', params.textDocument.uri, {}, token, []));
  connection.onDocumentSymbol((params, token) => answer('document symbols', 'documentSymbol', params.textDocument.uri, {}, token, []));
  connection.onFoldingRanges((params, token) => answer('folding', 'foldingRange', params.textDocument.uri, {}, token, []));
  connection.onCodeAction((params, token) => answer('code actions', 'codeAction', params.textDocument.uri, { range: params.range, diagnostics: params.context.diagnostics }, token, []));
  connection.onShutdown(() => {
    validator?.dispose();
    features?.dispose();
  });

  documents.listen(connection);
  connection.listen();
  return {
    documents,
    validateNow: (uri) => validate(uri),
    dispose() {
      validator?.dispose();
      features?.dispose();
    },
  };
}
