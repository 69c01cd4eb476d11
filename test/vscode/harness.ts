/**
 * A mocha-style `suite`/`test` harness small enough to bundle into the extension host (no mocha
 * dependency): tests run in order, each with a timeout, and the run ends in a JSON report.
 */
export interface TestOutcome { name: string; ok: boolean; milliseconds: number; error?: string }
export interface Report { passed: number; failed: number; tests: TestOutcome[]; finished: string }

type Body = () => Promise<void> | void;
const registered: { name: string; body: Body; timeout: number }[] = [];
let prefix = '';
const notes: string[] = [];

/** A line for the report (console output of the extension host is not visible to the launcher). */
export function note(line: string): void {
  notes.push(line);
}

export function suite(name: string, define: () => void): void {
  const outer = prefix;
  prefix = outer ? `${outer} › ${name}` : name;
  define();
  prefix = outer;
}

export function test(name: string, body: Body, timeout = 60_000): void {
  registered.push({ name: prefix ? `${prefix} › ${name}` : name, body, timeout });
}

export async function runRegistered(log: (line: string) => void): Promise<Report> {
  const tests: TestOutcome[] = [];
  for (const t of registered) {
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([Promise.resolve().then(t.body), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${t.timeout} ms`)), t.timeout)))]);
      tests.push({ name: t.name, ok: true, milliseconds: Date.now() - started });
      log(`ok - ${t.name} (${Date.now() - started} ms)`);
      for (const line of notes.splice(0)) log(`  # ${line}`);
    } catch (error) {
      tests.push({ name: t.name, ok: false, milliseconds: Date.now() - started, error: (error as Error)?.stack ?? String(error) });
      log(`not ok - ${t.name}\n  ${(error as Error)?.message}`);
    } finally {
      clearTimeout(timer);
    }
  }
  return { passed: tests.filter((t) => t.ok).length, failed: tests.filter((t) => !t.ok).length, tests, finished: new Date().toISOString() };
}

/** Resolves when `check` returns a value other than undefined (polling), or rejects after `timeout`. */
export async function waitFor<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeout = 30_000): Promise<T> {
  const end = Date.now() + timeout;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
