import { createApp } from './app.js';

const port = Number(process.env.PORT ?? 3000);
// Shorter than the shortest platform stop timeout (Cloud Run gives 10 s after SIGTERM).
const SHUTDOWN_TIMEOUT_MS = 8000;

let shuttingDown = false;
const app = createApp({ ready: () => !shuttingDown });
const server = app.listen(port, () => {
  console.log(JSON.stringify({ level: 'info', message: `listening on ${port}` }));
});

function shutdown(signal) {
  if (shuttingDown) return;
  shuttingDown = true;
  console.log(JSON.stringify({ level: 'info', message: `${signal}: draining connections` }));
  // Stop accepting, let in-flight requests finish, then exit.
  server.close((err) => process.exit(err ? 1 : 0));
  server.closeIdleConnections();
  setTimeout(() => {
    console.error(JSON.stringify({ level: 'error', message: 'shutdown timed out' }));
    process.exit(1);
  }, SHUTDOWN_TIMEOUT_MS).unref();
}

process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
