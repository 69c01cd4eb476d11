/**
 * Where the cursor is, structurally, in a spec that is being typed (so usually not valid YAML):
 * completion must work on `  metr|` and on an empty line. Like yaml-language-server, this reads
 * the block structure from indentation (keys and `- ` item markers on the lines above) instead of
 * trusting the parse, and handles one level of flow collections (`{ file: a.npz, key: | }`).
 */
import type { SpecPath } from '../../engine/spec';

interface Token {
  col: number;
  type: 'dash' | 'key';
  key?: string;
  /** Column just after the key's colon. */
  colonEnd?: number;
}

const KEY = /^("(?:[^"\\]|\\.)*"|'[^']*'|[^\s#'"{}[\],-][^#{}[\],]*?|-[^\s#{}[\],][^#{}[\],]*?)\s*:(?=\s|$)/;

export function tokenize(line: string): Token[] {
  const tokens: Token[] = [];
  let pos = line.length - line.trimStart().length;
  if (line[pos] === '#') return tokens;
  while (line[pos] === '-' && (pos + 1 >= line.length || line[pos + 1] === ' ' || line[pos + 1] === '\t')) {
    tokens.push({ col: pos, type: 'dash' });
    pos++;
    while (line[pos] === ' ' || line[pos] === '\t') pos++;
  }
  const m = KEY.exec(line.slice(pos));
  if (m) {
    let key = m[1]!;
    if ((key.startsWith('"') && key.endsWith('"')) || (key.startsWith("'") && key.endsWith("'"))) key = key.slice(1, -1);
    tokens.push({ col: pos, type: 'key', key, colonEnd: pos + m[0].length });
  }
  return tokens;
}

/** Index of the list item whose `- ` is at column `col` of line `line`. */
function itemIndex(lines: string[], line: number, col: number): number {
  let index = 0;
  for (let j = line - 1; j >= 0; j--) {
    const tokens = tokenize(lines[j] ?? '');
    if (tokens.length === 0) continue;
    const first = tokens[0]!;
    if (first.col < col) break;
    if (first.col === col) {
      if (first.type === 'dash') index++;
      else break; // the list's own key, at the same indentation as its items
    }
  }
  return index;
}

/**
 * Path of the collection that something starting at column `col` of line `line` belongs to:
 * the ancestors are the keys and item markers at smaller columns, on this line and above.
 */
export function containerPath(lines: string[], line: number, col: number): SpecPath {
  const reversed: SpecPath = [];
  let cur = col;
  let afterDash = false;
  const visit = (token: Token, j: number): void => {
    if (token.type === 'dash' && token.col < cur) {
      reversed.push(itemIndex(lines, j, token.col));
      cur = token.col;
      afterDash = true;
    } else if (token.type === 'key' && (token.col < cur || (afterDash && token.col === cur && j < line))) {
      reversed.push(token.key!);
      cur = token.col;
      afterDash = false;
    }
  };
  const own = tokenize(lines[line] ?? '').filter((t) => t.col < col);
  for (let i = own.length - 1; i >= 0; i--) visit(own[i]!, line);
  for (let j = line - 1; j >= 0; j--) {
    if (cur === 0 && !afterDash) break;
    const tokens = tokenize(lines[j] ?? '');
    // A dash sibling at the current column ends nothing; only tokens left of `cur` are ancestors.
    for (let i = tokens.length - 1; i >= 0; i--) visit(tokens[i]!, j);
  }
  return reversed.reverse();
}

export interface CursorContext {
  /** 'key': a key of the mapping at `path` is being typed; 'value': the value at `path`. */
  kind: 'key' | 'value';
  path: SpecPath;
  /** Text typed so far (quotes stripped). */
  prefix: string;
  /** Character range on the cursor's line that a completion replaces. */
  replaceStart: number;
  replaceEnd: number;
  /** Column a key typed here starts at (block context), for snippets' indentation. */
  indent: number;
  /** Inside `{ }` or `[ ]` on this line. */
  inFlow: boolean;
  /** The whole line the cursor is on. */
  lineText: string;
  /** The cursor follows a list marker with nothing after it (`- |`): an item, which may be a mapping. */
  itemPath?: SpecPath;
}

/** Split `text` at flow level 0 of the innermost unclosed bracket; returns undefined when none is open. */
function openFlow(text: string): { open: number; bracket: '{' | '['; lastSeparator: number; commas: number } | undefined {
  const stack: { open: number; bracket: '{' | '['; lastSeparator: number; commas: number }[] = [];
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '#' && (i === 0 || text[i - 1] === ' ')) break;
    else if (ch === '{' || ch === '[') stack.push({ open: i, bracket: ch, lastSeparator: i, commas: 0 });
    else if ((ch === '}' || ch === ']') && stack.length) stack.pop();
    else if (ch === ',' && stack.length) {
      stack[stack.length - 1]!.lastSeparator = i;
      stack[stack.length - 1]!.commas++;
    }
  }
  return stack.length === 1 ? stack[0] : undefined;
}

const WORD_AFTER = /^[^\s,{}[\]#:]*/;

function unquote(text: string): { text: string; offset: number } {
  if (text.startsWith('"') || text.startsWith("'")) return { text: text.slice(1), offset: 1 };
  return { text, offset: 0 };
}

/** The structural context of the cursor at (line, character). */
export function cursorContext(text: string, line: number, character: number): CursorContext {
  const lines = text.split(/\r?\n/);
  if (line >= lines.length || line < 0) return { kind: 'key', path: [], prefix: '', replaceStart: character, replaceEnd: character, indent: 0, inFlow: false, lineText: '' };
  const full = lines[line]!;
  const before = full.slice(0, character);
  const after = full.slice(character);
  const wordAfter = WORD_AFTER.exec(after)![0].length;
  const tokens = tokenize(before);
  const keyToken = tokens.find((t) => t.type === 'key' && t.colonEnd! <= character);
  const firstCol = before.length - before.trimStart().length;

  // Flow collection opened on this line after a key or a list marker.
  const flowStart = keyToken ? keyToken.colonEnd! : tokens.length ? tokens[tokens.length - 1]!.col + 1 : firstCol;
  const flow = openFlow(before.slice(flowStart));
  if (flow) {
    const ownerPath = keyToken ? [...containerPath(lines, line, keyToken.col), keyToken.key!] : containerPath(lines, line, flowStart + 1);
    const segmentStart = flowStart + flow.lastSeparator + 1;
    const segment = before.slice(segmentStart);
    const lead = segment.length - segment.trimStart().length;
    if (flow.bracket === '[') {
      const { text: prefix, offset } = unquote(segment.trimStart());
      return { kind: 'value', path: [...ownerPath, flow.commas], prefix, replaceStart: segmentStart + lead + offset, replaceEnd: character + wordAfter, indent: 0, inFlow: true, lineText: full };
    }
    const kv = /^(\s*)([^\s:,{}[\]]+)\s*:\s*/.exec(segment);
    if (kv) {
      const { text: prefix, offset } = unquote(segment.slice(kv[0].length));
      return { kind: 'value', path: [...ownerPath, kv[2]!], prefix, replaceStart: segmentStart + kv[0].length + offset, replaceEnd: character + wordAfter, indent: 0, inFlow: true, lineText: full };
    }
    return { kind: 'key', path: ownerPath, prefix: segment.trim(), replaceStart: segmentStart + lead, replaceEnd: character + wordAfter, indent: 0, inFlow: true, lineText: full };
  }

  if (keyToken) {
    const raw = before.slice(keyToken.colonEnd!);
    const lead = raw.length - raw.trimStart().length;
    const { text: prefix, offset } = unquote(raw.trimStart());
    return {
      kind: 'value',
      path: [...containerPath(lines, line, keyToken.col), keyToken.key!],
      prefix,
      replaceStart: keyToken.colonEnd! + lead + offset,
      replaceEnd: character + wordAfter,
      indent: keyToken.col,
      inFlow: false,
      lineText: full,
    };
  }
  const dashes = tokens.filter((t) => t.type === 'dash');
  const textStart = dashes.length ? dashes[dashes.length - 1]!.col + 2 : firstCol;
  const { text: prefix } = unquote(before.slice(Math.min(textStart, before.length)).trimStart());
  const replaceStart = Math.max(textStart, before.length - prefix.length);
  if (dashes.length) {
    const itemPath = containerPath(lines, line, textStart);
    return { kind: 'key', path: itemPath, prefix, replaceStart, replaceEnd: character + wordAfter, indent: textStart, inFlow: false, itemPath, lineText: full };
  }
  // A key being typed (or an empty line): its column decides its parent.
  const indent = prefix.length > 0 || before.trim().length > 0 ? firstCol : character;
  return { kind: 'key', path: containerPath(lines, line, indent), prefix, replaceStart, replaceEnd: character + wordAfter, indent, inFlow: false, lineText: full };
}
