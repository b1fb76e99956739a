import type { AbstractHttpAdapter } from '@nestjs/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestIdOf } from './request-id.js';

type RequestHandler = (request: IncomingMessage, response: ServerResponse, next?: unknown) => unknown;

interface ExpressLike {
  handle: RequestHandler;
}

interface FastifyLike {
  addHook(
    name: 'onRequest',
    hook: (request: { raw: IncomingMessage }, reply: { raw: ServerResponse }, done: () => void) => void,
  ): void;
}

interface NodeServerLike {
  prependListener(event: 'request', listener: (request: IncomingMessage, response: ServerResponse) => void): unknown;
}

/**
 * Gives every response its request id header, before any framework code runs: CORS preflights,
 * early middleware answers and successes as much as errors. The id is kept on the Node request
 * (see `requestIdOf`), where the filter and pino-http find it. The header goes on the Node
 * response, which both platforms merge into what they write.
 * - express: wraps the app's `handle`, the entry every request takes, whatever server (or
 *   serverless wrapper) calls it; an express `use` layer per request cost the happy path ~10 %.
 * - fastify: a listener prepended to the HTTP server's `request` event runs before fastify's
 *   router and its hooks (@fastify/cors answers preflights in one); `inject()` emits no such
 *   event, so an `onRequest` hook sets the header where the listener did not.
 */
export function installRequestIdHook(adapter: AbstractHttpAdapter, headerName: string): void {
  const lookupName = headerName.toLowerCase();
  const setRequestId = (request: IncomingMessage, response: ServerResponse): void => {
    if (!response.hasHeader(headerName)) response.setHeader(headerName, requestIdOf(request, lookupName));
  };
  if (adapter.getType() === 'fastify') {
    (adapter.getHttpServer() as NodeServerLike | undefined)?.prependListener('request', setRequestId);
    (adapter.getInstance() as FastifyLike).addHook('onRequest', (request, reply, done) => {
      setRequestId(request.raw, reply.raw);
      done();
    });
    return;
  }
  const express = adapter.getInstance() as ExpressLike;
  const handle = express.handle;
  express.handle = function handleWithRequestId(this: unknown, request, response, next) {
    setRequestId(request, response);
    return handle.call(this, request, response, next);
  };
}
