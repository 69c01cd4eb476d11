/**
 * A minimal LSP client for tests and the latency bench: the protocol connection of
 * vscode-languageserver-protocol, over in-process streams (to `startServer`) or a child process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Worker } from 'node:worker_threads';
import {
  createProtocolConnection,
  PublishDiagnosticsNotification,
  type ClientCapabilities,
  type Diagnostic,
  type InitializeResult,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import { createConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node';
import { startServer, type ServerRuntime } from '../../server/server';
import type { Fault } from './faultyWorker';

export class TestClient {
  readonly published: PublishDiagnosticsParams[] = [];
  readonly registrations: unknown[] = [];
  readonly logs: string[] = [];
  readonly errors: unknown[] = [];
  private waiters: { uri: string; version: number | undefined; resolve: (p: PublishDiagnosticsParams) => void }[] = [];

  constructor(readonly connection: ProtocolConnection, private readonly onClose: () => void = () => {}) {
    connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      this.published.push(params);
      this.waiters = this.waiters.filter((w) => {
        if (w.uri !== params.uri || (w.version !== undefined && params.version !== w.version)) return true;
        w.resolve(params);
        return false;
      });
    });
    connection.onRequest('client/registerCapability', (params) => {
      this.registrations.push(params);
      return null;
    });
    connection.onNotification('window/logMessage', (params: { message: string }) => {
      this.logs.push(params.message);
    });
    connection.onError((e) => this.errors.push(e));
    connection.listen();
  }

  async initialize(capabilities: ClientCapabilities = {}): Promise<InitializeResult> {
    const result = (await this.connection.sendRequest('initialize', { processId: null, rootUri: null, capabilities })) as InitializeResult;
    await this.connection.sendNotification('initialized', {});
    return result;
  }

  /** Resolves with the next diagnostics published for `uri` (for `version`, when given). */
  nextDiagnostics(uri: string, version?: number): Promise<PublishDiagnosticsParams> {
    return new Promise((resolve) => this.waiters.push({ uri, version, resolve }));
  }

  async open(uri: string, text: string, version = 1): Promise<Diagnostic[]> {
    const next = this.nextDiagnostics(uri, version);
    await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'simspec', version, text } });
    return (await next).diagnostics;
  }

  change(uri: string, version: number, text: string): Promise<void> {
    return this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
  }

  changeRange(uri: string, version: number, range: { start: { line: number; character: number }; end: { line: number; character: number } }, text: string): Promise<void> {
    return this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ range, text }] });
  }

  close(uri: string): Promise<void> {
    return this.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  request<T>(method: string, params: unknown): Promise<T> {
    return this.connection.sendRequest(method, params) as Promise<T>;
  }

  dispose(): void {
    this.connection.dispose();
    this.onClose();
  }
}

/**
 * `startServiceWorker` for an in-process server: real language-service workers, run from the
 * TypeScript sources through tsx (test/server/faultyWorker.ts), with `faults` injected into the
 * workers of the given purpose (e.g. `{ validation: 'hang' }`).
 */
export function serviceWorkers(faults: Partial<Record<'validation' | 'features', Fault>> = {}): NonNullable<ServerRuntime['startServiceWorker']> {
  const entry = join(__dirname, 'faultyWorker.ts');
  return (purpose) => new Worker(`require('tsx/cjs'); require(${JSON.stringify(entry)});`, { eval: true, workerData: { fault: faults[purpose] } });
}

/** A server started in this process on two streams, and a client on their other ends. */
export function inProcess(runtime: ServerRuntime = {}): TestClient {
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  // A reader/writer pair, not raw streams: on raw streams the library exits the process when they close.
  const serverConnection = createConnection(new StreamMessageReader(toServer), new StreamMessageWriter(toClient));
  const server = startServer(serverConnection, runtime);
  const client = createProtocolConnection(toClient, toServer);
  return new TestClient(client, () => {
    server.dispose();
    serverConnection.dispose();
    toServer.destroy();
    toClient.destroy();
  });
}

/** The bundled server (`node dist/server.js --stdio`) as a child process. */
export function childProcess(bundle: string): { client: TestClient; child: ChildProcess } {
  const child = spawn(process.execPath, [bundle, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const client = new TestClient(createProtocolConnection(child.stdout!, child.stdin!), () => child.kill());
  return { client, child };
}
