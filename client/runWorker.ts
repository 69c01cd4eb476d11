/**
 * The extension's run worker bundle (dist/runWorker.js): the engine's worker, unchanged. The
 * extension and the CLI run specs through the same worker and protocol (engine/run/protocol.ts);
 * this entry only exists so the extension package ships its own copy next to dist/extension.js.
 */
import '../engine/run/worker';
