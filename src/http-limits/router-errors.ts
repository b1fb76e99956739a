import { type ExceptionFilter, HttpException } from '@nestjs/common';
import type { AbstractHttpAdapter } from '@nestjs/core';
import { httpHostOf } from '../internal/http-host.js';

interface FastifyReplyLike {
  send(payload?: unknown): unknown;
}

interface FastifyRequestLike {
  raw?: { url?: string };
}

type FrameworkErrorsHandler = (error: Error, request: FastifyRequestLike, reply: FastifyReplyLike) => unknown;

interface FastifyOptionsLike {
  frameworkErrors?: FrameworkErrorsHandler;
}

/** Where fastify keeps its options, which its router reads `frameworkErrors` from on each error. */
const FASTIFY_OPTIONS = 'fastify.options';

/**
 * Fastify's router rejects a malformed URL (400 `FST_ERR_BAD_URL`), an over-long parameter
 * (414) or a failed async constraint before any hook runs, and hands them to `frameworkErrors`,
 * a constructor option (Nest's adapter sets one, which adds its security headers and sends the
 * error). The reply it gets belongs to a context built before Nest set its error handler, so
 * the error got fastify's own JSON. The handler is wrapped: an error it sends goes to the
 * module's filter, as a route's error would, and a rejection of the client's URL as the HTTP
 * error of its status (`'/%zz' is not a valid url component`).
 */
export function answerRouterErrors(adapter: AbstractHttpAdapter, filter: ExceptionFilter): void {
  if (adapter.getType() !== 'fastify') return;
  const instance = adapter.getInstance() as object;
  const key = Object.getOwnPropertySymbols(instance).find((symbol) => symbol.description === FASTIFY_OPTIONS);
  const options = key && (instance as Record<symbol, FastifyOptionsLike | undefined>)[key];
  if (options === undefined) return;
  const handle: FrameworkErrorsHandler = options.frameworkErrors ?? ((error, _request, reply) => reply.send(error));
  options.frameworkErrors = (error, request, reply) => {
    const send = reply.send;
    reply.send = (payload?: unknown) => {
      reply.send = send;
      if (!(payload instanceof Error)) return send.call(reply, payload);
      filter.catch(asHttpException(payload, request), httpHostOf(request, reply));
      return reply;
    };
    return handle(error, request, reply);
  };
}

/**
 * A client error of fastify's router as Nest's adapter would hand a route's: an HttpException,
 * whose message names the URL without its query (fastify's quotes it whole). Fastify's error is
 * not kept as the cause, since the record would log that message.
 */
function asHttpException(error: Error, request: FastifyRequestLike): Error {
  const status = (error as { statusCode?: unknown }).statusCode;
  if (typeof status !== 'number' || status < 400 || status >= 500) return error;
  const url = request.raw?.url ?? '';
  const query = url.indexOf('?');
  const message = query === -1 ? error.message : error.message.split(url.slice(query)).join('');
  return new HttpException(message, status);
}
