import type { ErrorDescription } from './error-handling.interfaces.js';
import type { ProblemType } from './problem-type.js';
import { causeChainOf, messageOf, nameOf, stackOf } from './thrown-value.js';

/** What development mode adds to a body: the stack and the cause chain of the thrown value. */
function developmentExtras(exception: unknown): { stack?: string; cause?: Array<{ name: string; message: string }> } {
  const causes = causeChainOf(exception, false).map((link) => ({ name: nameOf(link), message: messageOf(link) }));
  return { stack: stackOf(exception), ...(causes.length > 0 && { cause: causes }) };
}

/** `{ code, reason, message, details?, requestId }`: the package's envelope. */
export function envelopeBody(info: ErrorDescription, development: boolean): Record<string, unknown> {
  return {
    code: info.code,
    reason: info.reason,
    message: info.message,
    ...(info.details !== undefined && { details: info.details }),
    requestId: info.requestId,
    ...(development && developmentExtras(info.exception)),
  };
}

/**
 * RFC 9457 problem details, with the envelope's fields as extension members. `instance` is left
 * out when there is no request path (documentation examples).
 */
export function problemBody(info: ErrorDescription, development: boolean, problemType: ProblemType, instance: string): Record<string, unknown> {
  return {
    type: problemType.type,
    title: problemType.title,
    status: info.status,
    detail: info.message,
    ...(instance !== '' && { instance }),
    code: info.code,
    reason: info.reason,
    requestId: info.requestId,
    ...(info.details !== undefined && { errors: info.details }),
    ...(development && developmentExtras(info.exception)),
  };
}

/**
 * JSON text of a body. Bodies carry application data (`details`), which may hold BigInts or
 * cycles; those are written as strings and `"[Circular]"` instead of failing the response.
 */
export function stringifySafely(body: unknown): string {
  try {
    return JSON.stringify(body) ?? 'null';
  } catch {
    const ancestors: object[] = [];
    return JSON.stringify(body, function (this: unknown, _key, value: unknown) {
      if (typeof value === 'bigint') return value.toString();
      if (value === null || typeof value !== 'object') return value;
      while (ancestors.length > 0 && ancestors.at(-1) !== this) ancestors.pop();
      if (ancestors.includes(value)) return '[Circular]';
      ancestors.push(value);
      return value;
    });
  }
}
