/**
 * Entry point of the simspec language server (bundled to dist/server.js). It only creates the
 * connection — over `--stdio`, IPC or sockets, as the client chose — and starts the server.
 */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server';

const connection = createConnection(ProposedFeatures.all);
// Nothing a user types may take the server down: a stray rejection is logged, not fatal.
process.on('unhandledRejection', (reason) => connection.console.error(`simspec: unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`));
startServer(connection);
