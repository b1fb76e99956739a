import express from 'express';
import Fastify from 'fastify';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NOT_FOUND_ENVELOPE } from './not-found-envelope.js';
import { serveParent } from './parent-channel.js';

/**
 * Scenario 8c, the platform's floor: express or fastify alone, no Nest, answering the module's
 * 404 envelope the way a plain app of that platform would (a route, `res.json` or `reply.send`).
 */
const { platform } = JSON.parse(process.env.BENCH_APP_CONFIG ?? '{}') as { platform?: 'express' | 'fastify' };
const envelope = () => ({ ...NOT_FOUND_ENVELOPE, requestId: randomUUID() });

async function listen(): Promise<{ server: Server; close: () => Promise<unknown> }> {
  if (platform === 'fastify') {
    const app = Fastify();
    app.get('/products/:id', (_request, reply) => {
      const body = envelope();
      void reply.code(404).header('X-Request-Id', body.requestId).send(body);
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    return { server: app.server, close: () => app.close() };
  }
  const app = express();
  app.get('/products/:id', (_request, response) => {
    const body = envelope();
    response.status(404).set('X-Request-Id', body.requestId).json(body);
  });
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, close: () => new Promise((resolve) => server.close(resolve)) };
}

const { server, close } = await listen();
await serveParent((server.address() as AddressInfo).port, close);
