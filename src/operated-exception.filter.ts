import { ArgumentsHost, ExceptionFilter, Inject } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { throwError } from 'rxjs';
import { types } from 'node:util';
import { DEFAULT_REQUEST_ID_HEADER, RESOLVED_ERROR_HANDLING_OPTIONS } from './error-handling.constants.js';
import type { ErrorDescription } from './error-handling.interfaces.js';
import type { ResolvedErrorHandlingOptions } from './error-handling.options.js';
import { ErrorDescriber } from './error-describer.js';
import { ErrorLogger } from './error-logger.js';
import { ErrorReportDispatcher } from './error-report.dispatcher.js';
import { ErrorResolver } from './error-resolver.js';
import type { ResolvedError } from './resolved-error.interfaces.js';
import { requestIdOf } from './request-id.js';
import { messageOf, nameOf } from './thrown-value.js';

/**
 * The module's exception pipeline: catch → resolve → describe → reply → log. Extend it with
 * `@Catch(SomeError)` to write a controller-scoped filter whose answer is still the module's
 * envelope: override `catch`, map the error, and call `super.catch(mapped, host)`. Pass the
 * subclass as a class to `@UseFilters` so its dependencies (and these) are injected.
 */
export class OperatedExceptionFilter<T = unknown> implements ExceptionFilter<T> {
  // Property injection keeps subclass constructors free of the base's dependencies.
  @Inject(ErrorResolver) private readonly resolver: ErrorResolver;
  @Inject(ErrorDescriber) private readonly describer: ErrorDescriber;
  @Inject(ErrorLogger) private readonly errorLogger: ErrorLogger;
  @Inject(ErrorReportDispatcher) private readonly reportDispatcher: ErrorReportDispatcher;
  @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost;
  @Inject(RESOLVED_ERROR_HANDLING_OPTIONS) private readonly options: ResolvedErrorHandlingOptions;

  constructor() {
    // A subclass's own catch() can throw or reject before it hands over to super.catch(), and
    // Nest would then leave the request hanging (nest#5173): its catch() is guarded here.
    const ownCatch = this.catch;
    if (ownCatch === OperatedExceptionFilter.prototype.catch) return;
    this.catch = (exception: T, host: ArgumentsHost): unknown => {
      try {
        const result = ownCatch.call(this, exception, host);
        return types.isPromise(result) ? result.catch((failure: unknown) => this.answerWithFallback(exception, failure, host)) : result;
      } catch (failure) {
        this.answerWithFallback(exception, failure, host);
        return undefined;
      }
    };
  }

  catch(exception: T, host: ArgumentsHost): unknown {
    // Other transports have their own reply mechanics: hand the error back untouched.
    if (host.getType() !== 'http') return host.getType() === 'rpc' ? throwError(() => exception) : exception;
    try {
      const resolved = this.resolver.resolve(exception, host);
      if (types.isPromise(resolved)) {
        return resolved.then(
          (settled) => this.answer(settled, host),
          (failure: unknown) => this.answerWithFallback(exception, failure, host),
        );
      }
      this.answer(resolved, host);
    } catch (failure) {
      this.answerWithFallback(exception, failure, host);
    }
    return undefined;
  }

  private answer(resolved: ResolvedError, host: ArgumentsHost): void {
    let description: ErrorDescription;
    try {
      description = this.describer.describe(resolved, host.getArgByIndex(0));
      const rendered = this.describer.render(description, resolved.entry);
      this.reply(host, description.status, rendered.contentType, rendered.body, description.requestId, resolved.headers);
    } catch (failure) {
      this.answerWithFallback(resolved.exception, failure, host);
      return;
    }
    // Logging and reporting come after the reply: a logger or tracker that fails cannot change it.
    try {
      const reported = this.reportDispatcher.wants(resolved.exception, description.status);
      const context = this.errorLogger.log(description, resolved, reported);
      if (reported && context !== undefined) this.reportDispatcher.dispatch(resolved.exception, context);
    } catch (failure) {
      process.emitWarning(`nestjs-error-handling could not log request ${description.requestId}: ${messageOf(failure) || nameOf(failure)}`);
    }
  }

  private reply(
    host: ArgumentsHost,
    status: number,
    contentType: string,
    body: string,
    requestId: string,
    headers: Readonly<Record<string, string>> = {},
  ): void {
    const adapter = this.adapterHost.httpAdapter;
    const response = host.getArgByIndex(1);
    if (adapter.isHeadersSent(response)) {
      adapter.end(response);
      return;
    }
    for (const [name, value] of Object.entries(headers)) {
      if (isSafeHeader(name, value)) adapter.setHeader(response, name, value);
    }
    adapter.setHeader(response, 'Content-Type', contentType);
    adapter.setHeader(response, this.options.requestIdHeader, requestId);
    adapter.reply(response, body, status);
  }

  /** The last resort when the pipeline itself failed: a fixed 500 envelope, or ending the response. */
  private answerWithFallback(exception: unknown, failure: unknown, host: ArgumentsHost): void {
    try {
      this.errorLogger?.logPipelineFailure(exception, failure);
    } catch {
      // Logging must not stop the reply.
    }
    const response = host.getArgByIndex(1);
    const raw = response?.raw ?? response;
    try {
      const requestIdHeader = this.options?.requestIdHeader ?? DEFAULT_REQUEST_ID_HEADER;
      const requestId = requestIdOf(host.getArgByIndex(0), requestIdHeader.toLowerCase());
      const body = JSON.stringify({ code: 9000, reason: 'UNEXPECTED_ERROR', message: 'Unexpected error', requestId });
      if (raw.headersSent) {
        raw.end();
        return;
      }
      raw.writeHead(500, {
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': Buffer.byteLength(body),
        [requestIdHeader]: requestId,
      });
      raw.end(body);
    } catch {
      raw?.destroy?.();
    }
  }
}

const HEADER_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[\t\x20-\x7e]*$/;

/** Header names and values from application code are checked: CR/LF would split the response. */
function isSafeHeader(name: string, value: unknown): value is string {
  return HEADER_TOKEN.test(name) && typeof value === 'string' && HEADER_VALUE.test(value);
}
