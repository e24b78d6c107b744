import express from 'express';
import client from 'prom-client';

/**
 * The HTTP app, without listening: tests start it on a random port.
 * `ready()` says whether the service can take traffic (false while draining).
 */
export function createApp({ ready = () => true } = {}) {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const requests = new client.Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by method, route and status code.',
    labelNames: ['method', 'route', 'code'],
    registers: [registry],
  });
  const duration = new client.Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by method and route.',
    labelNames: ['method', 'route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });

  const app = express();
  app.disable('x-powered-by');

  app.use((req, res, next) => {
    const end = duration.startTimer();
    res.on('finish', () => {
      const route = req.route?.path ?? 'unmatched';
      requests.inc({ method: req.method, route, code: String(res.statusCode) });
      end({ method: req.method, route });
    });
    next();
  });

  // Liveness: the process answers. No dependency calls here.
  app.get('/healthz', (_req, res) => res.json({ status: 'ok' }));
  // Readiness: false while shutting down, so the load balancer stops sending traffic.
  app.get('/readyz', (_req, res) => (ready() ? res.json({ status: 'ready' }) : res.status(503).json({ status: 'draining' })));
  app.get('/metrics', async (_req, res) => {
    res.set('Content-Type', registry.contentType);
    res.send(await registry.metrics());
  });
  app.get('/', (_req, res) => res.json({ service: 'node-express', message: 'hello' }));

  return app;
}
