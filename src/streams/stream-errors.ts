import { type ArgumentsHost, type ExceptionFilter, StreamableFile } from '@nestjs/common';
import type { AbstractHttpAdapter } from '@nestjs/core';
import type { ServerResponse } from 'node:http';

type ExpressResponse = ServerResponse & { req: unknown };

/** The call a stream's failure happened in, as the filter reads it: the request and the response. */
function httpHostOf(response: ExpressResponse): ArgumentsHost {
  const args = [response.req, response];
  const http = { getRequest: () => args[0], getResponse: () => args[1], getNext: () => undefined };
  return {
    getArgs: () => args,
    getArgByIndex: (index: number) => args[index],
    getType: () => 'http',
    switchToHttp: () => http,
    switchToRpc: () => undefined,
    switchToWs: () => undefined,
  } as unknown as ArgumentsHost;
}

/**
 * On express, a `StreamableFile` whose stream fails is answered by its own `handleError`: 400
 * `text/plain` before the first byte, Nest's logger after. Each file the adapter replies with
 * gets the module's filter as its error handler instead: before the first byte the envelope
 * (a failing stream is a server fault: 500 `UNEXPECTED_ERROR`), after it the response is
 * destroyed, so that a truncated file never looks complete, and the failure gets its one
 * record. Fastify hands a failing stream to its error handler, which reaches the filter already.
 */
export function answerStreamErrors(adapter: AbstractHttpAdapter, filter: ExceptionFilter): void {
  if (adapter.getType() !== 'express') return;
  const reply = adapter.reply.bind(adapter);
  adapter.reply = (response: unknown, body: unknown, statusCode?: number): unknown => {
    if (body instanceof StreamableFile) {
      body.setErrorHandler((error, handed) => {
        // Express hands its response, a Node ServerResponse.
        const failed = handed as unknown as ExpressResponse;
        if (failed.destroyed) return;
        if (failed.headersSent) failed.destroy();
        else failed.removeHeader('Content-Disposition');
        filter.catch(error, httpHostOf(failed));
      });
    }
    return reply(response, body, statusCode);
  };
}
