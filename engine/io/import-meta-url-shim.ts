/**
 * For CommonJS bundles only (the VS Code extension host): h5wasm's Node build is an ES module that
 * reads `import.meta.url` (to create `require`), which esbuild leaves empty in CJS output. Bundle
 * with
 *   esbuild ... --format=cjs --platform=node --define:import.meta.url=importMetaUrl \
 *     --inject:engine/io/import-meta-url-shim.ts
 * so that every `import.meta.url` becomes this bundle's own file URL. Never imported directly.
 */
import { pathToFileURL } from 'node:url';

export const importMetaUrl = pathToFileURL(__filename).href;
