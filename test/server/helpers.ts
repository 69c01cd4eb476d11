/** Helpers for the language-server tests: documents with a `|` cursor marker, fixture paths. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Position } from 'vscode-languageserver-types';
import { createFileIntrospector } from '../../engine/spec/introspector';
import type { ServiceContext } from '../../server/service/document';

export const FIXTURES = join(__dirname, 'fixtures');
export const SAMPLE_PATH = join(FIXTURES, 'sample.simspec.yaml');
export const SAMPLE_URI = pathToFileURL(SAMPLE_PATH).href;
export const sampleText = (): string => readFileSync(SAMPLE_PATH, 'utf8');

export function context(): ServiceContext {
  return { io: createFileIntrospector() };
}

let version = 0;

/** A document from text; a `|` marks the cursor (the first one), which is removed. */
export function withCursor(text: string, uri = SAMPLE_URI): { document: TextDocument; position: Position } {
  const at = text.indexOf('|');
  if (at < 0) throw new Error('no | cursor marker');
  const clean = text.slice(0, at) + text.slice(at + 1);
  const document = TextDocument.create(uri, 'simspec', ++version, clean);
  return { document, position: document.positionAt(at) };
}

export function doc(text: string, uri = SAMPLE_URI): TextDocument {
  return TextDocument.create(uri, 'simspec', ++version, text);
}

/** The sample spec with `find` replaced by `replacement` (which may hold the `|` cursor). */
export function sampleWith(find: string, replacement: string): string {
  const text = sampleText();
  if (!text.includes(find)) throw new Error(`sample has no ${JSON.stringify(find)}`);
  return text.replace(find, replacement);
}
