/**
 * Reads every import of the product's TypeScript (engine/, server/, client/) and checks it against
 * the layer order of docs/architecture.md. Used by test/architecture/layering.test.ts; kept apart
 * so that the test can also run the checker on small made-up trees and show that it fails on them.
 *
 * Layers, lowest first (a file may import its own layer's folder or any layer below; never above):
 *
 *   0 engine/core
 *   1 engine/linalg
 *   2 engine/io                      readers; only core and linalg below them
 *   3 engine/stats | engine/inference  (the two may import each other's files; no cycles)
 *   4 engine/metrics                 one folder per metric family; a family imports no other
 *                                    family's folder, only engine/metrics/common and the layers below
 *   5 engine/families | engine/cases  a family's definition and its reference-case handler
 *   5.5 engine/model                 running an ONNX network on images (io and core below it)
 *   6 engine/spec                    parsing and checking a spec, using the families' definitions
 *   7 engine/run                     plan → execute → results, the worker and its protocol
 *   7.5 engine/scale                 sharding a run: plan, shards, merge, SLURM (above run, below the programs)
 *   8 engine/cli.ts | server | client   the three programs; none imports another, except that
 *                                    client/ may import the panel's message types (client/webview)
 *
 * Besides the order: engine/ and server/ never import `vscode`; client/webview/ (a browser bundle)
 * never imports Node's modules or `vscode`, and imports only types from the engine; no import cycle
 * between files anywhere (type-only imports included: they are dependencies all the same).
 */
import { readdirSync, readFileSync, existsSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, posix } from 'node:path';
import ts from 'typescript';

export interface ImportEdge {
  /** Importing file, relative to the repository root with '/' separators. */
  from: string;
  line: number;
  specifier: string;
  /** The imported file (relative path) for relative specifiers that resolve; undefined otherwise. */
  to?: string;
  /** `import type`, `export type`, an import whose every name is a type, or an `import('x')` type. */
  typeOnly: boolean;
  kind: 'import' | 'export' | 'dynamic import' | 'require' | 'import type node';
}

export interface Violation {
  rule: 'layer' | 'sideways' | 'module' | 'unresolved' | 'unplaced' | 'cycle';
  message: string;
}

/** The unit a file belongs to and its layer rank; undefined for files outside the layered code. */
interface Placement {
  unit: string;
  rank: number;
}

const ENGINE_LAYERS: Record<string, number> = {
  core: 0,
  linalg: 1,
  io: 2,
  stats: 3,
  inference: 3,
  metrics: 4,
  families: 5,
  cases: 5,
  model: 5.5,
  spec: 6,
  run: 7,
  scale: 7.5,
};
const PROGRAM_RANK = 8;
const LAYERED_ROOTS = ['engine', 'server', 'client'];

export function placementOf(file: string): Placement | undefined {
  const parts = file.split('/');
  if (parts[0] === 'engine') {
    if (parts.length === 2) return parts[1] === 'cli.ts' ? { unit: 'engine/cli.ts', rank: PROGRAM_RANK } : undefined;
    const rank = ENGINE_LAYERS[parts[1]!];
    return rank === undefined ? undefined : { unit: `engine/${parts[1]}`, rank };
  }
  if (parts[0] === 'server') return { unit: 'server', rank: PROGRAM_RANK };
  if (parts[0] === 'client') return parts[1] === 'webview' ? { unit: 'client/webview', rank: PROGRAM_RANK } : { unit: 'client', rank: PROGRAM_RANK };
  return undefined;
}

/** The metric family folder of a file under engine/metrics (engine/metrics/<family>/...). */
function metricFamilyOf(file: string): string | undefined {
  const match = /^engine\/metrics\/([^/]+)\//.exec(file);
  return match?.[1];
}

/** Every .ts file under the layered roots, as repository-relative paths with '/' separators. */
export function listSourceFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(join(root, dir))) {
      if (name === 'node_modules' || name.startsWith('.')) continue;
      const path = dir ? `${dir}/${name}` : name;
      if (statSync(join(root, path)).isDirectory()) walk(path);
      else if (name.endsWith('.ts')) files.push(path);
    }
  };
  for (const top of LAYERED_ROOTS) if (existsSync(join(root, top))) walk(top);
  return files.sort();
}

/** Every import of one file: static imports and re-exports, dynamic import(), require(), import('x') types. */
export function importsOf(file: string, text: string): Omit<ImportEdge, 'to'>[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const edges: Omit<ImportEdge, 'to'>[] = [];
  const add = (node: ts.Node, literal: ts.Node | undefined, typeOnly: boolean, kind: ImportEdge['kind']) => {
    if (!literal || !ts.isStringLiteralLike(literal)) return;
    edges.push({ from: file, line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1, specifier: literal.text, typeOnly, kind });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const everyNameIsType =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (clause.name === undefined && clause.namedBindings !== undefined && ts.isNamedImports(clause.namedBindings) && clause.namedBindings.elements.length > 0 && clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      add(node, node.moduleSpecifier, everyNameIsType, 'import');
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      const everyNameIsType = node.isTypeOnly || (node.exportClause !== undefined && ts.isNamedExports(node.exportClause) && node.exportClause.elements.length > 0 && node.exportClause.elements.every((e) => e.isTypeOnly));
      add(node, node.moduleSpecifier, everyNameIsType, 'export');
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node, node.moduleReference.expression, node.isTypeOnly, 'require');
    } else if (ts.isCallExpression(node)) {
      if (node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node, node.arguments[0], false, 'dynamic import');
      else if (ts.isIdentifier(node.expression) && node.expression.text === 'require') add(node, node.arguments[0], false, 'require');
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node, node.argument.literal, true, 'import type node');
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

/** The file a relative specifier names (extensionless, folder index, or an explicit extension). */
function resolveRelative(from: string, specifier: string, exists: (path: string) => boolean): string | undefined {
  const base = posix.normalize(posix.join(posix.dirname(from), specifier));
  for (const candidate of [base, `${base}.ts`, `${base}.d.ts`, `${base}/index.ts`]) if (exists(candidate) && !candidate.endsWith('/')) return candidate;
  return undefined;
}

const NODE_BUILTINS = new Set(builtinModules);
function isNodeModule(specifier: string): boolean {
  return specifier.startsWith('node:') || NODE_BUILTINS.has(specifier) || NODE_BUILTINS.has(specifier.split('/')[0]!);
}

function describe(edge: ImportEdge): string {
  return `${edge.from}:${edge.line} ${edge.kind} '${edge.specifier}'${edge.to && edge.to !== edge.specifier ? ` (${edge.to})` : ''}`;
}

/**
 * Checks a set of files (repository-relative path → text). `exists` answers for paths outside the
 * set (JSON schemas, declaration files); by default only the set itself exists.
 */
export function checkArchitecture(files: Map<string, string>, exists: (path: string) => boolean = (p) => files.has(p)): { edges: ImportEdge[]; violations: Violation[] } {
  const edges: ImportEdge[] = [];
  const violations: Violation[] = [];
  const known = (path: string) => files.has(path) || exists(path);
  for (const [file, text] of files) {
    for (const edge of importsOf(file, text)) {
      const to = edge.specifier.startsWith('.') ? resolveRelative(file, edge.specifier, known) : undefined;
      edges.push(to ? { ...edge, to } : edge);
    }
  }

  for (const file of files.keys()) {
    if (!placementOf(file)) violations.push({ rule: 'unplaced', message: `${file}: not in any layer (add its folder to the layer order in test/architecture/imports.ts and docs/architecture.md)` });
  }

  for (const edge of edges) {
    const from = placementOf(edge.from);
    if (edge.specifier.startsWith('.')) {
      if (!edge.to) {
        violations.push({ rule: 'unresolved', message: `${describe(edge)}: no such file` });
        continue;
      }
      const to = placementOf(edge.to);
      if (!from) continue;
      if (!to) {
        // Data next to the code (schemas/*.json) is not a layer; code outside the layered roots is.
        if (!edge.to.endsWith('.json')) violations.push({ rule: 'layer', message: `${describe(edge)}: imports code outside engine/, server/ and client/` });
        continue;
      }
      if (to.rank > from.rank) {
        violations.push({ rule: 'layer', message: `${describe(edge)}: ${from.unit} (layer ${from.rank}) imports upward from ${to.unit} (layer ${to.rank})` });
      } else if (to.rank === PROGRAM_RANK && from.unit !== to.unit && !(from.unit === 'client' && to.unit === 'client/webview')) {
        violations.push({ rule: 'layer', message: `${describe(edge)}: ${from.unit} imports from another program, ${to.unit}` });
      }
      if (from.unit === 'client/webview' && to.unit.startsWith('engine/') && !edge.typeOnly) {
        violations.push({ rule: 'module', message: `${describe(edge)}: the panel (a browser bundle) may import only types from the engine` });
      }
      const familyFrom = metricFamilyOf(edge.from);
      const familyTo = metricFamilyOf(edge.to);
      if (familyFrom && familyTo && familyFrom !== familyTo && familyTo !== 'common') {
        violations.push({ rule: 'sideways', message: `${describe(edge)}: metric family '${familyFrom}' imports from family '${familyTo}' (shared math belongs in engine/linalg or engine/metrics/common)` });
      }
    } else if (from) {
      const bare = edge.specifier;
      if ((from.unit.startsWith('engine') || from.unit === 'server') && (bare === 'vscode' || bare.startsWith('vscode/'))) {
        violations.push({ rule: 'module', message: `${describe(edge)}: ${from.unit} must not import vscode (it runs outside the editor too)` });
      }
      if (from.unit === 'client/webview' && (isNodeModule(bare) || bare === 'vscode')) {
        violations.push({ rule: 'module', message: `${describe(edge)}: the panel runs in a browser and must not import ${bare === 'vscode' ? 'vscode' : "Node's modules"}` });
      }
    }
  }

  for (const cycle of findCycles(edges)) violations.push({ rule: 'cycle', message: `import cycle: ${cycle.join(' → ')}` });
  return { edges, violations };
}

/** One concrete cycle per strongly connected component of the file graph (Tarjan), as a closed path of files. */
export function findCycles(edges: ImportEdge[]): string[][] {
  const next = new Map<string, Set<string>>();
  for (const edge of edges) {
    if (!edge.to) continue;
    if (!next.has(edge.from)) next.set(edge.from, new Set());
    next.get(edge.from)!.add(edge.to);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let counter = 0;
  const strongConnect = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        strongConnect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || next.get(v)?.has(v)) components.push(component);
    }
  };
  for (const v of [...next.keys()].sort()) if (!index.has(v)) strongConnect(v);
  return components.map((component) => shortestCycleThrough(component.sort()[0]!, new Set(component), next));
}

/** The shortest closed path from `start` back to itself inside one component (breadth-first). */
function shortestCycleThrough(start: string, members: Set<string>, next: Map<string, Set<string>>): string[] {
  const parent = new Map<string, string>();
  const queue = [start];
  while (queue.length) {
    const v = queue.shift()!;
    for (const w of [...(next.get(v) ?? [])].sort()) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(parent.get(path[0]!)!);
        return [...path, start];
      }
      if (!parent.has(w)) {
        parent.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

/** The repository's own files, read from disk. */
export function readRepository(root: string): { files: Map<string, string>; exists: (path: string) => boolean } {
  const files = new Map(listSourceFiles(root).map((file) => [file, readFileSync(join(root, file), 'utf8')] as const));
  return {
    files,
    exists: (path) => {
      const absolute = join(root, ...path.split('/'));
      return existsSync(absolute) && statSync(absolute).isFile();
    },
  };
}
