import { type ExceptionFilter, StreamableFile } from '@nestjs/common';
import type { AbstractHttpAdapter } from '@nestjs/core';
import type { ServerResponse } from 'node:http';
import { httpHostOf } from '../internal/http-host.js';

type ExpressResponse = ServerResponse & { req: unknown };

interface FastifyReplyLike {
  raw: ServerResponse;
  request: unknown;
}

/**
 * Gives the module's filter the file streams that fail, on both platforms, so that each
 * failure gets the envelope before the first byte, or its one record after it, and a truncated
 * file never looks complete (the response is destroyed, never ended).
 * - express: a `StreamableFile` answers its own failures (`handleError`: 400 `text/plain`
 *   before the first byte, Nest's logger after); each file gets the filter as its error
 *   handler instead (a failing stream is a server fault: 500 `UNEXPECTED_ERROR`).
 * - fastify: a stream that fails before the first byte goes to fastify's error handler, which
 *   reaches the filter already; after it, fastify only destroys the response and tells its own
 *   logger (off in Nest apps by default). A listener added before fastify's records it.
 */
export function answerStreamErrors(adapter: AbstractHttpAdapter, filter: ExceptionFilter): void {
  const fastify = adapter.getType() === 'fastify';
  const reply = adapter.reply.bind(adapter);
  adapter.reply = (response: unknown, body: unknown, statusCode?: number): unknown => {
    if (body instanceof StreamableFile) {
      if (fastify) recordLateFailures(body, response as FastifyReplyLike, filter);
      else answerWithFilter(body, filter);
    }
    return reply(response, body, statusCode);
  };
}

function answerWithFilter(file: StreamableFile, filter: ExceptionFilter): void {
  file.setErrorHandler((error, handed) => {
    // Express hands its response, a Node ServerResponse.
    const failed = handed as unknown as ExpressResponse;
    if (failed.destroyed) return;
    if (failed.headersSent) failed.destroy();
    else failed.removeHeader('Content-Disposition');
    filter.catch(error, httpHostOf(failed.req, failed));
  });
}

function recordLateFailures(file: StreamableFile, reply: FastifyReplyLike, filter: ExceptionFilter): void {
  // A raw Node response (a middleware's) has no fastify request to record: fastify's own path stays.
  if (reply.raw === undefined) return;
  file.getStream().once('error', (error) => {
    if (!reply.raw.headersSent || reply.raw.destroyed) return;
    reply.raw.destroy();
    filter.catch(error, httpHostOf(reply.request, reply));
  });
}
