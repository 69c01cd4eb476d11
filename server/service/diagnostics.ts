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

