// Bundles every entry point that exists with esbuild. Node bundles are CommonJS for Node 20 (the CLI,
// the language server, the extension and its run worker); the webview bundle is a browser IIFE.
// Before bundling, schemas/simspec.schema.json is generated from schemas/simspec.base.schema.json and
// the metric families (engine/families/schema.ts), and the `metric` enums of schemas/results.schema.json
// are set to the registered families, so a new family needs no hand edit of either schema.
// Usage: node scripts/build.mjs [--watch] [--minify]
import { build, context } from 'esbuild';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

const watch = process.argv.includes('--watch');
const minify = process.argv.includes('--minify');

const nodeEntries = [
  ['engine/cli.ts', 'dist/cli.js'],
  ['server/main.ts', 'dist/server.js'],
  ['client/extension.ts', 'dist/extension.js'],
  ['client/runWorker.ts', 'dist/runWorker.js'],
  ['engine/run/worker.ts', 'dist/engineWorker.js'],
];
const browserEntries = [['client/webview/main.ts', 'dist/webview.js'], ['client/webview/slices.ts', 'dist/slices.js']];

const common = { bundle: true, sourcemap: true, minify, logLevel: 'warning', legalComments: 'none' };
const configs = [
  ...nodeEntries.filter(([entry]) => existsSync(entry)).map(([entry, outfile]) => ({
    ...common,
    entryPoints: [entry],
    outfile,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    // h5wasm's Node build reads its .wasm next to itself at run time via import.meta.url.
    define: { 'import.meta.url': 'importMetaUrl' },
    banner: { js: "const importMetaUrl = require('url').pathToFileURL(__filename).href;" },
  })),
  ...browserEntries.filter(([entry]) => existsSync(entry)).map(([entry, outfile]) => ({
    ...common,
    entryPoints: [entry],
    outfile,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  })),
];

/** Regenerate schemas/simspec.schema.json from the base schema and the families (written only when it changed). */
async function generateSpecSchema() {
  const bundle = join(tmpdir(), `simspec-schema-${process.pid}.cjs`);
  await build({
    entryPoints: ['engine/families/schema.ts'],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'warning',
    define: { 'import.meta.url': 'importMetaUrl' },
    banner: { js: "const importMetaUrl = require('url').pathToFileURL(__filename).href;" },
  });
  try {
    const { specSchemaText, resultsSchemaText } = createRequire(import.meta.url)(bundle);
    const write = (target, text) => {
      if (!existsSync(target) || readFileSync(target, 'utf8') !== text) {
        writeFileSync(target, text);
        console.log(`generated ${target}`);
      }
    };
    write('schemas/simspec.schema.json', specSchemaText(JSON.parse(readFileSync('schemas/simspec.base.schema.json', 'utf8'))));
    write('schemas/results.schema.json', resultsSchemaText(readFileSync('schemas/results.schema.json', 'utf8')));
  } finally {
    rmSync(bundle, { force: true });
  }
}

await generateSpecSchema();
await import('./build-wasm.mjs'); // rebuilds engine/linalg/wasm/modules.generated.ts when assembly/ changed
mkdirSync('dist', { recursive: true });
// onnxruntime-web (engine/model/run.ts) imports its WASM loader and reads its .wasm next to the bundle at run time.
for (const name of ['ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm']) {
  const from = join('node_modules', 'onnxruntime-web', 'dist', name);
  const to = join('dist', name);
  if (existsSync(from) && (!existsSync(to) || readFileSync(from).length !== readFileSync(to).length)) writeFileSync(to, readFileSync(from));
}
if (watch) {
  for (const config of configs) await (await context(config)).watch();
  console.log(`watching ${configs.length} bundles`);
} else {
  // Tests run the built CLI and server while other test files may run this script again (staging
  // the extension). Each output is therefore replaced only when its bytes change, and by rename, so
  // a reader never sees a half-written bundle.
  const results = await Promise.all(configs.map((config) => build({ ...config, write: false })));
  let changed = 0;
  for (const { outputFiles } of results) {
    for (const file of outputFiles) {
      if (existsSync(file.path) && readFileSync(file.path).equals(file.contents)) {
        const now = new Date();
        utimesSync(file.path, now, now); // up to date: staleness checks compare mtimes (test/server/bundle.ts)
        continue;
      }
      const temporary = `${file.path}.${process.pid}.tmp`;
      writeFileSync(temporary, file.contents);
      renameSync(temporary, file.path);
      changed++;
    }
  }
  console.log(`built ${configs.map((c) => c.outfile).join(', ')} (${changed} file(s) changed)`);
}
