import type { ArgumentsHost } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { CallIdentity, Failure } from '../describe/failure.js';
import { read, stringProperty } from '../internal/thrown-value.js';
import { requestIdOf } from '../request-id/request-id.js';
import { envelopeObjectOf, fallbackEnvelopeOf } from './error-body.formats.js';
import type { Responder } from './responder.interfaces.js';

/** The GraphQL field path (`products.0.price`) from graphql-js's linked list of path keys. */
function pathOf(info: unknown): string | undefined {
  const keys: string[] = [];
  for (let path = read(info, 'path'); path !== undefined && path !== null; path = read(path, 'prev')) {
    keys.unshift(String(read(path, 'key')));
  }
  return keys.length > 0 ? keys.join('.') : undefined;
}

/**
 * The error a resolver's failure becomes. graphql-js copies an original error's `extensions`
 * into the GraphQL error, so no import of graphql is needed; its stack is the message line only,
 * so a server that prints stack traces (Apollo outside NODE_ENV=production) prints no frames.
 */
class EnvelopeError extends Error {
  override name = 'EnvelopeError';

  constructor(
    message: string,
    readonly extensions: Record<string, unknown>,
    stack?: string,
  ) {
    super(message);
    this.stack = stack ?? `${this.name}: ${message}`;
  }
}

/**
 * Answers resolver failures: Nest uses what the filter returns as the field's value, so the
 * answer is a rejection with an error whose message is the envelope's and whose extensions are
 * the envelope's own fields.
 */
export class GraphqlResponder implements Responder {
  private readonly requestIdLookup: string;

  constructor(requestIdHeader: string) {
    this.requestIdLookup = requestIdHeader.toLowerCase();
  }

  /** The request id of the HTTP request that carries the operation: its `X-Request-Id`. */
  requestIdOf(host: ArgumentsHost): string {
    const request = this.requestOf(host);
    return request === undefined ? randomUUID() : requestIdOf(request, this.requestIdLookup);
  }

  /** Apollo's context has `req`; Mercurius's has the fastify `reply` with its `request`. */
  requestOf(host: ArgumentsHost): unknown {
    const context: unknown = host.getArgByIndex(2);
    const request = read(context, 'req') ?? read(read(context, 'reply'), 'request') ?? read(context, 'request');
    return request !== null && typeof request === 'object' ? request : undefined;
  }

  identityOf(host: ArgumentsHost): CallIdentity {
    const info: unknown = host.getArgByIndex(3);
    return { operation: stringProperty(read(read(info, 'operation'), 'name'), 'value'), path: pathOf(info) };
  }

  /** Rejected: Nest's resolver proxy returns the filter's answer, so the field errors with it. */
  respond(failure: Failure): Promise<never> {
    const { message, ...extensions } = envelopeObjectOf(failure);
    return Promise.reject(new EnvelopeError(String(message), extensions, failure.debug?.stack));
  }

  fallback(_host: ArgumentsHost, requestId: string): Promise<never> {
    const { message, ...extensions } = fallbackEnvelopeOf(requestId);
    return Promise.reject(new EnvelopeError(message, { ...extensions, status: 500 }));
  }
}
