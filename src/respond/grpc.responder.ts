import type { ArgumentsHost } from '@nestjs/common';
import { of, throwError, type Observable } from 'rxjs';
import type { CallIdentity, Failure, DebugInfo as FailureDebugInfo } from '../describe/failure.js';
import { stringifySafely } from '../internal/json.js';
import { read } from '../internal/thrown-value.js';
import { callRequestIdOf } from '../request-id/request-id.js';
import { fallbackEnvelopeOf } from './error-body.formats.js';
import { encodeStatusDetails, type DebugInfo, type FieldViolation, type StatusDetails } from './grpc-status-details.js';
import type { Responder } from './responder.interfaces.js';

/** grpc-js's Metadata, as the call's own metadata object shows it: no import of @grpc/grpc-js. */
interface GrpcMetadata {
  get(key: string): unknown[];
  set(key: string, value: string | Buffer): void;
}

/** What a gRPC server handler's callback and error event take (grpc-js `ServerErrorResponse`). */
export interface GrpcError {
  code: number;
  details: string;
  metadata: GrpcMetadata;
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

/** `ErrorInfo.domain`: the stable name of what produced the reason, as google.rpc asks. */
export const GRPC_ERROR_DOMAIN = 'nestjs-error-handling';

/**
 * Trailers over a client's header limit never arrive: the call then ends with DEADLINE_EXCEEDED
 * or a protocol error instead of the answer. Long texts are cut (in UTF-16 code units) so that
 * all of an error's trailers stay under 8 KiB, the default limit of grpc-java and gRPC C-core
 * clients: the message, the details JSON, and `grpc-status-details-bin` (MAX_STATUS_DETAILS_BYTES).
 */
const MAX_MESSAGE_LENGTH = 512;
const MAX_DETAILS_JSON_LENGTH = 2 * 1024;

export function grpcStatusOf(httpStatus: number): number {
  return GRPC_STATUS_BY_HTTP[httpStatus] ?? (httpStatus < 500 ? FAILED_PRECONDITION : INTERNAL);
}

function isMetadata(value: unknown): value is GrpcMetadata {
  return typeof read(value, 'getMap') === 'function' && typeof read(value, 'set') === 'function';
}

/**
 * Where a gRPC handler's arguments keep the call. `@GrpcMethod` and `@GrpcStreamMethod` handlers
 * get `[data, metadata, call]`; `@GrpcStreamCall` (pass-through) handlers get grpc-js's call
 * itself, `[call]` or `[call, callback]`, and Nest awaits what they return without answering
 * the call from it: such a call is answered on the call directly.
 */
interface GrpcCallArgs {
  metadata: GrpcMetadata;
  call: unknown;
  passThrough?: { callback: unknown };
}

function grpcCallArgsOf(host: ArgumentsHost): GrpcCallArgs | undefined {
  const [first, second, third] = [0, 1, 2].map((index) => host.getArgByIndex(index));
  if (isMetadata(second)) return { metadata: second, call: third };
  const metadata = read(first, 'metadata');
  if (isMetadata(metadata) && typeof read(first, 'getPath') === 'function')
    return { metadata, call: first, passThrough: { callback: second } };
  return undefined;
}

/** Whether a microservice call is a gRPC one (see GrpcCallArgs for the arguments it has). */
export function isGrpcCall(host: ArgumentsHost): boolean {
  return grpcCallArgsOf(host) !== undefined;
}

/** Printable ASCII, which is all a non-binary metadata value may hold. */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
/** What grpc-js accepts as a metadata key. */
const LEGAL_KEY = /^[0-9a-z_.-]+$/;

/** Lone surrogates: grpc-js percent-encodes the status message with `encodeURI`, which throws on them. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** The status message: well-formed UTF-16 (lone surrogates as U+FFFD), cut to `max` code units with an ellipsis. */
function statusMessageOf(text: string, max: number): string {
  const short = text.length <= max ? text : `${text.slice(0, max - 1)}…`;
  return short.replace(LONE_SURROGATE, '\ufffd');
}

/** `text` as a legal metadata value: anything outside printable ASCII percent-encoded. */
function asciiValue(text: string): string {
  return PRINTABLE_ASCII.test(text) ? text : encodeURIComponent(text.replace(LONE_SURROGATE, '\ufffd'));
}

/** JSON whose non-ASCII characters are `\u` escapes: still the same JSON, and a legal metadata value. */
function asciiJson(value: unknown): string {
  return stringifySafely(value).replace(
    /[^\x20-\x7e]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Validation field errors (`{ field, messages, constraints }`) among a failure's details. */
function fieldViolationsOf(details: unknown): FieldViolation[] {
  if (!Array.isArray(details)) return [];
  const violations: FieldViolation[] = [];
  for (const detail of details) {
    const field = read(detail, 'field');
    const messages = read(detail, 'messages');
    if (typeof field !== 'string' || !Array.isArray(messages)) continue;
    violations.push({ field, description: messages.filter((message) => typeof message === 'string').join('; ') });
  }
  return violations;
}

/** Development mode's `google.rpc.DebugInfo`: the stack's frames, and its first line with the cause chain. */
function debugInfoOf({ stack = '', cause = [] }: FailureDebugInfo): DebugInfo {
  const [headline, ...frames] = stack.split('\n');
  return {
    stackEntries: frames.map((frame) => frame.trim()).filter(Boolean),
    detail: [headline, ...cause.map((link) => `caused by ${link.name}: ${link.message}`)].filter(Boolean).join('\n'),
  };
}

/** The call's method path, `/package.Service/Method`, as grpc-js's server call gives it. */
function methodPathOf(call: unknown): string | undefined {
  try {
    const getPath = read(call, 'getPath');
    const path = typeof getPath === 'function' ? getPath.call(call) : read(call, 'path');
    return typeof path === 'string' ? path : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Answers gRPC failures with an error grpc-js sends as is: the status code mapped from the
 * entry's HTTP status, the envelope message as `details`, and the rest of the envelope in the
 * trailing metadata, `grpc-status-details-bin` (a `google.rpc.Status`) included. The metadata is
 * made with the call's own Metadata class, so the package never imports @grpc/grpc-js.
 */
export class GrpcResponder implements Responder {
  private readonly requestIdKey: string;

  constructor(requestIdHeader: string) {
    this.requestIdKey = requestIdHeader.toLowerCase();
  }

  requestIdOf(host: ArgumentsHost): string {
    const { metadata } = grpcCallArgsOf(host)!;
    return callRequestIdOf(metadata, metadata.get(this.requestIdKey)[0]);
  }

  requestOf(): undefined {
    return undefined;
  }

  /** The method path (`/shop.v1.Orders/Place`): what gRPC tools and the client name the call by. */
  identityOf(host: ArgumentsHost): CallIdentity {
    return { pattern: methodPathOf(grpcCallArgsOf(host)?.call) };
  }

  respond(failure: Failure): Observable<unknown> {
    const { code, reason, status, requestId, details, debug, headers = {} } = failure;
    const grpcStatus = grpcStatusOf(status);
    const message = statusMessageOf(failure.message, MAX_MESSAGE_LENGTH);
    const metadata = this.metadataOf(failure.host!);
    // The exception's own headers (`Retry-After`...), where they make legal, non-reserved metadata;
    // the module's own keys are set after them and win.
    for (const [name, value] of Object.entries(headers)) {
      const key = name.toLowerCase();
      const legal = LEGAL_KEY.test(key) && !key.startsWith('grpc-') && !key.endsWith('-bin');
      if (legal && typeof value === 'string' && PRINTABLE_ASCII.test(value)) metadata.set(key, value);
    }
    this.setEnvelope(metadata, code, reason, status, requestId);
    if (details !== undefined) {
      const json = asciiJson(details);
      metadata.set(
        'x-error-details',
        json.length <= MAX_DETAILS_JSON_LENGTH ? json : asciiJson({ omitted: true, length: json.length }),
      );
    }
    const statusDetails: StatusDetails = {
      code: grpcStatus,
      message,
      errorInfo: this.errorInfo(code, reason, requestId),
      fieldViolations: fieldViolationsOf(details),
      ...(debug !== undefined && { debugInfo: debugInfoOf(debug) }),
    };
    metadata.set('grpc-status-details-bin', encodeStatusDetails(statusDetails));
    return this.answer(failure.host!, { code: grpcStatus, details: message, metadata });
  }

  /** A fixed INTERNAL answer with the fallback envelope's content, built from constants only. */
  fallback(host: ArgumentsHost, requestId: string): Observable<unknown> {
    const { code, reason, message } = fallbackEnvelopeOf(requestId);
    let metadata: GrpcMetadata | undefined;
    try {
      metadata = this.metadataOf(host);
      this.setEnvelope(metadata, code, reason, 500, requestId);
      const errorInfo = this.errorInfo(code, reason, requestId);
      metadata.set('grpc-status-details-bin', encodeStatusDetails({ code: INTERNAL, message, errorInfo }));
    } catch {
      // Without metadata the client still gets the status and its message.
    }
    return this.answer(host, { code: INTERNAL, details: message, ...(metadata && { metadata }) });
  }

  /**
   * The error as the handler's result, which Nest hands to grpc-js; for a pass-through call, the
   * error sent on the call itself (its callback, or the stream's `error` event, which grpc-js
   * turns into the status), and a result that tells Nest the handler is done.
   */
  private answer(host: ArgumentsHost, error: GrpcError | Omit<GrpcError, 'metadata'>): Observable<unknown> {
    const args = grpcCallArgsOf(host);
    if (args?.passThrough === undefined) return throwError(() => error);
    const { call, passThrough } = args;
    try {
      if (typeof passThrough.callback === 'function') passThrough.callback(error, null);
      else (call as { emit(event: 'error', error: unknown): void }).emit('error', error);
    } catch {
      // A call that cannot take the error any more has ended already.
    }
    return of(undefined);
  }

  private setEnvelope(metadata: GrpcMetadata, code: number, reason: string, status: number, requestId: string): void {
    metadata.set(this.requestIdKey, requestId);
    metadata.set('x-error-code', String(code));
    metadata.set('x-error-reason', asciiValue(reason));
    metadata.set('x-error-status', String(status));
  }

  private errorInfo(code: number, reason: string, requestId: string): StatusDetails['errorInfo'] {
    return { reason, domain: GRPC_ERROR_DOMAIN, metadata: { code: String(code), requestId } };
  }

  /** A new Metadata of the class the call's own metadata is an instance of. */
  private metadataOf(host: ArgumentsHost): GrpcMetadata {
    const Metadata = (grpcCallArgsOf(host)!.metadata as object).constructor as new () => GrpcMetadata;
    return new Metadata();
  }
}
