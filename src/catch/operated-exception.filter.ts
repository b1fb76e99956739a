import { ArgumentsHost, ExceptionFilter, Inject, Optional } from '@nestjs/common';
import { types } from 'node:util';
import { Failure, type Caught, type Transport } from '../describe/failure.js';
import { MESSAGE_TRANSLATOR, type MessageTranslator } from '../i18n/message-translator.js';
import { ErrorLogger } from '../logging/error-logger.js';
import { ErrorRecorder } from '../logging/error-recorder.js';
import { DEFAULTS } from '../options/error-handling.defaults.js';
import { RESOLVED_ERROR_HANDLING_OPTIONS, type ResolvedErrorHandlingOptions } from '../options/resolve-options.js';
import { newRequestId, requestIdOf } from '../request-id/request-id.js';
import { ErrorResolver } from '../resolve/error-resolver.js';
import type { Resolution } from '../resolve/resolve.interfaces.js';
import { writeFallback } from '../respond/http.responder.js';
import type { Responder } from '../respond/responder.interfaces.js';
import { Responders } from '../respond/responders.js';

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
  @Inject(Responders) private readonly responders: Responders;
  @Inject(ErrorRecorder) private readonly recorder: ErrorRecorder;
  @Inject(ErrorLogger) private readonly errorLogger: ErrorLogger;
  @Inject(RESOLVED_ERROR_HANDLING_OPTIONS) private readonly options: ResolvedErrorHandlingOptions;
  /** Absent unless `i18n` is on. */
  @Optional() @Inject(MESSAGE_TRANSLATOR) private readonly translate: MessageTranslator | undefined;

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
          ? this.later(
              result.catch((failure: unknown) => this.fallback(exception, failure, this.callOf(host))),
              host,
            )
          : result;
      } catch (failure) {
        return this.fallback(exception, failure, this.callOf(host));
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
    const call = this.callOf(host);
    const { responder } = call;
    if (responder === undefined) return this.fallback(exception, undefined, call);
    try {
      const mapped = this.mapException(exception, host);
      if (!types.isPromise(mapped)) return this.resolve(mapped, call, responder);
      return this.later(
        mapped.then(
          (settled) => this.resolve(settled, call, responder),
          (failure: unknown) => this.fallback(exception, failure, call),
        ),
        host,
      );
    } catch (failure) {
      return this.fallback(exception, failure, call);
    }
  }

  private resolve(exception: unknown, call: Call, responder: Responder): unknown {
    try {
      const caught: Caught = {
        exception,
        transport: call.host.getType<Transport>(),
        requestId: call.requestId,
        request: responder.requestOf(call.host),
        identity: responder.identityOf(call.host),
        host: call.host,
      };
      const resolution = this.resolver.resolve(exception, call.host, caught.request);
      if (!types.isPromise(resolution)) return this.answer(caught, responder, resolution, call);
      return this.later(
        resolution.then(
          (settled) => this.answer(caught, responder, settled, call),
          (failure: unknown) => this.fallback(exception, failure, call),
        ),
        call.host,
      );
    } catch (failure) {
      return this.fallback(exception, failure, call);
    }
  }

  /** Describe, respond, then record: a logger or tracker that fails cannot change the answer. */
  private answer(caught: Caught, responder: Responder, resolution: Resolution, call: Call): unknown {
    let failure: Failure;
    let answer: unknown;
    try {
      failure = new Failure(caught, resolution, this.options.mode === 'development', this.translate);
      answer = responder.respond(failure);
    } catch (failed) {
      return this.fallback(caught.exception, failed, call);
    }
    this.recorder.record(failure);
    return answer;
  }

  /** A promised answer in the form the call's transport needs (RPC: an Observable). */
  private later(answer: Promise<unknown>, host: ArgumentsHost): unknown {
    const responder = this.responders?.for(host);
    return responder?.later === undefined ? answer : responder.later(answer);
  }

  /**
   * The call's responder and request id, taken once per failure; works without injection too,
   * for filters made with `new` (no responder: only the fixed answer).
   */
  private callOf(host: ArgumentsHost): Call {
    const responder = this.responders?.for(host);
    let requestId: string | undefined;
    try {
      if (responder !== undefined) requestId = responder.requestIdOf(host);
      else if (host.getType() === 'http') {
        requestId = requestIdOf(host.getArgByIndex(0), DEFAULTS.requestIdHeader.toLowerCase());
      }
    } catch {
      // A call whose id cannot be read gets a new one.
    }
    return { host, responder, requestId: requestId ?? newRequestId() };
  }

  /** The last resort when the pipeline itself failed: a fixed 500 answer on the call's transport. */
  private fallback(exception: unknown, failure: unknown, { host, responder, requestId }: Call): unknown {
    try {
      if (failure !== undefined) {
        this.errorLogger?.logPipelineFailure(exception, failure, { transport: host.getType(), requestId });
      }
    } catch {
      // Logging must not stop the answer.
    }
    if (responder !== undefined) return responder.fallback(host, requestId);
    if (host.getType() === 'http') writeFallback(host, DEFAULTS.requestIdHeader, requestId);
    return undefined;
  }
}

/** What the pipeline knows of a call before anything is decided: taken once, in catch. */
interface Call {
  host: ArgumentsHost;
  responder: Responder | undefined;
  requestId: string;
}
