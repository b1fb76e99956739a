import { Inject, Injectable, NestMiddleware } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RESOLVED_ERROR_HANDLING_OPTIONS } from './error-handling.constants.js';
import type { ResolvedErrorHandlingOptions } from './error-handling.options.js';
import { requestIdOf } from './request-id.js';

/** Gives every response, successful ones too, its request id header. */
@Injectable()
export class RequestIdMiddleware implements NestMiddleware {
  private readonly headerName: string;
  private readonly lookupName: string;

  constructor(@Inject(RESOLVED_ERROR_HANDLING_OPTIONS) options: ResolvedErrorHandlingOptions) {
    this.headerName = options.requestIdHeader;
    this.lookupName = options.requestIdHeader.toLowerCase();
  }

  use(request: IncomingMessage, response: ServerResponse, next: () => void): void {
    response.setHeader(this.headerName, requestIdOf(request, this.lookupName));
    next();
  }
}
