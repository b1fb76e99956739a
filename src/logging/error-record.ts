import type { Failure } from '../describe/failure.js';
import { causeChainOf, messageOf, nameOf, read, stackOf, stringProperty } from '../internal/thrown-value.js';
import type { LogRedactor } from './log-redactor.js';
import type { ErrorLogContext, RequestLogInfo } from './logging.interfaces.js';

/**
 * The request as logged. Express and fastify name things differently (`originalUrl` and
 * `route.path` vs `url` and `routeOptions.url`), and a middleware error on fastify hands over
 * the raw Node request: each field is read where the platform keeps it.
 */
export function requestLogInfo(request: unknown, requestId: string, redactor: LogRedactor): RequestLogInfo {
  const raw = read(request, 'raw') ?? request;
  const url = stringProperty(request, 'originalUrl') ?? stringProperty(request, 'url') ?? '';
  const route = routeOf(request);
  return {
    id: requestId,
    method: stringProperty(request, 'method') ?? '',
    url: redactor.redactUrl(url),
    route,
    params: redactor.redact(read(request, 'params')),
    // Express 5's `query` is a getter that parses the URL at every read: without a query string
    // every parser gives an empty object.
    query: url.includes('?') ? redactor.redact(read(request, 'query')) : {},
    // Express's `ip` is a getter that parses X-Forwarded-For at every read (proxy-addr): with
    // `trust proxy` off, its default, it is the socket's address.
    ip:
      (trustsNoProxy(request) ? undefined : stringProperty(request, 'ip')) ??
      stringProperty(read(raw, 'socket'), 'remoteAddress'),
    userAgent: stringProperty(read(raw, 'headers'), 'user-agent'),
  };
}

/** An express request of an app whose `trust proxy` setting is off (express's default). */
function trustsNoProxy(request: unknown): boolean {
  return read(read(read(request, 'app'), 'settings'), 'trust proxy') === false;
}

/** The route pattern a request reached: express's `route.path`, fastify's `routeOptions.url`. */
function routeOf(request: unknown): string | undefined {
  return stringProperty(read(request, 'route'), 'path') ?? stringProperty(read(request, 'routeOptions'), 'url');
}

/** The kind of a failure, as `logging.throttle` counts them: its reason, route or pattern, and class. */
export function kindOf(failure: Failure): string {
  const { identity } = failure;
  const where = routeOf(failure.request) ?? identity?.pattern ?? identity?.path ?? '';
  return `${failure.reason} ${where} ${nameOf(failure.exception)}`;
}

/** What the log record says about a failure, and what reporters receive. */
export function errorLogContext(failure: Failure, redactor: LogRedactor): ErrorLogContext {
  const { transport, status, code, reason, requestId, request, ownDetails, upstream } = failure;
  const context: ErrorLogContext = { transport, status, code, reason, message: failure.ownMessage, requestId };
  if (request !== undefined) context.req = requestLogInfo(request, requestId, redactor);
  for (const [key, value] of Object.entries(failure.identity ?? {})) {
    if (value !== undefined) (context as unknown as Record<string, unknown>)[key] = value;
  }
  if (ownDetails !== undefined) context.details = redactor.redact(ownDetails);
  if (upstream !== undefined) context.upstream = upstream;
  return context;
}

/**
 * The record's one-line text: the request line, or the call's transport and identity. ASCII on
 * purpose: one character beyond Latin-1 makes the whole log line a two-byte string, which pino
 * and the console then measure and encode several times slower.
 */
export function recordLineOf(context: ErrorLogContext): string {
  const { req, status, reason, message } = context;
  const call = req
    ? `${req.method} ${req.url}`
    : `${context.transport} ${context.pattern ?? context.path ?? ''}`.trimEnd();
  return `${call} -> ${status} ${reason}: ${message}`;
}

/** A thrown value as a log record carries it: its own fields only, never its enumerable extras. */
export interface LoggedError {
  type: string;
  message: string;
  stack?: string;
  /** The `cause` chain (and AggregateError members), outermost first. */
  cause?: LoggedError[];
}

function loggedErrorOf(value: unknown, withStack: boolean): LoggedError {
  const logged: LoggedError = { type: nameOf(value), message: messageOf(value) };
  if (withStack) logged.stack = stackOf(value);
  return logged;
}

/**
 * Enumerable extras are left out on purpose: client errors carry their request config (headers,
 * tokens) there. The stack and cause chain only when asked for: server errors need them, client
 * errors do not.
 */
export function serializeError(value: unknown, withStack: boolean): LoggedError {
  const logged = loggedErrorOf(value, withStack);
  if (withStack) {
    const causes = causeChainOf(value, false);
    if (causes.length > 0) logged.cause = causes.map((cause) => loggedErrorOf(cause, true));
  }
  return logged;
}
