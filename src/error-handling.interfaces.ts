import type { ArgumentsHost, HttpException, Type, ValidationPipeOptions } from '@nestjs/common';
import type { ErrorCatalogue, ErrorCodeEntry } from './error-code.interfaces.js';

export type ErrorHandlingMode = 'production' | 'development';

/** Any class whose instances can be thrown; matched through the prototype chain. */
export type ErrorClass<T = any> = abstract new (...args: any[]) => T;

/** What a handler function sees besides the error. */
export interface ErrorHandlerContext {
  /** The platform's request object (express or fastify). */
  request: unknown;
  /** The controller the request reached; absent for errors raised before routing. */
  controller?: Type<unknown>;
  /** The route method's name; absent for errors raised before routing. */
  handler?: string;
  host: ArgumentsHost;
}

export type ErrorHandlerFunction<E = any> = (
  error: E,
  context: ErrorHandlerContext,
) => HttpException | Promise<HttpException>;

/** A catalogue entry, or a function that maps the error to an exception. */
export type ErrorHandlerTarget<E = any> = ErrorCodeEntry | ErrorHandlerFunction<E>;

/** `[ErrorClass | status, target]`: the two arguments `@OnError` takes. */
export type ErrorHandlerMapping = readonly [ErrorClass | number, ErrorHandlerTarget];

/** What a formatter receives: the resolved error, ready to be written. */
export interface ErrorDescription {
  status: number;
  code: number;
  reason: string;
  message: string;
  details?: unknown;
  requestId: string;
  /** The thrown value, for formatters that need more than the fields above. */
  exception: unknown;
  request: unknown;
}

export type ErrorFormatter = (info: ErrorDescription) => unknown;

export type ErrorFormat = 'envelope' | 'problem' | ErrorFormatter;

/** A pino level; the Nest Logger fallback maps `trace` to `verbose` and `info` to `log`. */
export type ErrorLogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

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

/** What the log record of a failed request says, and what reporters receive with the error. */
export interface ErrorLogContext {
  status: number;
  code: number;
  reason: string;
  /** The error's own message, even where production mode masks it in the response. */
  message: string;
  requestId: string;
  req: RequestLogInfo;
  /** The response's `details`, redacted. */
  details?: unknown;
}

/** An error tracker (Sentry, OpenTelemetry, ...). Called after the response went out. */
export interface ErrorReporter {
  report(error: unknown, context: ErrorLogContext): void | Promise<void>;
}

export interface ErrorHandlingModuleOptions {
  /** The app's catalogue (defaults to `ErrorCode`): its entries answer statuses the defaults do not name. */
  codes?: ErrorCatalogue;
  /** `production` (default unless NODE_ENV or APP_MODE is `development`) hides 5xx internals. */
  mode?: ErrorHandlingMode;
  /** The body's shape: the envelope (default), RFC 9457 `problem`, or your own function. */
  format?: ErrorFormat;
  /**
   * With `format: 'problem'`: the absolute URL under which each entry gets its own `type`
   * (`https://errors.example.com/` → `https://errors.example.com/resource-not-found`). Without
   * it the type is `about:blank` and the title is the HTTP status phrase, as RFC 9457 says.
   */
  problemTypeBaseUrl?: string;
  /**
   * Documents error responses in @nestjs/swagger's document: routes with `@OnError` or `@Timeout`
   * get their mapped entries, and every route gets the 500 entry. `@ApiErrorResponses` works without it.
   */
  openapi?: boolean;
  /** Module-level mappings, consulted after method and controller `@OnError`. */
  handlers?: readonly ErrorHandlerMapping[];
  /** Which entry a plain HttpException of a status gets, e.g. `{ 401: ErrorCode.EMPTY_TOKEN }`. */
  statusCodes?: Readonly<Record<number, ErrorCodeEntry>>;
  /** The request id header read and written (default `X-Request-Id`). */
  requestIdHeader?: string;
  /** `true` or ValidationPipe options: installs a global ValidationPipe with field-level details. */
  validation?: boolean | ValidationPipeOptions;
  /** Levels per status class and per exception class, classes not to log, redacted names. */
  logging?: ErrorLoggingOptions;
  /** Error trackers, called once for every 5xx and for `reportClasses`, after the reply. */
  reporters?: readonly ErrorReporter[];
  /** Classes reported whatever their status (every 5xx is reported anyway). */
  reportClasses?: readonly ErrorClass[];
  /** How long (ms) an async reporter is awaited before it is logged as failed (default 5000). */
  reporterTimeout?: number;
  /**
   * `'log-and-exit'` (opt-in): an unhandledRejection or uncaughtException outside any request is
   * logged as fatal with its stack, the app is closed, and the process exits with code 1.
   */
  processErrors?: 'log-and-exit' | false;
  /** The most time (ms) closing the app may take after a process error before exiting anyway (default 10000). */
  processErrorsExitTimeout?: number;
  /**
   * The most entries an input error lists in `details` (default 100); the message says how many
   * more there were. Keeps the answer to a huge invalid payload small.
   */
  maxValidationDetails?: number;
}
