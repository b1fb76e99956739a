import type { ArgumentsHost } from '@nestjs/common';
import type { CallIdentity, Failure } from '../describe/failure.js';

/**
 * The one place that knows a transport: how a call carries its request id and identity, and
 * how a failure is answered on it. The filter hands what a responder returns back to Nest,
 * which for RPC and GraphQL is the answer itself.
 */
export interface Responder {
  /** Taken once, when the failure is caught; the fallback answer uses the same. */
  requestIdOf(host: ArgumentsHost): string;
  /** The platform's request, for HTTP (and GraphQL over HTTP); undefined elsewhere. */
  requestOf(host: ArgumentsHost): unknown;
  identityOf(host: ArgumentsHost): CallIdentity | undefined;
  respond(failure: Failure): unknown;
  /**
   * How an answer still being decided (an async handler target or `mapException`) reaches Nest,
   * where a promise of it would not do; absent: the promise itself.
   */
  later?(answer: Promise<unknown>): unknown;
  /** The last resort when the pipeline itself failed: a fixed 500 answer that cannot fail. */
  fallback(host: ArgumentsHost, requestId: string): unknown;
}
