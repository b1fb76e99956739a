import { Injectable, Logger } from '@nestjs/common';
import type { ErrorDescription } from './error-handling.interfaces.js';
import type { ResolvedError } from './resolved-error.interfaces.js';
import { messageOf, nameOf, stackOf, stringProperty } from './thrown-value.js';

/**
 * Writes one record per failed request through Nest's Logger, so it reaches whatever logger the
 * app uses: `warn` for 4xx, `error` with the stack for 5xx.
 */
@Injectable()
export class ErrorLogger {
  private readonly logger = new Logger('ErrorHandling');

  log(description: ErrorDescription, resolved: ResolvedError): void {
    const { request, status, reason, code, requestId } = description;
    const method = stringProperty(request, 'method') ?? '-';
    const url = stringProperty(request, 'originalUrl') ?? stringProperty(request, 'url') ?? '-';
    const line = `${method} ${url} → ${status} ${reason} (${code}) [${requestId}]: ${messageOf(resolved.exception) || nameOf(resolved.exception)}`;
    if (status >= 500) {
      this.logger.error(line, stackOf(resolved.exception));
    } else {
      this.logger.warn(line);
    }
    if (resolved.handlerFailure !== undefined) {
      this.logger.error(`An error handler failed for [${requestId}]: ${messageOf(resolved.handlerFailure)}`, stackOf(resolved.handlerFailure));
    }
  }

  /** Used when the error pipeline itself failed and a hard-coded 500 was sent. */
  logPipelineFailure(exception: unknown, failure: unknown): void {
    this.logger.error(`Error handling failed (${messageOf(failure) || nameOf(failure)}) while answering: ${messageOf(exception) || nameOf(exception)}`, stackOf(failure));
  }
}
