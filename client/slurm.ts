/**
 * *Submit Spec to SLURM*: on a cluster's login node (typically reached through Remote-SSH, where the
 * extension host runs next to `sbatch`), the spec is submitted as a job array of shards plus a
 * dependent merge job, the shards' progress is shown as a notification and in the status bar, the
 * notification's Cancel button cancels both jobs (`scancel`), and the merged results open in the
 * results panel when the merge job has written them.
 *
 * Submission goes through the CLI (`bin/simspec.js submit --slurm`), run by this host's Node: the
 * batch scripts name the program every shard runs, which must be a Node process with the CLI —
 * never the extension host itself — and the plan hash that shards carry names the CLI bundle
 * (engine/scale/plan.ts), so the plan must come from the CLI too. Watching needs no CLI: the
 * shard folder's markers and the queue are read in-process (engine/scale/submission.ts, the same
 * logic as `simspec status`), against the plan hash the CLI recorded in `submission.json`.
 *
 * The command is offered when `sbatch` answers on the PATH (context key simspec.slurmAvailable).
 */
import * as vscode from 'vscode';
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { cancelJobs, hasSlurmAsync, queueStateAsync } from '../engine/scale/slurm';
import { shardBaseName, type ShardProblem } from '../engine/scale/shardFiles';
import { defaultShardFolder, describeProgress, readSubmission, submissionProgress, type ShardProgress, type Submission } from '../engine/scale/submission';
import { specDocument, trusted } from './commands';
import type { ResultsPanels } from './panel';
import { resultsPathOf } from './specLocations';

export const SLURM_CONTEXT_KEY = 'simspec.slurmAvailable';
export const SUBMIT_COMMAND = 'simspec.submitToSlurm';

export interface SlurmSubmitOptions {
  shards?: number;
  maxParallel?: number;
  partition?: string;
  /** More `simspec submit` arguments (`--time 2:00:00`, `--mem 8G`, `--no-cache`…). */
  extraArguments?: string[];
}

export interface SlurmOutcome {
  status: 'done' | 'failed' | 'cancelled';
  /** The merged results file (done). */
  results?: string;
  submission?: Submission;
  progress?: ShardProgress;
  message?: string;
  /** Every progress line shown, in order (tests read it). */
  reported: string[];
}

export interface SlurmDeps {
  context: vscode.ExtensionContext;
  panels: Pick<ResultsPanels, 'show'>;
  output: vscode.OutputChannel;
  /** The CLI the jobs run (default: this extension's bin/simspec.js). */
  cliPath?: string;
  /** How often the queue and the shard folder are read (default 3 s). */
  pollMilliseconds?: number;
}

/** Specs whose submission is being watched: a second submission would overwrite its shard folder's record. */
const watching = new Set<string>();

/** Registers the command and sets the context key that shows it once `sbatch` has answered. */
export function registerSlurm(deps: SlurmDeps): Promise<boolean> {
  deps.context.subscriptions.push(
    vscode.commands.registerCommand(SUBMIT_COMMAND, async (argument?: unknown, options?: SlurmSubmitOptions) => {
      const document = await specDocument(argument);
      if (!document || !trusted()) return undefined;
      const specFile = document.uri.fsPath;
      if (watching.has(specFile)) {
        void vscode.window.showWarningMessage(`simspec: ${specFile} is already submitted and being watched; cancel it from its notification first.`);
        return undefined;
      }
      watching.add(specFile);
      try {
        return await submitAndWatch(deps, specFile, resultsPathOf(specFile, document.getText()), { ...settings(document.uri), ...(options ?? {}) });
      } finally {
        watching.delete(specFile);
      }
    }),
  );
  return hasSlurmAsync().then(async (found) => {
    await vscode.commands.executeCommand('setContext', SLURM_CONTEXT_KEY, found);
    return found;
  });
}

function settings(scope: vscode.Uri): SlurmSubmitOptions {
  const config = vscode.workspace.getConfiguration('simspec.slurm', scope);
  const shards = config.get<number>('shards', 0);
  const maxParallel = config.get<number>('maxParallel', 0);
  const partition = config.get<string>('partition', '').trim();
  return { ...(shards > 0 ? { shards } : {}), ...(maxParallel > 0 ? { maxParallel } : {}), ...(partition ? { partition } : {}) };
}

/** `simspec submit` arguments for these options. */
export function submitArguments(specFile: string, options: SlurmSubmitOptions, resubmit = false): string[] {
  return [
    'submit', specFile, '--slurm',
    ...(resubmit ? ['--resubmit'] : options.shards ? ['--shards', String(options.shards)] : []),
    ...(options.maxParallel ? ['--max-parallel', String(options.maxParallel)] : []),
    ...(options.partition ? ['--partition', options.partition] : []),
    ...(options.extraArguments ?? []),
  ];
}

function runCli(cliPath: string, args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // This host's Node runs the CLI (Electron's binary runs as Node with ELECTRON_RUN_AS_NODE);
    // sbatch passes this environment on to the jobs, whose scripts name the same program.
    const child = spawn(process.execPath, [cliPath, ...args], { cwd, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (error) => resolve({ code: 127, stdout, stderr: stderr + error.message }));
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr }));
  });
}

function modified(file: string): number | undefined {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

function describeProblem(problem: ShardProblem, of: number): string {
  if (!('index' in problem)) return problem.reason;
  const name = shardBaseName(problem.index, of);
  switch (problem.kind) {
    case 'missing': return `${name}: no file (the job failed or was cancelled)`;
    case 'unfinished': return `${name}: not marked complete (killed mid-write)`;
    case 'corrupt': return `${name}: refused: ${problem.reason}`;
    case 'stale': return `${name}: refused: made from another plan`;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Submit (or resubmit the failed shards), watch until the merge job is gone, open the results. */
export async function submitAndWatch(deps: SlurmDeps, specFile: string, resultsFile: string, options: SlurmSubmitOptions, resubmit = false): Promise<SlurmOutcome> {
  const cliPath = deps.cliPath ?? vscode.Uri.joinPath(deps.context.extensionUri, 'bin', 'simspec.js').fsPath;
  const folder = defaultShardFolder(specFile);
  const reported: string[] = [];
  const before = modified(resultsFile);
  const args = submitArguments(specFile, options, resubmit);
  deps.output.appendLine(`$ simspec ${args.join(' ')}`);
  const submitted = await runCli(cliPath, args, dirname(specFile));
  deps.output.append(submitted.stderr + submitted.stdout);
  const ids = /array job (\d+).*merge job (\d+)/.exec(submitted.stdout);
  if (submitted.code !== 0 || !ids) {
    const message = (submitted.stderr.trim().split('\n').filter((l) => !/^plan [0-9a-f]{16}:/.test(l)).join(' ') || submitted.stdout.trim() || `simspec submit exited with ${submitted.code}`).slice(0, 500);
    void vscode.window.showErrorMessage(`simspec: submitting to SLURM failed: ${message}`);
    return { status: 'failed', message, reported };
  }
  let submission: Submission | undefined;
  try {
    submission = readSubmission(folder);
  } catch (error) {
    void vscode.window.showErrorMessage(`simspec: ${(error as Error).message}`);
  }
  if (!submission || submission.arrayJobId !== ids[1] || !submission.planHash) {
    const message = `the submission record in ${folder} does not name array job ${ids[1]} with its plan`;
    void vscode.window.showErrorMessage(`simspec: ${message}`);
    return { status: 'failed', message, reported };
  }
  const watched = submission;
  const planHash = submission.planHash;
  const jobs = [watched.arrayJobId, watched.mergeJobId];
  const status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 10);
  status.name = 'simspec SLURM';
  status.tooltip = `simspec: SLURM array job ${watched.arrayJobId}, merge job ${watched.mergeJobId} (${folder})`;
  status.text = `$(server-process) simspec 0/${watched.of}`;
  status.show();
  const name = specFile.split(/[\\/]/).pop() ?? specFile;
  const interval = deps.pollMilliseconds ?? 3000;
  try {
    const outcome = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `simspec: SLURM ${name}`, cancellable: true },
      async (progress, token): Promise<SlurmOutcome> => {
        let cancelled = false;
        token.onCancellationRequested(() => (cancelled = true));
        let shown = 0;
        let goneOnce = false;
        let queueErrors = 0;
        for (;;) {
          if (cancelled) {
            await cancelJobs(jobs);
            deps.output.appendLine(`scancel ${jobs.join(' ')}`);
            return { status: 'cancelled', submission: watched, reported, message: `cancelled jobs ${jobs.join(', ')}` };
          }
          let state: ShardProgress;
          try {
            state = submissionProgress(watched, planHash, await queueStateAsync(jobs));
            queueErrors = 0;
          } catch (error) {
            // A controller that does not answer for a while (restart, network) is not a failure of the run.
            if (++queueErrors >= 10) return { status: 'failed', submission: watched, reported, message: (error as Error).message };
            deps.output.appendLine(`squeue: ${(error as Error).message}`);
            await sleep(interval);
            continue;
          }
          const line = describeProgress(state);
          if (reported.at(-1) !== line) {
            reported.push(line);
            deps.output.appendLine(line);
          }
          progress.report({ message: line, increment: ((state.complete.length - shown) / state.of) * 100 });
          shown = state.complete.length;
          status.text = `$(server-process) simspec ${state.complete.length}/${state.of}`;
          const settled = state.merge === 'gone' && state.running.length === 0 && state.pending.length === 0;
          if (settled && modified(resultsFile) !== before && modified(resultsFile) !== undefined) return { status: 'done', results: resultsFile, submission: watched, progress: state, reported };
          // The merge job left the queue without a new results file: seen twice, so a file system
          // slower than the queue does not turn a finished merge into a failure.
          if (settled && goneOnce) {
            const problems = state.problems.map((p) => describeProblem(p, state.of));
            const message = state.failed.length
              ? `${state.failed.length} of ${state.of} shards failed, so the merge job did not run: ${problems.join('; ')}; logs in ${join(folder, 'logs')}`
              : `the merge job ended without writing ${resultsFile}; see ${join(folder, 'logs', 'merge.out')}`;
            return { status: 'failed', submission: watched, progress: state, reported, message };
          }
          goneOnce = settled;
          await Promise.race([sleep(interval), new Promise<void>((r) => token.onCancellationRequested(() => r()))]);
        }
      },
    );
    if (outcome.status === 'done') {
      deps.panels.show(resultsFile);
      void vscode.window.showInformationMessage(`simspec: SLURM run of ${name} merged from ${watched.of} shards.`);
    } else if (outcome.status === 'failed') {
      deps.output.appendLine(outcome.message ?? 'failed');
      const choice = await vscode.window.showErrorMessage(`simspec: ${outcome.message}`, ...(outcome.progress?.failed.length ? ['Resubmit Failed Shards'] : []));
      if (choice === 'Resubmit Failed Shards') return submitAndWatch(deps, specFile, resultsFile, options, true);
    } else void vscode.window.showInformationMessage(`simspec: ${outcome.message}.`);
    return outcome;
  } finally {
    status.dispose();
  }
}
