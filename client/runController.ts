/**
 * Runs specs off the extension host's main thread: one worker thread (dist/runWorker.js) per run,
 * started and cancelled exactly as the CLI does it (engine/run/protocol.ts): a progress notification
 * with the engine's stage, counts and time left, and a Cancel button that sets the run's cancel flag
 * (the thread is terminated only if the engine has not stopped within the grace period), logs in
 * the output channel, and errors as notifications that jump to the spec location.
 */
import * as vscode from 'vscode';
import { CANCEL_GRACE_MILLISECONDS, describeProgress, startRunWorker, type RunFailure, type RunOutcome as WorkerOutcome, type RunProgress, type RunSettings } from '../engine/run/protocol';
import type { Results } from '../engine/run/results';

export interface RunOutcome {
  status: 'done' | 'cancelled' | 'failed';
  /** For cancelled runs: 'signal' when the engine stopped itself, 'terminate' when the worker had to be stopped. */
  via?: 'signal' | 'terminate';
  /** For cancelled runs: milliseconds from Cancel to the run's end. */
  cancelMilliseconds?: number;
  output?: string;
  message?: string;
  results?: Results;
  failure?: RunFailure;
}

function toRunOutcome(outcome: WorkerOutcome): RunOutcome {
  switch (outcome.status) {
    case 'done':
      return { status: 'done', results: outcome.results, ...(outcome.results.outputPath ? { output: outcome.results.outputPath } : {}) };
    case 'cancelled':
      return { status: 'cancelled', via: outcome.via, cancelMilliseconds: outcome.cancelMilliseconds };
    case 'failed':
      return { status: 'failed', message: outcome.failure.kind === 'internal' ? `internal error: ${outcome.failure.stack ?? outcome.failure.message}` : outcome.failure.message, failure: outcome.failure };
  }
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
  private readonly progressed = new vscode.EventEmitter<RunProgress & { specUri: string }>();
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
      (progress, token) => this.runInWorker(key, specFile, this.settingsFor(request), progress, token),
    );
    this.report(request.specUri, outcome);
    this.done.fire({ ...outcome, specUri: request.specUri });
    return outcome;
  }

  private settingsFor(request: RunRequest): RunSettings {
    const settings: RunSettings = {};
    if (request.comparisons) settings.comparisons = request.comparisons;
    if (request.output) settings.output = request.output;
    const cacheFolder = this.cacheFolderFor(request.specUri);
    if (cacheFolder) settings.cacheFolder = cacheFolder;
    const threads = this.threadsFor(request.specUri);
    if (threads) settings.threads = threads;
    return settings;
  }

  private runInWorker(key: string, specFile: string, settings: RunSettings, progress: vscode.Progress<{ message?: string; increment?: number }>, token: vscode.CancellationToken): Promise<RunOutcome> {
    const script = vscode.Uri.joinPath(this.extensionUri, 'dist', 'runWorker.js').fsPath;
    let reported = 0;
    const run = startRunWorker(script, specFile, settings, {
      onProgress: (event) => {
        const percent = Math.round(Math.min(1, Math.max(0, event.fraction)) * 100);
        const text = describeProgress(event);
        progress.report({ message: `${event.stage}: ${text}`, increment: Math.max(0, percent - reported) });
        reported = Math.max(reported, percent);
        this.progressed.fire({ specUri: key, ...event });
        this.output.appendLine(`  ${event.stage} ${percent}% ${text}`);
      },
      onTerminate: () => this.output.appendLine(`  the engine did not stop within ${CANCEL_GRACE_MILLISECONDS} ms; worker terminated`),
    });
    const cancel = () => {
      this.output.appendLine('  cancelling…');
      run.cancel();
    };
    const subscription = token.onCancellationRequested(cancel);
    this.running.set(key, { cancel });
    return run.outcome.then((outcome) => {
      this.running.delete(key);
      subscription.dispose();
      return toRunOutcome(outcome);
    });
  }

  private report(specUri: vscode.Uri, outcome: RunOutcome): void {
    const { results, failure } = outcome;
    if (outcome.status === 'done' && results) {
      this.output.appendLine(`  done: ${results.scores.length} scores in ${results.timings.totalMilliseconds} ms → ${outcome.output ?? '?'}`);
      for (const warning of results.warnings) this.output.appendLine(`  warning: ${warning}`);
    } else if (outcome.status === 'cancelled') {
      this.output.appendLine(`  cancelled after ${outcome.cancelMilliseconds} ms (${outcome.via === 'signal' ? 'the engine stopped' : 'worker terminated'}); the results file was not changed`);
      void vscode.window.showInformationMessage('simspec: run cancelled; the results file was not changed.');
    } else if (failure && failure.kind !== 'internal') {
      const problems = (failure.problems ?? []).filter((p) => p.severity === 'error');
      this.output.appendLine(`  failed: ${failure.message}`);
      for (const problem of problems) this.output.appendLine(`    ${problem.range.start.line + 1}:${problem.range.start.character + 1} ${problem.message}`);
      const first = problems[0];
      const target = failure.file ? vscode.Uri.file(failure.file) : specUri;
      const detail = first ? `${failure.message}: ${first.message}` : failure.message;
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
