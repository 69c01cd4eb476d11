/**
 * Runs specs off the extension host's main thread: one worker thread (dist/runWorker.js) per run,
 * a progress notification with the engine's stage and a Cancel button that aborts the run's
 * AbortSignal (and terminates the worker if it has not stopped within a second), logs in the output
 * channel, and errors as notifications that jump to the spec location.
 */
import * as vscode from 'vscode';
import { Worker } from 'node:worker_threads';
import type { WorkerReply, WorkerRequest } from './runProtocol';

export interface RunOutcome {
  status: 'done' | 'cancelled' | 'failed';
  /** For cancelled runs: 'signal' when the engine stopped itself, 'terminate' when the worker had to be stopped. */
  via?: 'signal' | 'terminate';
  /** For cancelled runs: milliseconds from Cancel to the run's end. */
  cancelMilliseconds?: number;
  output?: string;
  message?: string;
}

export interface RunRequest {
  specUri: vscode.Uri;
  comparisons?: string[];
  output?: string;
}

export class RunController implements vscode.Disposable {
  private readonly running = new Map<string, { cancel(): void }>();
  private readonly done = new vscode.EventEmitter<RunOutcome & { specUri: vscode.Uri }>();
  readonly onDidFinish = this.done.event;
  private readonly progressed = new vscode.EventEmitter<{ specUri: string; stage: string; fraction: number; message: string }>();
  readonly onDidProgress = this.progressed.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly output: vscode.OutputChannel,
    /** The on-disk cache folder for a spec (setting `simspec.cacheFolder`); undefined: no cache. */
    private readonly cacheFolderFor: (scope: vscode.Uri) => string | undefined = () => undefined,
    /** Kernel threads for a spec (setting `simspec.workerThreads`). */
    private readonly threadsFor: (scope: vscode.Uri) => number | undefined = () => undefined,
  ) {}

  isRunning(specUri: vscode.Uri): boolean {
    return this.running.has(specUri.toString());
  }

  /** Cancels the run of this spec, if any (also what the notification's Cancel does). */
  cancel(specUri: vscode.Uri): void {
    this.running.get(specUri.toString())?.cancel();
  }

  async run(request: RunRequest): Promise<RunOutcome> {
    const key = request.specUri.toString();
    if (this.running.has(key)) {
      void vscode.window.showWarningMessage('simspec: this spec is already running.');
      return { status: 'failed', message: 'already running' };
    }
    const specFile = request.specUri.fsPath;
    const label = request.comparisons?.length ? `${vscode.workspace.asRelativePath(request.specUri)} (${request.comparisons.join(', ')})` : vscode.workspace.asRelativePath(request.specUri);
    this.output.appendLine(`[${new Date().toISOString()}] run ${label}`);
    const outcome = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `simspec: ${label}`, cancellable: true },
      (progress, token) => this.runInWorker(key, { type: 'start', specFile, comparisons: request.comparisons, output: request.output, cacheFolder: this.cacheFolderFor(request.specUri), threads: this.threadsFor(request.specUri), cancelFlag: new SharedArrayBuffer(4) }, progress, token),
    );
    this.report(request.specUri, outcome);
    this.done.fire({ ...outcome, specUri: request.specUri });
    return outcome;
  }

  private runInWorker(key: string, start: WorkerRequest & { type: 'start' }, progress: vscode.Progress<{ message?: string; increment?: number }>, token: vscode.CancellationToken): Promise<RunOutcome & { reply?: WorkerReply }> {
    return new Promise((resolve) => {
      const script = vscode.Uri.joinPath(this.extensionUri, 'dist', 'runWorker.js').fsPath;
      const worker = new Worker(script, { workerData: start });
      const flag = new Int32Array(start.cancelFlag!);
      let cancelledAt = 0;
      let reported = 0;
      let settled = false;
      let killTimer: NodeJS.Timeout | undefined;
      const finish = (outcome: RunOutcome & { reply?: WorkerReply }) => {
        if (settled) return;
        settled = true;
        if (killTimer) clearTimeout(killTimer);
        this.running.delete(key);
        subscription.dispose();
        void worker.terminate();
        resolve(outcome);
      };
      const cancel = () => {
        if (settled) return;
        if (cancelledAt) return;
        cancelledAt = Date.now();
        this.output.appendLine('  cancelling…');
        Atomics.store(flag, 0, 1);
        worker.postMessage({ type: 'cancel' } satisfies WorkerRequest);
        // The engine checks its signal between pairs and inside long loops; if a kernel does not
        // return within a second, stop the thread. Results are written atomically, so either way the
        // earlier results file stays as it was.
        killTimer = setTimeout(() => {
          this.output.appendLine('  worker did not stop within 1 s; terminated');
          finish({ status: 'cancelled', via: 'terminate', cancelMilliseconds: Date.now() - cancelledAt });
        }, 1000);
      };
      const subscription = token.onCancellationRequested(cancel);
      this.running.set(key, { cancel });
      worker.on('message', (reply: WorkerReply) => {
        switch (reply.type) {
          case 'progress': {
            const percent = Math.round(Math.min(1, Math.max(0, reply.fraction)) * 100);
            progress.report({ message: `${reply.stage}: ${reply.message}`, increment: Math.max(0, percent - reported) });
            reported = Math.max(reported, percent);
            this.progressed.fire({ specUri: key, stage: reply.stage, fraction: reply.fraction, message: reply.message });
            this.output.appendLine(`  ${reply.stage} ${percent}% ${reply.message}`);
            break;
          }
          case 'done':
            finish({ status: 'done', output: reply.output, reply });
            break;
          case 'cancelled':
            finish({ status: 'cancelled', via: 'signal', cancelMilliseconds: Date.now() - cancelledAt });
            break;
          case 'failed':
            finish({ status: 'failed', message: reply.message, reply });
            break;
        }
      });
      worker.on('error', (error) => finish({ status: 'failed', message: `worker crashed: ${error.stack ?? error.message}` }));
      worker.on('exit', (code) => finish(token.isCancellationRequested ? { status: 'cancelled' } : { status: 'failed', message: `worker exited with code ${code}` }));
    });
  }

  private report(specUri: vscode.Uri, outcome: RunOutcome & { reply?: WorkerReply }): void {
    const reply = outcome.reply;
    if (outcome.status === 'done' && reply?.type === 'done') {
      this.output.appendLine(`  done: ${reply.scores} scores in ${reply.milliseconds} ms → ${reply.output ?? '?'}`);
      for (const warning of reply.warnings) this.output.appendLine(`  warning: ${warning}`);
    } else if (outcome.status === 'cancelled') {
      this.output.appendLine(`  cancelled after ${outcome.cancelMilliseconds} ms (${outcome.via === 'signal' ? 'the engine stopped' : 'worker terminated'}); the results file was not changed`);
      void vscode.window.showInformationMessage('simspec: run cancelled; the results file was not changed.');
    } else if (reply?.type === 'failed') {
      this.output.appendLine(`  failed: ${reply.message}`);
      for (const problem of reply.problems ?? []) this.output.appendLine(`    ${problem.range.start.line + 1}:${problem.range.start.character + 1} ${problem.message}`);
      const first = reply.problems?.[0];
      const target = reply.file ? vscode.Uri.file(reply.file) : specUri;
      const detail = first ? `${reply.message}: ${first.message}` : reply.message;
      void vscode.window.showErrorMessage(`simspec: ${detail}`, 'Show in Spec', 'Show Log').then((choice) => {
        if (choice === 'Show Log') this.output.show(true);
        if (choice === 'Show in Spec') {
          const range = first ? new vscode.Range(first.range.start.line, first.range.start.character, first.range.end.line, first.range.end.character) : undefined;
          const isSpec = /\.simspec\.ya?ml$/i.test(target.fsPath);
          void vscode.window.showTextDocument(isSpec ? target : specUri, range ? { selection: range } : {});
        }
      });
    } else {
      this.output.appendLine(`  failed: ${outcome.message}`);
      void vscode.window.showErrorMessage(`simspec: ${outcome.message}`, 'Show Log').then((c) => c && this.output.show(true));
    }
  }

  dispose(): void {
    for (const run of this.running.values()) run.cancel();
    this.done.dispose();
    this.progressed.dispose();
  }
}
