import type { CallHandler, ExceptionFilter, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { INTERCEPTORS_METADATA, SSE_METADATA } from '@nestjs/common/constants.js';
import type { ModulesContainer } from '@nestjs/core';
import type { ServerResponse } from 'node:http';
import { catchError, EMPTY, from, mergeMap, of, throwError, type Observable } from 'rxjs';
import { controllersOf } from '../internal/controllers.js';
import { setModuleEnhancer } from '../internal/enhancers.js';

/**
 * Once an `@Sse()` stream's headers are out, Nest's router answers an error of its observable
 * itself, without a filter: an `error` event with "Internal server error" (or an HTTP error's
 * message), and a line in Nest's logger without the request id. This interceptor hands such an
 * error to the module's filter instead, which records it once and returns the envelope as the
 * stream's last event (`event: error`, the envelope as `data`), which Nest writes after the
 * events already queued before it ends the response. Before the headers, the error goes on to
 * Nest's filters, as it did: the client gets the envelope as the response.
 */
class SseErrorsInterceptor implements NestInterceptor {
  constructor(private readonly filter: ExceptionFilter) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((error: unknown) => {
        const response = context.switchToHttp().getResponse<{ raw?: ServerResponse } & ServerResponse>();
        if (!(response.raw ?? response).headersSent) return throwError(() => error);
        return from(Promise.resolve(this.filter.catch(error, context))).pipe(
          mergeMap((lastEvent) => (lastEvent === undefined ? EMPTY : of(lastEvent))),
        );
      }),
    );
  }
}

/**
 * Puts the interceptor first among each `@Sse()` handler's own interceptors, the outermost of
 * them, so that it sees the error those interceptors map to. Runs before `app.init()` builds the
 * routes, which is when Nest reads the metadata.
 */
export function answerSseErrors(modules: ModulesContainer, filter: ExceptionFilter): void {
  const interceptor = new SseErrorsInterceptor(filter);
  for (const { methods } of controllersOf(modules)) {
    for (const method of methods) {
      if (Reflect.getMetadata(SSE_METADATA, method) === true)
        setModuleEnhancer(method, INTERCEPTORS_METADATA, SseErrorsInterceptor, interceptor);
    }
  }
}
