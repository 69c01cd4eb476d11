/**
 * A stand-in for the `vscode` module, installed at the module boundary (Node's module loader) so a
 * client module runs under node:test without an extension host. It implements only what the client
 * modules under test call, and records what they showed: progress lines, status-bar texts,
 * messages, context keys. Messages can be answered by a test (`answer`), as a user would click.
 * Install it before importing the client module (a dynamic `import()` after `installFakeVscode()`).
 */
import Module from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

type Handler = (...args: unknown[]) => unknown;

export class FakeUri {
  private constructor(readonly scheme: string, readonly fsPath: string) {}
  static file(path: string): FakeUri {
    return new FakeUri('file', path);
  }
  static parse(text: string): FakeUri {
    return new FakeUri('file', text.replace(/^file:\/\//, ''));
  }
  static joinPath(base: FakeUri, ...parts: string[]): FakeUri {
    return new FakeUri(base.scheme, join(base.fsPath, ...parts));
  }
  toString(): string {
    return `file://${this.fsPath}`;
  }
}

export interface FakeProgressRun {
  title: string;
  reports: { message?: string; increment?: number }[];
  /** Press the notification's Cancel button. */
  cancel(): void;
}

export interface FakeMessage {
  severity: 'error' | 'warning' | 'information';
  text: string;
  items: string[];
}

export interface FakeStatusBarItem {
  texts: string[];
  text: string;
  visible: boolean;
  disposed: boolean;
}

export interface FakeVscode {
  module: Record<string, unknown>;
  commands: Map<string, Handler>;
  context: Map<string, unknown>;
  progress: FakeProgressRun[];
  messages: FakeMessage[];
  statusBarItems: FakeStatusBarItem[];
  output: string[];
  /** Answer the next message whose text matches with this item (or undefined, as when dismissed). */
  answer(match: RegExp, reply: (message: FakeMessage) => string | undefined | Promise<string | undefined>): void;
  /** Called on every progress report (tests cancel from here). */
  onReport?: (run: FakeProgressRun) => void;
  execute(id: string, ...args: unknown[]): Promise<unknown>;
}

let installed: FakeVscode | undefined;

export function installFakeVscode(): FakeVscode {
  if (installed) return installed;
  const commands = new Map<string, Handler>();
  const context = new Map<string, unknown>();
  const progress: FakeProgressRun[] = [];
  const messages: FakeMessage[] = [];
  const statusBarItems: FakeStatusBarItem[] = [];
  const output: string[] = [];
  const answers: { match: RegExp; reply: (m: FakeMessage) => string | undefined | Promise<string | undefined> }[] = [];
  const show = (severity: FakeMessage['severity']) => async (text: string, ...items: string[]) => {
    const message = { severity, text, items };
    messages.push(message);
    const at = answers.findIndex((a) => a.match.test(text));
    if (at < 0) return undefined;
    const [answer] = answers.splice(at, 1);
    return answer!.reply(message);
  };
  const fake: FakeVscode = {
    module: {},
    commands,
    context,
    progress,
    messages,
    statusBarItems,
    output,
    answer: (match, reply) => answers.push({ match, reply }),
    execute: async (id, ...args) => {
      if (id === 'setContext') {
        context.set(args[0] as string, args[1]);
        return undefined;
      }
      const handler = commands.get(id);
      if (!handler) throw new Error(`no command ${id}`);
      return handler(...args);
    },
  };
  fake.module = {
    Uri: FakeUri,
    ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
    StatusBarAlignment: { Left: 1, Right: 2 },
    ViewColumn: { Active: -1, Beside: -2, One: 1 },
    commands: {
      registerCommand: (id: string, handler: Handler) => {
        commands.set(id, handler);
        return { dispose: () => commands.delete(id) };
      },
      executeCommand: (id: string, ...args: unknown[]) => fake.execute(id, ...args),
    },
    window: {
      activeTextEditor: undefined,
      showErrorMessage: show('error'),
      showWarningMessage: show('warning'),
      showInformationMessage: show('information'),
      createStatusBarItem: () => {
        const record: FakeStatusBarItem = { texts: [], text: '', visible: false, disposed: false };
        statusBarItems.push(record);
        return {
          name: '',
          tooltip: '',
          command: undefined,
          get text() {
            return record.text;
          },
          set text(value: string) {
            record.text = value;
            record.texts.push(value);
          },
          show: () => (record.visible = true),
          hide: () => (record.visible = false),
          dispose: () => {
            record.visible = false;
            record.disposed = true;
          },
        };
      },
      withProgress: async <T>(options: { title?: string }, task: (progress: { report(value: { message?: string; increment?: number }): void }, token: unknown) => Promise<T>): Promise<T> => {
        const listeners: (() => void)[] = [];
        const token = {
          isCancellationRequested: false,
          onCancellationRequested: (listener: () => void) => {
            listeners.push(listener);
            return { dispose: () => undefined };
          },
        };
        const run: FakeProgressRun = {
          title: options.title ?? '',
          reports: [],
          cancel: () => {
            if (token.isCancellationRequested) return;
            token.isCancellationRequested = true;
            for (const l of listeners) l();
          },
        };
        progress.push(run);
        return task({ report: (value) => { run.reports.push(value); fake.onReport?.(run); } }, token);
      },
    },
    workspace: {
      isTrusted: true,
      getConfiguration: () => ({ get: <T>(_key: string, fallback: T) => fallback }),
      openTextDocument: async (uri: FakeUri) => {
        const text = readFileSync(uri.fsPath, 'utf8');
        return { uri, languageId: 'simspec', isDirty: false, getText: () => text, save: async () => true };
      },
    },
  };
  const loader = Module as unknown as { _load(request: string, parent: unknown, isMain: boolean): unknown };
  const original = loader._load;
  loader._load = function (request: string, parent: unknown, isMain: boolean) {
    if (request === 'vscode') return fake.module;
    return original.call(this, request, parent, isMain);
  };
  installed = fake;
  return fake;
}

/** An output channel that keeps its lines. */
export function fakeOutputChannel(lines: string[]): { append(text: string): void; appendLine(line: string): void } {
  return { append: (text) => lines.push(text), appendLine: (line) => lines.push(line) };
}
