import type { ArgumentsHost } from '@nestjs/common';
import { defer, mergeAll, throwError, type Observable } from 'rxjs';
import type { CallIdentity, Failure } from '../describe/failure.js';
import { read } from '../internal/thrown-value.js';
import { callRequestIdOf } from '../request-id/request-id.js';
import { envelopeObjectOf, fallbackEnvelopeOf } from './error-body.formats.js';
import type { Responder } from './responder.interfaces.js';

/** The methods Nest's transport contexts name the pattern with (TCP/RMQ, NATS, Redis, MQTT/Kafka). */
const PATTERN_READERS = ['getPattern', 'getSubject', 'getChannel', 'getTopic'] as const;

/** Calls `context[method]()` if the context has it; a context of another transport answers undefined. */
function callOptional(context: unknown, method: string): unknown {
  const reader = read(context, method);
  if (typeof reader !== 'function') return undefined;
  try {
    return reader.call(context);
  } catch {
    return undefined;
  }
}

/**
 * The value of header `name` (lower-case) in a NATS `MsgHdrs`, whatever case the sender wrote it in:
 * NATS keeps header names as sent and its `get` matches them exactly, while Nest's `NatsRecordBuilder`
 * passes on whatever names the caller chose. Undefined when absent or not such headers.
 */
function headerOf(headers: unknown, name: string): unknown {
  const keys = callOptional(headers, 'keys');
  if (!Array.isArray(keys)) return undefined;
  const key = keys.find((candidate) => typeof candidate === 'string' && candidate.toLowerCase() === name);
  if (key === undefined) return undefined;
  const get = read(headers, 'get');
  if (typeof get !== 'function') return undefined;
  try {
    const value: unknown = get.call(headers, key);
    return value === '' ? undefined : value;
  } catch {
    return undefined;
  }
}

/** The packet metadata a calling ClientProxy sent (TCP and Redis contexts have it), else undefined. */
export function packetMetadataOf(host: ArgumentsHost): unknown {
  return callOptional(host.getArgByIndex(1), 'getMetadata');
}

/**
 * Answers microservice failures (`@MessagePattern`, `@EventPattern`) over Nest's broker
 * transports: the caller's ClientProxy observable errors with the envelope object. An event has
 * no caller; the same answer goes nowhere, and the record is what tells of it.
 */
export class RpcResponder implements Responder {
  private readonly requestIdKey: string;

  constructor(requestIdHeader: string) {
    this.requestIdKey = requestIdHeader.toLowerCase();
  }

  /**
   * From the packet metadata a calling ClientProxy sent (TCP, Redis) or the message headers (NATS),
   * when well-formed; else one made once for the call.
   */
  requestIdOf(host: ArgumentsHost): string {
    const incoming =
      read(packetMetadataOf(host), this.requestIdKey) ??
      headerOf(callOptional(host.getArgByIndex(1), 'getHeaders'), this.requestIdKey);
    return callRequestIdOf(host.getArgByIndex(1), incoming);
  }

  requestOf(): undefined {
    return undefined;
  }

  identityOf(host: ArgumentsHost): CallIdentity {
    const context = host.getArgByIndex(1);
    for (const method of PATTERN_READERS) {
      const pattern = callOptional(context, method);
      if (pattern !== undefined) return { pattern: typeof pattern === 'string' ? pattern : JSON.stringify(pattern) };
    }
    return { pattern: undefined };
  }

  respond(failure: Failure): Observable<never> {
    const envelope = envelopeObjectOf(failure);
    return throwError(() => envelope);
  }

  /**
   * Behind a global interceptor, Nest's `catchError` would send a promise's value, the answer's
   * Observable itself, as a success: the answer stays an Observable, erroring once decided.
   */
  later(answer: Promise<unknown>): Observable<unknown> {
    return defer(() => answer as Promise<Observable<unknown>>).pipe(mergeAll());
  }

  fallback(_host: ArgumentsHost, requestId: string): Observable<never> {
    return throwError(() => ({ ...fallbackEnvelopeOf(requestId), status: 500 }));
  }
}
