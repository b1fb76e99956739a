import { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { Observable, throwError, timeout } from 'rxjs';
import type { ErrorCodeEntry } from '../catalogue/catalogue.interfaces.js';
import { OperatedException } from '../catalogue/operated.exception.js';

/** Metadata key of `@Timeout` on a controller class or route method. */
export const TIMEOUT_METADATA = 'nestjs-error-handling:timeout';

/** What `@Timeout` records: how long, and which entry answers. */
export interface TimeoutSetting {
  ms: number;
  entry: ErrorCodeEntry;
}

/**
 * Cuts off a handler that has not answered within its `@Timeout`. Applied by the decorator to
 * its own routes only: a global interceptor would put every route of the app on Nest's
 * Observable pipeline, which routes without interceptors skip.
 */
export class TimeoutInterceptor implements NestInterceptor {
  constructor(
    private readonly setting: TimeoutSetting,
    /** A controller's setting yields to a route method's own `@Timeout`. */
    private readonly onController: boolean,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (this.onController && Reflect.hasOwnMetadata(TIMEOUT_METADATA, context.getHandler())) return next.handle();
    const { ms, entry } = this.setting;
    return next.handle().pipe(timeout({ first: ms, with: () => throwError(() => new OperatedException(entry)) }));
  }
}
