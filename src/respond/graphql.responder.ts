import type { ArgumentsHost } from '@nestjs/common';
import type { AbstractHttpAdapter } from '@nestjs/core';
import type { CallIdentity, Failure } from '../describe/failure.js';
import { withoutStackFrames } from '../internal/stack-frames.js';
import { read, stringProperty } from '../internal/thrown-value.js';
import { newRequestId, requestIdOf } from '../request-id/request-id.js';
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
 * Made with `withoutStackFrames`: a stack captured only to be replaced was a third of what the
 * module added to a GraphQL failure.
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
    return request === undefined ? newRequestId() : requestIdOf(request, this.requestIdLookup);
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
    return Promise.reject(
      withoutStackFrames(() => new EnvelopeError(String(message), extensions, failure.debug?.stack)),
    );
  }

  fallback(_host: ArgumentsHost, requestId: string): Promise<never> {
    const { message, ...extensions } = fallbackEnvelopeOf(requestId);
    return Promise.reject(withoutStackFrames(() => new EnvelopeError(message, { ...extensions, status: 500 })));
  }
}

type JsonSchema = Record<string, unknown>;

/** `{ ...object, [key]: value }`, for the plain objects of a JSON schema. */
function withProperty(object: unknown, key: string, value: unknown): JsonSchema {
  return { ...(object as JsonSchema), [key]: value };
}

/**
 * A GraphQL response schema whose `errors[].extensions.code` is typed as a string, rebuilt
 * without that type (the rest of the schema is shared, never changed); any other schema as is.
 */
function withUntypedErrorCode(schema: unknown): unknown {
  const properties = read(schema, 'properties');
  const errors = read(properties, 'errors');
  const items = read(errors, 'items');
  const itemProperties = read(items, 'properties');
  const extensions = read(itemProperties, 'extensions');
  const extensionProperties = read(extensions, 'properties');
  if (read(read(extensionProperties, 'code'), 'type') !== 'string') return schema;
  // Without a declared type the code is written as any other extension: only where those are kept.
  if (read(extensions, 'additionalProperties') !== true) return schema;
  const { code: _stringOnly, ...otherExtensions } = extensionProperties as JsonSchema;
  const untyped = withProperty(extensions, 'properties', otherExtensions);
  const newItems = withProperty(items, 'properties', withProperty(itemProperties, 'extensions', untyped));
  return withProperty(
    schema,
    'properties',
    withProperty(properties, 'errors', withProperty(errors, 'items', newItems)),
  );
}

interface FastifyRouteHooks {
  addHook(name: 'onRoute', hook: (route: { schema?: { response?: unknown } }) => void): unknown;
}

/**
 * Mercurius declares a fastify response schema that types `extensions.code` as a string, so
 * fast-json-stringify would send the envelope's numeric `code` as `"4001"`. Each GraphQL route
 * gets that schema without the type (extensions keep `additionalProperties: true`): a number
 * stays a number, Mercurius's own string codes stay strings. Installed before GraphQLModule
 * registers Mercurius (its `onModuleInit`); other platforms and routes are left alone.
 */
export function keepNumericGraphqlCodes(adapter: AbstractHttpAdapter): void {
  if (adapter.getType() !== 'fastify') return;
  (adapter.getInstance() as FastifyRouteHooks).addHook('onRoute', (route) => {
    const response = read(route.schema, 'response');
    if (response === null || typeof response !== 'object') return;
    let widened: JsonSchema | undefined;
    for (const [status, schema] of Object.entries(response)) {
      const untyped = withUntypedErrorCode(schema);
      if (untyped !== schema) (widened ??= { ...response })[status] = untyped;
    }
    if (widened !== undefined) route.schema = { ...route.schema, response: widened };
  });
}
