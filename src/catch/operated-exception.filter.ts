import { ArgumentsHost, ExceptionFilter, Inject } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { types } from 'node:util';
import { throwError } from 'rxjs';
import { Failure } from '../describe/failure.js';
import { ErrorLogger } from '../logging/error-logger.js';
import { ErrorRecorder } from '../logging/error-recorder.js';
import { DEFAULTS } from '../options/error-handling.defaults.js';
import { RESOLVED_ERROR_HANDLING_OPTIONS, type ResolvedErrorHandlingOptions } from '../options/resolve-options.js';
import { requestIdOf } from '../request-id/request-id.js';
import { ErrorResolver } from '../resolve/error-resolver.js';
import type { Resolution } from '../resolve/resolve.interfaces.js';
import { HttpResponder, writeFallback } from '../respond/http.responder.js';

/**
 * The module's exception pipeline: catch → resolve → describe → respond → record. Extend it
 * with `@Catch(SomeError)` to write a controller-scoped filter whose answer is still the
 * module's envelope: override `mapException` (or Nest's idiom: override `catch` and call
 * `super.catch(mapped, host)`). Pass the subclass as a class to `@UseFilters` so that its
 * dependencies (and these) are injected.
 */
export class OperatedExceptionFilter<T = unknown> implements ExceptionFilter<T> {
  // Property injection keeps subclass constructors free of the base's dependencies.
  @Inject(ErrorResolver) private readonly resolver: ErrorResolver;
  @Inject(HttpResponder) private readonly responder: HttpResponder;
  @Inject(ErrorRecorder) private readonly recorder: ErrorRecorder;
  @Inject(ErrorLogger) private readonly errorLogger: ErrorLogger;
  @Inject(RESOLVED_ERROR_HANDLING_OPTIONS) private readonly options: ResolvedErrorHandlingOptions;

  constructor() {
    // A subclass's own catch() can throw or reject before it hands over to super.catch(), and
    // Nest would then leave the request hanging (nest#5173). Nest calls whatever `catch` the
    // instance has, so an overriding one is guarded here; `mapException` needs no guard.
    const ownCatch = this.catch;
    if (ownCatch === OperatedExceptionFilter.prototype.catch) return;
    this.catch = (exception: T, host: ArgumentsHost): unknown => {
      try {
        const result = ownCatch.call(this, exception, host);
        return types.isPromise(result)
          ? result.catch((failure: unknown) => this.fallback(exception, failure, host, this.requestIdOf(host)))
          : result;
      } catch (failure) {
        this.fallback(exception, failure, host, this.requestIdOf(host));
        return undefined;
      }
    };
  }

  /**
   * The hook for subclasses: what the pipeline should answer instead of the caught exception
   * (an OperatedException, any HttpException, or the exception itself). May be async; a hook
   * that throws or rejects answers a 500 envelope.
   */
  protected mapException(exception: T, _host: ArgumentsHost): unknown {
    return exception;
  }

  catch(exception: T, host: ArgumentsHost): unknown {
    // Other transports have their own reply mechanics: hand the error back untouched.
    if (host.getType() !== 'http') return host.getType() === 'rpc' ? throwError(() => exception) : exception;
    const requestId = this.requestIdOf(host);
    try {
      const mapped = this.mapException(exception, host);
      if (!types.isPromise(mapped)) return this.resolve(mapped, host, requestId);
      return mapped.then(
        (settled) => this.resolve(settled, host, requestId),
        (failure: unknown) => this.fallback(exception, failure, host, requestId),
      );
    } catch (failure) {
      this.fallback(exception, failure, host, requestId);
      return undefined;
    }
  }

  private resolve(exception: unknown, host: ArgumentsHost, requestId: string): Promise<void> | undefined {
    try {
      const resolution = this.resolver.resolve(exception, host);
      if (!types.isPromise(resolution)) {
        this.answer(exception, host, requestId, resolution);
        return undefined;
      }
      return resolution.then(
        (settled) => this.answer(exception, host, requestId, settled),
        (failure: unknown) => this.fallback(exception, failure, host, requestId),
      );
    } catch (failure) {
      this.fallback(exception, failure, host, requestId);
      return undefined;
    }
  }

  /** Describe, respond, then record: a logger or tracker that fails cannot change the answer. */
  private answer(exception: unknown, host: ArgumentsHost, requestId: string, resolution: Resolution): void {
    let failure: Failure;
    try {
      const caught = { exception, transport: 'http' as const, requestId, request: host.getArgByIndex(0), host };
      failure = new Failure(caught, resolution, this.options.mode === 'development');
      this.responder.respond(failure);
    } catch (failed) {
      this.fallback(exception, failed, host, requestId);
      return;
    }
    this.recorder.record(failure);
  }

  /** Taken once per failure; works without injection too, for filters made with `new`. */
  private requestIdOf(host: ArgumentsHost): string {
    try {
      return this.responder
        ? this.responder.requestIdOf(host)
        : requestIdOf(host.getArgByIndex(0), DEFAULTS.requestIdHeader.toLowerCase());
    } catch {
      return randomUUID();
    }
  }

  /** The last resort when the pipeline itself failed: a fixed 500 envelope, or ending the response. */
  private fallback(exception: unknown, failure: unknown, host: ArgumentsHost, requestId: string): void {
    try {
      this.errorLogger?.logPipelineFailure(exception, failure);
    } catch {
      // Logging must not stop the reply.
    }
    writeFallback(host, this.options?.requestIdHeader ?? DEFAULTS.requestIdHeader, requestId);
  }
}
