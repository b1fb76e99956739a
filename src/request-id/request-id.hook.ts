import type { AbstractHttpAdapter } from '@nestjs/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestIdOf } from './request-id.js';

interface FastifyLike {
  addHook(
    name: 'onRequest',
    hook: (
      request: { raw: IncomingMessage },
      reply: { header(name: string, value: string): unknown },
      done: () => void,
    ) => void,
  ): void;
}

/**
 * Gives every response, successful ones too, its request id header. Installed on the platform
 * itself rather than as a Nest middleware: a fastify `onRequest` hook costs far less than the
 * middie layer Nest middleware needs, and an express `use` needs no route matching. Errors
 * answered by the filter get the header there too, including those raised before this runs.
 */
export function installRequestIdHook(adapter: AbstractHttpAdapter, headerName: string): void {
  const lookupName = headerName.toLowerCase();
  if (adapter.getType() === 'fastify') {
    (adapter.getInstance() as FastifyLike).addHook('onRequest', (request, reply, done) => {
      reply.header(headerName, requestIdOf(request.raw, lookupName));
      done();
    });
    return;
  }
  adapter.use((request: IncomingMessage, response: ServerResponse, next: () => void) => {
    response.setHeader(headerName, requestIdOf(request, lookupName));
    next();
  });
}
