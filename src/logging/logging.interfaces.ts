import type { ErrorLogLevel } from '../catalogue/catalogue.interfaces.js';
import type { Transport } from '../describe/failure.js';
import type { ErrorClass, UpstreamInfo } from '../resolve/resolve.interfaces.js';

/** How failed requests are logged: one record each, through nestjs-pino when present. */
export interface ErrorLoggingOptions {
  /** Level per status class (defaults: `4xx` warn, `5xx` error); `false` leaves the class unlogged. */
  levels?: { '4xx'?: ErrorLogLevel | false; '5xx'?: ErrorLogLevel | false };
  /** `[ErrorClass, level | false]` pairs that beat `levels`; the nearest class in the prototype chain wins. */
  classLevels?: ReadonlyArray<readonly [ErrorClass, ErrorLogLevel | false]>;
  /** Classes never logged: shorthand for `[ErrorClass, false]` in `classLevels`. */
  exclude?: readonly ErrorClass[];
  /**
   * Names redacted besides the defaults (authorization, cookie, password, passwd, token, secret,
   * apikey). A header, body, query or details field is redacted when its name, lower-cased and
   * without `-` and `_`, contains one of them: `X-Api-Key`, `refresh_token`, `clientSecret`.
   */
  redact?: readonly string[];
  /**
   * At most `limit` records per `windowMs` for one kind of failure (same reason, route or
   * pattern, and error class); the next record written for that kind carries `suppressed: n`.
   * Reporters are throttled alike. Off by default.
   */
  throttle?: { windowMs: number; limit: number };
}

/** The request as a log record carries it: never headers or body, and a redacted query. */
export interface RequestLogInfo {
  id: string;
  method: string;
  /** The URL as received, with sensitive query values redacted. */
  url: string;
  /** The route pattern (`/products/:id`); absent when the request failed before routing. */
  route?: string;
  params?: unknown;
  query?: unknown;
  ip?: string;
  userAgent?: string;
}

/** What the log record of a failure says, and what reporters receive with the error. */
export interface ErrorLogContext {
  /** The kind of call that failed. */
  transport: Transport;
  status: number;
  code: number;
  reason: string;
  /** The error's own message, even where production mode masks it in the response. */
  message: string;
  requestId: string;
  /** The HTTP request (also for GraphQL over HTTP). */
  req?: RequestLogInfo;
  /** RPC and WebSocket: the message pattern (gRPC: the method path). */
  pattern?: string;
  /** WebSocket: the client's id. */
  clientId?: string;
  /** GraphQL: the operation's name and the failing field's path. */
  operation?: string;
  path?: string;
  /** The response's `details`, redacted. */
  details?: unknown;
  /** A ClientProxy call that failed with a service's envelope: that service's request id, code and reason. */
  upstream?: UpstreamInfo;
  /** With `logging.throttle`: how many failures of this kind were left out before this one. */
  suppressed?: number;
}

/** An error tracker (Sentry, ...; for OpenTelemetry, see the `opentelemetry` option). Called after the response went out. */
export interface ErrorReporter {
  report(error: unknown, context: ErrorLogContext): void | Promise<void>;
}

/** `logging` after validation: which failures get a record, at which level, and what is redacted. */
export interface LoggingPolicy {
  levelOf4xx: ErrorLogLevel | false;
  levelOf5xx: ErrorLogLevel | false;
  /** `classLevels` and `exclude` (as `false`), looked up by prototype chain. */
  levelByClass: ReadonlyMap<Function, ErrorLogLevel | false>;
  /** Names redacted besides the defaults. */
  redact: readonly string[];
  throttle: { windowMs: number; limit: number } | undefined;
}

/** `reporters`, `reportClasses` and `reporterTimeout` after validation. */
export interface ReportingPolicy {
  reporters: readonly ErrorReporter[];
  reportClasses: ReadonlyMap<Function, true>;
  reporterTimeout: number;
}

/** `processErrors` and `processErrorsExitTimeout` after validation. */
export interface ProcessErrorsPolicy {
  mode: 'log-and-exit' | false;
  exitTimeout: number;
}
