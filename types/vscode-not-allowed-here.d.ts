// What `vscode` resolves to in a project that must not use it (the `paths` entries of
// engine/tsconfig.json, server/tsconfig.json and client/webview/tsconfig.json): a module that
// exports nothing, so `import * as vscode from 'vscode'` and every use of it fail to compile.
// test/architecture/layering.test.ts reports the import itself.
export {};
