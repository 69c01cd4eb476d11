/**
 * Entry point of the simspec language server (bundled to dist/server.js). It only creates the
 * connection — over `--stdio`, IPC or sockets, as the client chose — and starts the server.
 */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server';

startServer(createConnection(ProposedFeatures.all));
