import type { ValidationPipeOptions } from '@nestjs/common';
import type { ErrorCatalogue, ErrorCodeEntry } from '../catalogue/catalogue.interfaces.js';
import type { ErrorLoggingOptions, ErrorReporter } from '../logging/logging.interfaces.js';
import type { ErrorClass, ErrorHandlerMapping } from '../resolve/resolve.interfaces.js';
import type { ErrorFormat, ErrorPageRenderer } from '../respond/respond.interfaces.js';

export type ErrorHandlingMode = 'production' | 'development';

/** What `ErrorHandlingModule.forRoot()` accepts; every option is optional (defaults: docs/options.md). */
export interface ErrorHandlingModuleOptions {
  /** The app's catalogue (defaults to `ErrorCode`): its entries answer statuses the defaults do not name. */
  codes?: ErrorCatalogue;
  /** `production` (default unless NODE_ENV or APP_MODE is `development`) hides 5xx internals. */
  mode?: ErrorHandlingMode;
  /**
   * The body's shape: the envelope (default), RFC 9457 `problem`, `negotiate` (problem details,
   * an HTML page or the envelope by the request's `Accept`), or your own function.
   */
  format?: ErrorFormat;
  /** With `format: 'negotiate'`: renders the HTML page yourself (escape what you take from `info`). */
  htmlPage?: ErrorPageRenderer;
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
  /**
   * With nestjs-i18n and its I18nModule: the catalogue's messages a client gets are looked up as
   * `errors.<REASON>` in the call's language, falling back to the catalogue's, and each validation
   * message as `validation.<constraint>`, falling back to class-validator's (docs/i18n.md).
   */
  i18n?: boolean;
  /**
   * With the optional peer `@opentelemetry/api`: every failure records an `exception` event on the
   * active span (a 5xx also sets its status to ERROR), `traceparent` travels in ClientProxy packet
   * metadata, and each incoming microservice call gets a server span (docs/services.md).
   */
  opentelemetry?: boolean;
}
