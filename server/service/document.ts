/**
 * One parse per document version, shared by every feature (diagnostics, completion, hover, ...),
 * and the mapping between a document's URI and the spec file path the engine resolves against.
 */
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { parseSpec, type ParsedSpec } from '../../engine/spec';
import type { FileIntrospector } from '../../engine/spec/introspector';

/** What the language service needs from the outside world. */
export interface ServiceContext {
  /** The engine's data introspection (cached by path + mtime + size). */
  io: FileIntrospector;
}

const cache = new Map<string, { version: number; text: string; parsed: ParsedSpec }>();

export function parsedOf(document: TextDocument): ParsedSpec {
  const text = document.getText();
  const hit = cache.get(document.uri);
  if (hit && hit.version === document.version && hit.text === text) return hit.parsed;
  const parsed = parseSpec(text);
  if (cache.size > 64) cache.clear();
  cache.set(document.uri, { version: document.version, text, parsed });
  return parsed;
}

export function forgetDocument(uri: string): void {
  cache.delete(uri);
}

/** Absolute path of the spec file (untitled documents resolve against the working directory). */
export function specFileOf(uri: string): string {
  if (uri.startsWith('file:')) {
    try {
      return fileURLToPath(uri);
    } catch {
      // fall through
    }
  }
  return resolve(process.cwd(), 'untitled.simspec.yaml');
}
