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

/** Where the calls a request makes find its id (the module's RequestContext, when it has one). */
export interface RequestScope {
  run<T>(requestId: string, callback: () => T): T;
  enter(requestId: string): void;
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
 * With a `scope` (an app that declares a ClientProxy), the rest of the request, middleware and
 * guards included, runs in it; the other apps get the hook without it, at no cost.
 */
export function installRequestIdHook(adapter: AbstractHttpAdapter, headerName: string, scope?: RequestScope): void {
  const lookupName = headerName.toLowerCase();
  const setRequestId = (request: IncomingMessage, response: ServerResponse): void => {
    if (!response.hasHeader(headerName)) response.setHeader(headerName, requestIdOf(request, lookupName));
  };
  /** Sets the header and gives the id (known by then: `requestIdOf` keeps it on the request). */
  const requestIdSet = (request: IncomingMessage, response: ServerResponse): string => {
    setRequestId(request, response);
    return requestIdOf(request, lookupName);
  };
  if (adapter.getType() === 'fastify') {
    // Fastify's own listener runs after this one returns: `enter` reaches it, `run` would not.
    const onRequest =
      scope === undefined
        ? setRequestId
        : (request: IncomingMessage, response: ServerResponse) => scope.enter(requestIdSet(request, response));
    (adapter.getHttpServer() as NodeServerLike | undefined)?.prependListener('request', onRequest);
    (adapter.getInstance() as FastifyLike).addHook('onRequest', (request, reply, done) => {
      onRequest(request.raw, reply.raw);
      done();
    });
    return;
  }
  const express = adapter.getInstance() as ExpressLike;
  const handle = express.handle;
  express.handle =
    scope === undefined
      ? function handleWithRequestId(this: unknown, request, response, next) {
          setRequestId(request, response);
          return handle.call(this, request, response, next);
        }
      : function handleInRequestScope(this: unknown, request, response, next) {
          return scope.run(requestIdSet(request, response), () => handle.call(this, request, response, next));
        };
}
