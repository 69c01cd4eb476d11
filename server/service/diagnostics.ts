/**
 * Diagnostics: everything the engine's `checkSpec` finds (YAML syntax, schema, data files,
 * cross-checks), mapped one to one. Did-you-mean candidates travel in `data` for the quick fixes.
 */
import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { checkSpec, type Problem } from '../../engine/spec';
import { specFileOf, type ServiceContext } from './document';

export interface DiagnosticData {
  suggestions?: string[];
  path?: (string | number)[];
}

const SEVERITY = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, information: DiagnosticSeverity.Information } as const;

export function toDiagnostic(problem: Problem, uri: string): Diagnostic {
  const diagnostic: Diagnostic = {
    range: problem.range,
    severity: SEVERITY[problem.severity],
    code: problem.code,
    source: 'simspec',
    message: problem.message,
  };
  if (problem.related?.length) {
    diagnostic.relatedInformation = problem.related.map((r) => ({
      location: { uri: r.file ? pathToFileURL(r.file).href : uri, range: r.range },
      message: r.message,
    }));
  }
  const data: DiagnosticData = {};
  if (problem.suggestions?.length) data.suggestions = problem.suggestions;
  if (problem.path) data.path = problem.path;
  if (data.suggestions || data.path) diagnostic.data = data;
  return diagnostic;
}

export async function computeDiagnostics(document: TextDocument, context: ServiceContext): Promise<Diagnostic[]> {
  const result = await checkSpec(document.getText(), specFileOf(document.uri), context.io);
  return result.problems.map((p) => toDiagnostic(p, document.uri));
}


/** Where a notice about the whole spec goes: its first line. */
function topOfSpec(text: string): Diagnostic['range'] {
  const newline = text.indexOf('\n');
  const firstLine = newline < 0 ? text : text.slice(0, newline);
  return { start: { line: 0, character: 0 }, end: { line: 0, character: firstLine.replace(/\r$/, '').length } };
}

/** What makes a spec costly to check, in words (size, deepest bracket nesting, line count), from one linear scan. */
export function describeSpecShape(text: string): string {
  let depth = 0;
  let deepest = 0;
  let lines = 1;
  let quote = 0; // the quote character code while inside a quoted scalar on the current line
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      lines++;
      quote = 0;
    } else if (quote !== 0) {
      if (c === quote) quote = 0;
    } else if (c === 34 || c === 39) {
      quote = c;
    } else if (c === 91 || c === 123) {
      if (++depth > deepest) deepest = depth;
    } else if ((c === 93 || c === 125) && depth > 0) {
      depth--;
    }
  }
  const size = text.length < 1024 ? `${text.length} characters` : text.length < 1024 ** 2 ? `${(text.length / 1024).toFixed(1)} K characters` : `${(text.length / 1024 ** 2).toFixed(1)} M characters`;
  if (text.endsWith('\n')) lines--; // a final newline ends the last line, it does not start one
  const parts = [size, `${lines} line${lines === 1 ? '' : 's'}`];
  if (deepest >= 16) parts.push(`brackets nested ${deepest} deep`);
  return parts.join(', ');
}

/**
 * The diagnostic published when validation was abandoned (too slow, out of memory, crashed):
 * the spec must not look clean just because nothing was found in time.
 */
export function validationStoppedDiagnostic(text: string, detail: string): Diagnostic {
  return {
    range: topOfSpec(text),
    severity: DiagnosticSeverity.Error,
    code: 'validation.stopped',
    source: 'simspec',
    message: `simspec stopped checking this spec: ${detail} (${describeSpecShape(text)}). Its problems are not shown. Deep nesting of [ ] and { } or complex keys are the usual cause: the spec format needs neither.`,
  };
}

/** The diagnostic published when validation itself failed (an unreadable file, a bug in simspec, input too deep to walk). */
export function validationFailedDiagnostic(text: string, failure: { name: string; message: string; simspec: boolean; code?: string }): Diagnostic {
  const reason = failure.simspec ? failure.message : `${failure.name}${failure.code ? ` (${failure.code})` : ''}: ${failure.message}`;
  return {
    range: topOfSpec(text),
    severity: DiagnosticSeverity.Error,
    code: 'validation.failed',
    source: 'simspec',
    message: `simspec could not check this spec: ${reason}. Its problems are not shown.`,
  };
}
