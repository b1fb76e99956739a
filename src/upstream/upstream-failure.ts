import { TimeoutError } from 'rxjs';
import type { ErrorCodeEntry } from '../catalogue/catalogue.interfaces.js';
import { ErrorCode } from '../catalogue/error-codes.js';
import type { StatusEntries } from '../catalogue/status-entries.js';
import { isPlainObject } from '../internal/thrown-value.js';
import type { Resolution } from '../resolve/resolve.interfaces.js';

/** The RPC envelope a service that imports this module answers its caller with (API.md §7). */
export interface UpstreamEnvelope {
  code: number;
  reason: string;
  status: number;
  message: string;
  details?: unknown;
  requestId: string;
}

/** Every key the envelope may have (development mode adds `stack` and `cause`). */
const ENVELOPE_KEYS: ReadonlySet<string> = new Set([
  'code',
  'reason',
  'status',
  'message',
  'details',
  'requestId',
  'stack',
  'cause',
]);

const REASON = /^[A-Z][A-Z0-9_]*$/;

/**
 * Strict on purpose: a plain object (as a transport deserializes it) with exactly the envelope's
 * keys and types, so that an arbitrary object with a `status` is never taken for a service's answer.
 */
export function isUpstreamEnvelope(value: unknown): value is UpstreamEnvelope {
  if (!isPlainObject(value) || !Object.keys(value).every((key) => ENVELOPE_KEYS.has(key))) return false;
  const { code, reason, status, message, requestId } = value as Record<string, unknown>;
  return (
    Number.isInteger(code) &&
    typeof reason === 'string' &&
    REASON.test(reason) &&
    Number.isInteger(status) &&
    (status as number) >= 400 &&
    (status as number) <= 599 &&
    typeof message === 'string' &&
    typeof requestId === 'string'
  );
}

/**
 * What a ClientProxy call's error answers at the edge: a service's envelope with what the
 * service said (its 5xx message masked by the edge's own catalogue message for that status), an
 * rxjs `timeout()` with 504 MODEL_TIMEOUT; undefined for anything else. Connection failures are
 * system errors (`ECONNREFUSED`...), which the built-in defaults already answer with 503.
 */
export function upstreamResolution(exception: unknown, entries: StatusEntries): Resolution | undefined {
  if (exception instanceof TimeoutError)
    return { entry: ErrorCode.MODEL_TIMEOUT, message: ErrorCode.MODEL_TIMEOUT.message };
  if (!isUpstreamEnvelope(exception)) return undefined;
  const { code, reason, status, message, details, requestId } = exception;
  const entry: ErrorCodeEntry = Object.freeze({
    code,
    reason,
    status,
    message: status >= 500 ? entries.entryFor(status).message : message,
  });
  return { entry, message, ...(details !== undefined && { details }), upstream: { requestId, code, reason } };
}
