import type { ErrorDescription, ErrorLogContext, RequestLogInfo } from './error-handling.interfaces.js';
import type { LogRedactor } from './log-redactor.js';
import type { ResolvedError } from './resolved-error.interfaces.js';
import { read, stringProperty } from './thrown-value.js';

/**
 * The request as logged. Express and fastify name things differently (`originalUrl` and
 * `route.path` vs `url` and `routeOptions.url`), and a middleware error on fastify hands over
 * the raw Node request: each field is read where the platform keeps it.
 */
export function requestLogInfo(request: unknown, requestId: string, redactor: LogRedactor): RequestLogInfo {
  const raw = read(request, 'raw') ?? request;
  const url = stringProperty(request, 'originalUrl') ?? stringProperty(request, 'url') ?? '';
  const route = stringProperty(read(request, 'route'), 'path') ?? stringProperty(read(request, 'routeOptions'), 'url');
  return {
    id: requestId,
    method: stringProperty(request, 'method') ?? '',
    url: redactor.redactUrl(url),
    route,
    params: redactor.redact(read(request, 'params')),
    query: redactor.redact(read(request, 'query')),
    ip: stringProperty(request, 'ip') ?? stringProperty(read(raw, 'socket'), 'remoteAddress'),
    userAgent: stringProperty(read(raw, 'headers'), 'user-agent'),
  };
}

/** What the log record says about a failed request, and what reporters receive. */
export function errorLogContext(description: ErrorDescription, resolved: ResolvedError, redactor: LogRedactor): ErrorLogContext {
  const { status, code, reason, requestId, request, details } = description;
  const context: ErrorLogContext = {
    status,
    code,
    reason,
    message: resolved.message,
    requestId,
    req: requestLogInfo(request, requestId, redactor),
  };
  if (details !== undefined) context.details = redactor.redact(details);
  return context;
}
