/**
 * The language server: wires the pure language service (server/service/*) to an LSP connection.
 * Diagnostics are pushed, debounced per document, and dropped when the document changed while
 * they were computed; open specs are re-validated when a data file changes on disk.
 */
import { fileURLToPath } from 'node:url';
import {
  CodeActionKind,
  DidChangeWatchedFilesNotification,
  TextDocuments,
  TextDocumentSyncKind,
  type CancellationToken,
  type Connection,
  type InitializeResult,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { createFileIntrospector, type FileIntrospector } from '../engine/spec/introspector';
import { computeCodeActions } from './service/codeActions';
import { computeCodeLenses } from './service/codeLens';
import { computeCompletions } from './service/completion';
import { computeDiagnostics } from './service/diagnostics';
import { forgetDocument, type ServiceContext } from './service/document';
import { computeHover } from './service/hover';
import { computeFoldingRanges, computeSymbols } from './service/outline';

export interface ServerRuntime {
  /** Data introspection (default: the engine's file introspector, cached by path + mtime + size). */
  io?: FileIntrospector;
  /** Quiet time after the last edit before a document is validated (default 200 ms). */
  debounceMs?: number;
}

export const DATA_FILE_GLOB = '**/*.{npy,npz,mat,h5,hdf5,csv,tsv,json}';

export interface ServerHandle {
  documents: TextDocuments<TextDocument>;
  /** Validate now (skipping the debounce) and resolve when the diagnostics were sent. */
  validateNow(uri: string): Promise<void>;
}

export function startServer(connection: Connection, runtime: ServerRuntime = {}): ServerHandle {
  const context: ServiceContext = { io: runtime.io ?? createFileIntrospector() };
  const debounceMs = runtime.debounceMs ?? 200;
  const documents = new TextDocuments(TextDocument);
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const generation = new Map<string, number>();
  let watchRegistration = false;

  const log = (what: string, e: unknown) => {
    try {
      connection.console.error(`simspec: ${what} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    } catch {
      // The connection is gone (disposed or closed): nobody is left to tell.
    }
  };

  async function publish(params: PublishDiagnosticsParams): Promise<void> {
    try {
      await connection.sendDiagnostics(params);
    } catch (e) {
      log('publishing diagnostics', e);
    }
  }

  async function validate(uri: string): Promise<void> {
    const document = documents.get(uri);
    if (!document) return;
    const ticket = (generation.get(uri) ?? 0) + 1;
    generation.set(uri, ticket);
    const version = document.version;
    let diagnostics;
    try {
      diagnostics = await computeDiagnostics(document, context);
    } catch (e) {
      log('validation', e);
      return;
    }
    // A newer edit or a newer validation supersedes this one; a closed document gets none.
    const current = documents.get(uri);
    if (!current || current.version !== version || generation.get(uri) !== ticket) return;
    await publish({ uri, version, diagnostics });
  }

  function schedule(uri: string, delay = debounceMs): void {
    clearTimeout(timers.get(uri));
    timers.set(
      uri,
      setTimeout(() => {
        timers.delete(uri);
        validate(uri).catch((e) => log('validation', e));
      }, delay),
    );
  }

  connection.onInitialize((params): InitializeResult => {
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

  documents.onDidChangeContent((change) => schedule(change.document.uri));
  documents.onDidClose((event) => {
    const uri = event.document.uri;
    clearTimeout(timers.get(uri));
    timers.delete(uri);
    generation.delete(uri);
    forgetDocument(uri);
    void publish({ uri, diagnostics: [] });
  });

  connection.onDidChangeWatchedFiles((params) => {
    for (const change of params.changes) {
      try {
        context.io.clear(fileURLToPath(change.uri));
      } catch {
        context.io.clear();
      }
    }
    for (const document of documents.all()) schedule(document.uri, 0);
  });

  /** Run a feature; a failure is logged and answered with `fallback`, never thrown at the client. */
  async function guarded<T>(what: string, token: CancellationToken | undefined, fallback: T, run: () => T | Promise<T>): Promise<T> {
    try {
      const result = await run();
      return token?.isCancellationRequested ? fallback : result;
    } catch (e) {
      log(what, e);
      return fallback;
    }
  }

  connection.onCompletion((params, token) => {
    const document = documents.get(params.textDocument.uri);
    return document ? guarded('completion', token, [], () => computeCompletions(document, params.position, context)) : [];
  });
  connection.onHover((params, token) => {
    const document = documents.get(params.textDocument.uri);
    return document ? guarded('hover', token, null, () => computeHover(document, params.position, context)) : null;
  });
  connection.onCodeLens((params, token) => {
    const document = documents.get(params.textDocument.uri);
    return document ? guarded('code lens', token, [], () => computeCodeLenses(document)) : [];
  });
  connection.onDocumentSymbol((params, token) => {
    const document = documents.get(params.textDocument.uri);
    return document ? guarded('document symbols', token, [], () => computeSymbols(document)) : [];
  });
  connection.onFoldingRanges((params, token) => {
    const document = documents.get(params.textDocument.uri);
    return document ? guarded('folding', token, [], () => computeFoldingRanges(document)) : [];
  });
  connection.onCodeAction((params, token) => {
    const document = documents.get(params.textDocument.uri);
    return document ? guarded('code actions', token, [], () => computeCodeActions(document, params.range, params.context.diagnostics)) : [];
  });

  documents.listen(connection);
  connection.listen();
  return { documents, validateNow: (uri) => validate(uri) };
}
