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

export interface ErrorHandlingModuleOptions {
  /** The app's catalogue (defaults to `ErrorCode`): its entries answer statuses the defaults do not name. */
  codes?: ErrorCatalogue;
  /** `production` (default unless NODE_ENV or APP_MODE is `development`) hides 5xx internals. */
  mode?: ErrorHandlingMode;
  /** The body's shape: the envelope (default), RFC 9457 `problem`, or your own function. */
  format?: ErrorFormat;
  /** Module-level mappings, consulted after method and controller `@OnError`. */
  handlers?: readonly ErrorHandlerMapping[];
  /** Which entry a plain HttpException of a status gets, e.g. `{ 401: ErrorCode.EMPTY_TOKEN }`. */
  statusCodes?: Readonly<Record<number, ErrorCodeEntry>>;
  /** The request id header read and written (default `X-Request-Id`). */
  requestIdHeader?: string;
  /** `true` or ValidationPipe options: installs a global ValidationPipe with field-level details. */
  validation?: boolean | ValidationPipeOptions;
  /**
   * The most entries an input error lists in `details` (default 100); the message says how many
   * more there were. Keeps the answer to a huge invalid payload small.
   */
  maxValidationDetails?: number;
}
