import type { ArgumentsHost, HttpException, Type } from '@nestjs/common';
import type { ErrorCodeEntry } from '../catalogue/catalogue.interfaces.js';

/** Any class whose instances can be thrown; matched through the prototype chain. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any constructor, whatever its arguments
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

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the error's type is the mapped class's
export type ErrorHandlerFunction<E = any> = (
  error: E,
  context: ErrorHandlerContext,
) => HttpException | Promise<HttpException>;

/** A catalogue entry, or a function that maps the error to an exception. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as ErrorHandlerFunction
export type ErrorHandlerTarget<E = any> = ErrorCodeEntry | ErrorHandlerFunction<E>;

/** `[ErrorClass | status, target]`: the two arguments `@OnError` takes. */
export type ErrorHandlerMapping = readonly [ErrorClass | number, ErrorHandlerTarget];

/** The resolver's verdict: which entry answers the error, with what the error itself says. */
export interface Resolution {
  entry: ErrorCodeEntry;
  /**
   * The error chose its entry itself (an OperatedException, an `errorCode` naming an entry of
   * `codes`): status handlers, which map what a status answers by default, pass it by.
   */
  chosen?: true;
  /** The message before production masking: the error's own, or the entry's. */
  message: string;
  details?: unknown;
  /**
   * The fields of an HttpException's response object beside its message (and an `errorCode`
   * that names no entry): answered like the message, so not for a 5xx in production; always
   * recorded.
   */
  ownDetails?: Readonly<Record<string, unknown>>;
  headers?: Readonly<Record<string, string>>;
  /** What a handler target threw or returned instead of an exception, if it failed. */
  handlerFailure?: unknown;
  /** A ClientProxy call that failed with a service's envelope: which service answer it was. */
  upstream?: UpstreamInfo;
}

/** What the edge's record says about the service whose envelope a ClientProxy call failed with. */
export interface UpstreamInfo {
  requestId: string;
  code: number;
  reason: string;
}
