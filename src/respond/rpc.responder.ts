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
 * A NATS `MsgHdrs` as packet metadata: each header under its lower-cased name, whatever case the
 * sender wrote it in (NATS keeps names as sent and its `get` matches them exactly, while Nest's
 * `NatsRecordBuilder` passes on whatever names the caller chose). Undefined when not such headers.
 */
function headersAsMetadata(headers: unknown): Record<string, unknown> | undefined {
  const keys = callOptional(headers, 'keys');
  const get = read(headers, 'get');
  if (!Array.isArray(keys) || typeof get !== 'function') return undefined;
  const metadata: Record<string, unknown> = {};
  for (const key of keys) {
    if (typeof key !== 'string') continue;
    try {
      const value: unknown = get.call(headers, key);
      if (value !== '') metadata[key.toLowerCase()] ??= value;
    } catch {
      // A header that cannot be read is not there.
    }
  }
  return metadata;
}

/**
 * The packet metadata a calling ClientProxy sent: TCP and Redis contexts have it; on NATS, the
 * message headers, where the module's NATS clients send it (`src/services/nats-headers.ts`).
 */
export function packetMetadataOf(host: ArgumentsHost): unknown {
  const context = host.getArgByIndex(1);
  return callOptional(context, 'getMetadata') ?? headersAsMetadata(callOptional(context, 'getHeaders'));
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
    return callRequestIdOf(host.getArgByIndex(1), read(packetMetadataOf(host), this.requestIdKey));
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
