import type { AbstractHttpAdapter } from '@nestjs/core';
import type { IncomingMessage, OutgoingHttpHeader, OutgoingHttpHeaders, ServerResponse } from 'node:http';
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

/** Node's `http.Server` keeps the class of its responses under this symbol (its `ServerResponse` option). */
const SERVER_RESPONSE = 'ServerResponse';

type ResponseClass = new (request: IncomingMessage) => ServerResponse;
type OutgoingHeaders = OutgoingHttpHeaders | OutgoingHttpHeader[];

/**
 * Gives every response its request id header, before any framework code runs: CORS preflights,
 * early middleware answers and successes as much as errors. The id is kept on the Node request
 * (see `requestIdOf`), where the filter and pino-http find it.
 * - express: wraps the app's `handle`, the entry every request takes, whatever server (or
 *   serverless wrapper) calls it, and sets the header on the Node response; an express `use`
 *   layer per request cost the happy path ~10 %.
 * - fastify: the HTTP server makes its responses of a subclass whose `writeHead` adds the header
 *   to those it writes. Set earlier with `setHeader`, it turned every `writeHead` of fastify's
 *   into Node's slow path (each of fastify's headers validated and stored again): ~5 % of a small
 *   success's CPU. `inject()` makes its own responses, so an `onRequest` hook sets the header on
 *   those; a server without the symbol (http2) gets the hook alone.
 * With a `scope` (an app that declares a ClientProxy), the rest of the request, middleware and
 * guards included, runs in it; the other apps get the hook without it, at no cost.
 */
export function installRequestIdHook(adapter: AbstractHttpAdapter, headerName: string, scope?: RequestScope): void {
  const lookupName = headerName.toLowerCase();
  const setRequestId = (request: IncomingMessage, response: ServerResponse): void => {
    if (!response.hasHeader(headerName)) response.setHeader(headerName, requestIdOf(request, lookupName));
  };
  if (adapter.getType() === 'fastify') {
    const server = adapter.getHttpServer() as (NodeServerLike & Record<symbol, unknown>) | undefined;
    const Response = server && respondWithRequestId(server, headerName, lookupName);
    // Fastify's own listener runs after this one returns: `enter` reaches it, `run` would not.
    if (scope !== undefined) {
      server?.prependListener('request', (request) => scope.enter(requestIdOf(request, lookupName)));
    }
    (adapter.getInstance() as FastifyLike).addHook('onRequest', (request, reply, done) => {
      if (Response === undefined || !(reply.raw instanceof Response)) {
        setRequestId(request.raw, reply.raw);
        scope?.enter(requestIdOf(request.raw, lookupName));
      }
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
          setRequestId(request, response);
          return scope.run(requestIdOf(request, lookupName), () => handle.call(this, request, response, next));
        };
}

/**
 * Makes the server's responses of a subclass of its response class that adds the header as its
 * headers are written, unless the app set one: fastify's headers stay on Node's fast path (all
 * handed to `writeHead`), copied, never changed: they may be the caller's own.
 */
function respondWithRequestId(
  server: Record<symbol, unknown>,
  headerName: string,
  lookupName: string,
): ResponseClass | undefined {
  const key = Object.getOwnPropertySymbols(server).find((symbol) => symbol.description === SERVER_RESPONSE);
  const Base = key && (server[key] as ResponseClass | undefined);
  if (key === undefined || typeof Base !== 'function') return undefined;
  class ResponseWithRequestId extends Base {
    writeHead(statusCode: number, reason?: string | OutgoingHeaders, headers?: OutgoingHeaders): this {
      if (this.headersSent || this.hasHeader(lookupName)) return super.writeHead(statusCode, reason as string, headers);
      const named = typeof reason === 'string';
      const given = named ? headers : reason;
      const id = requestIdOf(this.req, lookupName);
      let withId: OutgoingHeaders | undefined;
      if (given === undefined || given === null) this.setHeader(headerName, id);
      else if (Array.isArray(given))
        withId = hasHeaderNamed(given, lookupName) ? given : withIdLast(given, headerName, id);
      else withId = pairsWithId(given, headerName, lookupName, id);
      return named ? super.writeHead(statusCode, reason, withId) : super.writeHead(statusCode, withId);
    }
  }
  server[key] = ResponseWithRequestId;
  return ResponseWithRequestId;
}

/**
 * The headers as `[name, value, ...]` with the id last, or as they are when they name the header.
 * An array rather than a copied object: spreading the object fastify builds header by header cost
 * four times Node's whole `writeHead`.
 */
function pairsWithId(
  headers: OutgoingHttpHeaders,
  headerName: string,
  lowerCaseName: string,
  id: string,
): OutgoingHeaders {
  const pairs: OutgoingHttpHeader[] = [];
  for (const name in headers) {
    const value = headers[name];
    // Node skips an undefined value of an object once headers were set, and so do the pairs.
    if (value === undefined || !Object.hasOwn(headers, name)) continue;
    if (name.toLowerCase() === lowerCaseName) return headers;
    pairs.push(name, value);
  }
  pairs.push(headerName, id);
  return pairs;
}

/** Node takes `[name, value, name, value]` or `[[name, value], ...]`. */
function hasHeaderNamed(headers: readonly unknown[], lowerCaseName: string): boolean {
  const pairs = Array.isArray(headers[0]);
  for (let i = 0; i < headers.length; i += pairs ? 1 : 2) {
    const name = pairs ? (headers[i] as unknown[])[0] : headers[i];
    if (typeof name === 'string' && name.toLowerCase() === lowerCaseName) return true;
  }
  return false;
}

function withIdLast(headers: OutgoingHttpHeader[], headerName: string, id: string): OutgoingHttpHeader[] {
  // The pair form is outside Node's types, not outside what it takes.
  return Array.isArray(headers[0]) ? [...headers, [headerName, id] as unknown as string] : [...headers, headerName, id];
}
