import type { ArgumentsHost } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { throwError, type Observable } from 'rxjs';
import type { CallIdentity, Failure } from '../describe/failure.js';
import { read } from '../internal/thrown-value.js';
import { isWellFormedRequestId } from '../request-id/request-id.js';
import { fallbackEnvelopeOf } from './error-body.formats.js';
import type { Responder } from './responder.interfaces.js';

/** grpc-js's Metadata, as the call's own metadata object shows it: no import of @grpc/grpc-js. */
interface GrpcMetadata {
  get(key: string): unknown[];
  set(key: string, value: string | Buffer): void;
}

/** gRPC status codes (grpc/status.proto) by the HTTP status of the entry. */
const GRPC_STATUS_BY_HTTP: Readonly<Record<number, number>> = {
  400: 3, // INVALID_ARGUMENT
  401: 16, // UNAUTHENTICATED
  403: 7, // PERMISSION_DENIED
  404: 5, // NOT_FOUND
  409: 6, // ALREADY_EXISTS
  412: 9, // FAILED_PRECONDITION
  429: 8, // RESOURCE_EXHAUSTED
  499: 1, // CANCELLED
  501: 12, // UNIMPLEMENTED
  503: 14, // UNAVAILABLE
  504: 4, // DEADLINE_EXCEEDED
};
const FAILED_PRECONDITION = 9;
const INTERNAL = 13;

export function grpcStatusOf(httpStatus: number): number {
  return GRPC_STATUS_BY_HTTP[httpStatus] ?? (httpStatus < 500 ? FAILED_PRECONDITION : INTERNAL);
}

/** Whether a microservice call is a gRPC one: its arguments are `[data, metadata, call]`. */
export function isGrpcCall(host: ArgumentsHost): boolean {
  const metadata: unknown = host.getArgByIndex(1);
  return typeof read(metadata, 'getMap') === 'function' && typeof read(metadata, 'set') === 'function';
}

/**
 * Answers gRPC failures with a status grpc-js sends as is: the code mapped from the entry's HTTP
 * status, the envelope message as `details`, and the rest of the envelope in trailing metadata.
 */
export class GrpcResponder implements Responder {
  private readonly requestIdKey: string;

  constructor(requestIdHeader: string) {
    this.requestIdKey = requestIdHeader.toLowerCase();
  }

  requestIdOf(host: ArgumentsHost): string {
    const [incoming] = (host.getArgByIndex(1) as GrpcMetadata).get(this.requestIdKey);
    return isWellFormedRequestId(incoming) ? incoming : randomUUID();
  }

  requestOf(): undefined {
    return undefined;
  }

  identityOf(host: ArgumentsHost): CallIdentity {
    const path = read(read(host.getArgByIndex(2), 'call'), 'handler');
    return { pattern: typeof read(path, 'path') === 'string' ? String(read(path, 'path')) : undefined };
  }

  respond(failure: Failure): Observable<never> {
    const metadata = this.metadataFor(failure.host!, failure.requestId);
    metadata.set('x-error-code', String(failure.code));
    metadata.set('x-error-reason', failure.reason);
    return throwError(() => ({ code: grpcStatusOf(failure.status), details: failure.message, metadata }));
  }

  fallback(host: ArgumentsHost, requestId: string): Observable<never> {
    const { code, reason, message } = fallbackEnvelopeOf(requestId);
    const metadata = this.metadataFor(host, requestId);
    metadata.set('x-error-code', String(code));
    metadata.set('x-error-reason', reason);
    return throwError(() => ({ code: INTERNAL, details: message, metadata }));
  }

  /** A new Metadata of the class the call's own metadata is an instance of. */
  private metadataFor(host: ArgumentsHost, requestId: string): GrpcMetadata {
    const Metadata = (host.getArgByIndex(1) as object).constructor as new () => GrpcMetadata;
    const metadata = new Metadata();
    metadata.set(this.requestIdKey, requestId);
    return metadata;
  }
}
