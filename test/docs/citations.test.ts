/**
 * Source comments cite only files of this repository (issue 10 item 4). Every file of the scanned
 * folders is read and
 *   - a mention of a `.md` file must name a file that exists (relative to the citing file, to the
 *     repository root, or — for a bare name such as `README.md` — somewhere in the repository);
 *   - a section cited right after a doc (`docs/metrics.md §4.4`, `§3.5–3.6`, `§8 items 19–22`,
 *     `docs/performance.md §4/§6`) must be a numbered heading of that doc, and a cited item a
 *     numbered list item under that heading;
 *   - the background notes that were never part of the repository (the metrics reference and the
 *     performance notes, kept outside it while docs/ was written) must not be mentioned at all.
 * The checker is first run on small synthetic texts, so a checker that finds nothing cannot pass.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const SCANNED_FOLDERS = ['engine', 'server', 'client', 'bench', 'scripts', 'assembly', 'test', 'schemas', 'docs'];
const SCANNED_ROOT_FILES = ['README.md'];
const TEXT_EXTENSIONS = /\.(ts|tsx|js|mjs|cjs|json|md|py|ya?ml|sh|html|css)$/;
const SKIPPED_FOLDERS = new Set(['node_modules', 'dist', 'out', '.git']);
const MAX_SCANNED_BYTES = 2_000_000;
/** Background notes that lived outside the repository; their numbering now lives in docs/. */
const BACKGROUND_NOTES = ['metrics-reference', 'performance-notes'];
/** This file names the background notes and cites made-up docs on purpose (the checker's own tests). */
const THIS_FILE = relative(ROOT, __filename);

/** Section ids of a markdown doc (`## 4. Title`, `### 4.4 Title` → '4', '4.4') and the numbered
 *  list items under each heading (`25. text` under `## 8.` → item 25 of '8'). */
export interface DocOutline {
  sections: Set<string>;
  items: Map<string, Set<number>>;
}

export function outlineOf(markdown: string): DocOutline {
  const sections = new Set<string>();
  const items = new Map<string, Set<number>>();
  let current: string | undefined;
  let inFence = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*```/.test(line)) inFence = !inFence;
    if (inFence) continue;
    const heading = /^#{1,6}\s+(\d+(?:\.\d+)*)\.?\s/.exec(line);
    if (heading) {
      current = heading[1];
      sections.add(current);
      items.set(current, new Set());
      continue;
    }
    if (/^#{1,6}\s/.test(line)) {
      current = undefined;
      continue;
    }
    const item = /^\s*(\d+)\.\s/.exec(line);
    if (item && current !== undefined) items.get(current)!.add(Number(item[1]));
  }
  return { sections, items };
}

export interface Citation {
  doc: string;
  section?: string;
  item?: number;
  offset: number;
}

// A doc mention: a path ending in .md that is not part of a URL or a longer path.
const DOC_MENTION = /(?<![\w/.:@-])((?:\.\.?\/)*(?:[\w-][\w.-]*\/)*[\w-][\w.-]*\.md)\b/g;
// One cited section after a doc mention, possibly after separators, comment leaders and line breaks:
// "§4.4", "§3.5–3.6", "§1–§3", "§8 item 9", "§8 items 19–22", "§8 items 19, 22".
const SECTION_REF =
  /^(?:[\s,;/*]|\/\/|\band\b|\bor\b)*§\s*(\d+(?:\.\d+)*)(?:\s*[–-]\s*§?\s*(\d+(?:\.\d+)*))?((?:\s*items?\s+\d+(?:\s*[–-]\s*\d+)?(?:\s*,\s*\d+(?:\s*[–-]\s*\d+)?)*)?)/;

/** Every doc mention of a text, with the sections and items cited right after it. */
export function citationsIn(text: string): Citation[] {
  const found: Citation[] = [];
  for (const mention of text.matchAll(DOC_MENTION)) {
    const doc = mention[1];
    const offset = mention.index!;
    found.push({ doc, offset });
    let rest = text.slice(offset + doc.length, offset + doc.length + 400);
    for (let ref = SECTION_REF.exec(rest); ref; ref = SECTION_REF.exec(rest)) {
      const sections = [ref[1], ...(ref[2] ? [ref[2]] : [])];
      const itemNumbers = [...(ref[3] ?? '').matchAll(/\d+/g)].map((m) => Number(m[0]));
      for (const section of sections) {
        found.push({ doc, section, offset });
        for (const item of itemNumbers) found.push({ doc, section, item, offset });
      }
      rest = rest.slice(ref[0].length);
    }
  }
  return found;
}

interface Repository {
  exists(path: string): boolean;
  /** Some file of the repository with this name, if any. */
  withBasename(name: string): string | undefined;
  read(path: string): string;
}

const basenameOf = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/** Problems with the citations of one file (path relative to the repository root). */
export function problemsIn(path: string, text: string, repo: Repository): string[] {
  const problems: string[] = [];
  const lineOf = (offset: number) => text.slice(0, offset).split('\n').length;
  for (const name of BACKGROUND_NOTES) {
    for (let at = text.indexOf(name); at >= 0; at = text.indexOf(name, at + 1)) {
      problems.push(`${path}:${lineOf(at)}: mentions ${name}, which is not in this repository; cite docs/ instead`);
    }
  }
  const outlines = new Map<string, DocOutline>();
  for (const citation of citationsIn(text)) {
    const where = `${path}:${lineOf(citation.offset)}`;
    if (BACKGROUND_NOTES.some((name) => citation.doc.includes(name))) continue; // reported above
    const target = resolveDoc(path, citation.doc, repo);
    if (target === undefined) {
      if (citation.section === undefined) problems.push(`${where}: cites ${citation.doc}, which does not exist in the repository`);
      continue;
    }
    if (citation.section === undefined) continue;
    if (!outlines.has(target)) outlines.set(target, outlineOf(repo.read(target)));
    const outline = outlines.get(target)!;
    if (!outline.sections.has(citation.section)) {
      if (citation.item === undefined) problems.push(`${where}: cites ${citation.doc} §${citation.section}, which ${target} does not have`);
    } else if (citation.item !== undefined && !outline.items.get(citation.section)!.has(citation.item)) {
      problems.push(`${where}: cites ${citation.doc} §${citation.section} item ${citation.item}, which ${target} does not have`);
    }
  }
  return problems;
}

function resolveDoc(citingPath: string, doc: string, repo: Repository): string | undefined {
  const candidates = [join(dirname(citingPath), doc), doc.replace(/^(\.\.?\/)+/, '')];
  for (const candidate of candidates) if (repo.exists(candidate)) return candidate;
  if (!doc.includes('/')) return repo.withBasename(doc);
  return undefined;
}

function* allFiles(folder: string): Generator<string> {
  for (const name of readdirSync(folder)) {
    if (SKIPPED_FOLDERS.has(name)) continue;
    const path = join(folder, name);
    const stat = statSync(path);
    if (stat.isDirectory()) yield* allFiles(path);
    else yield path;
  }
}

function onDisk(): Repository {
  const byBasename = new Map<string, string>();
  for (const file of allFiles(ROOT)) byBasename.set(basenameOf(file), relative(ROOT, file));
  return {
    exists: (path) => existsSync(join(ROOT, path)) && statSync(join(ROOT, path)).isFile(),
    withBasename: (name) => byBasename.get(name),
    read: (path) => readFileSync(join(ROOT, path), 'utf8'),
  };
}

function inMemory(files: Record<string, string>): Repository {
  return {
    exists: (path) => path in files,
    withBasename: (name) => Object.keys(files).find((f) => basenameOf(f) === name),
    read: (path) => files[path],
  };
}

const SYNTHETIC_DOC = ['# Title', '', '## 2. RSA', '### 2.3 Comparing', '## 8. Pitfalls', '1. first', '2. second', '25. ridge'].join('\n');

test('the checker parses headings, ranges, items and comment line breaks', () => {
  const outline = outlineOf(SYNTHETIC_DOC);
  assert.deepEqual([...outline.sections], ['2', '2.3', '8']);
  assert.deepEqual([...outline.items.get('8')!], [1, 2, 25]);
  const cited = citationsIn('x (docs/m.md §2.3, §8 items 1–2, 25) y\n * docs/m.md\n * §2/§8 item 2; see http://a.b/c.md and Recipes §6.4')
    .map((c) => `${c.doc}${c.section ? ` §${c.section}` : ''}${c.item ? ` item ${c.item}` : ''}`);
  assert.deepEqual(cited, [
    'docs/m.md',
    'docs/m.md §2.3',
    'docs/m.md §8',
    'docs/m.md §8 item 1',
    'docs/m.md §8 item 2',
    'docs/m.md §8 item 25',
    'docs/m.md',
    'docs/m.md §2',
    'docs/m.md §8',
    'docs/m.md §8 item 2',
  ]);
});

test('the checker reports a missing doc, a missing section, a missing item and the background notes', () => {
  const repo = inMemory({ 'docs/m.md': SYNTHETIC_DOC, 'README.md': '# r' });
  const good = '// docs/m.md §2.3, §8 item 25; README.md; ../../docs/m.md §2';
  assert.deepEqual(problemsIn('engine/metrics/x.ts', good, repo), []);
  const bad = [
    '// docs/gone.md',
    '// docs/m.md §4.4',
    '// docs/m.md §8 item 26',
    `// ${BACKGROUND_NOTES[0]}.md §2`,
    `// ${BACKGROUND_NOTES[1]} §6`,
  ].join('\n');
  const problems = problemsIn('engine/x.ts', bad, repo);
  assert.equal(problems.length, 5, problems.join('\n'));
  assert.match(problems.join('\n'), /docs\/gone\.md, which does not exist/);
  assert.match(problems.join('\n'), /§4\.4, which docs\/m\.md does not have/);
  assert.match(problems.join('\n'), /§8 item 26, which docs\/m\.md does not have/);
  assert.match(problems.join('\n'), /:4: mentions metrics-reference/);
  assert.match(problems.join('\n'), /:5: mentions performance-notes/);
});

test('every doc citation in engine, server, client, bench, scripts, assembly, test, schemas and docs resolves', () => {
  const repo = onDisk();
  const files = [
    ...SCANNED_ROOT_FILES.filter((f) => repo.exists(f)).map((f) => join(ROOT, f)),
    ...SCANNED_FOLDERS.filter((f) => existsSync(join(ROOT, f))).flatMap((f) => [...allFiles(join(ROOT, f))]),
  ].filter((f) => TEXT_EXTENSIONS.test(f) && statSync(f).size <= MAX_SCANNED_BYTES && relative(ROOT, f) !== THIS_FILE);
  assert.ok(files.length > 100, `only ${files.length} files found under ${ROOT}`);
  const problems = files.flatMap((f) => problemsIn(relative(ROOT, f), readFileSync(f, 'utf8'), repo));
  assert.deepEqual(problems, []);
});
