import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Observable, throwError, timeout } from 'rxjs';
import { TIMEOUT_METADATA } from './error-handling.constants.js';
import { OperatedException } from './operated.exception.js';
import type { TimeoutSetting } from './timeout.decorator.js';

/**
 * Applies `@Timeout`, the one job that needs the handler's execution as an Observable.
 * Errors are not mapped here: the global filter sees every stage, this interceptor does not.
 */
@Injectable()
export class ErrorHandlingInterceptor implements NestInterceptor {
  /** The setting of each route method, read once. */
  private readonly settings = new WeakMap<Function, TimeoutSetting | null>();

  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const setting = this.settingOf(context);
    if (setting === null) return next.handle();
    return next.handle().pipe(
      timeout({ first: setting.ms, with: () => throwError(() => new OperatedException(setting.entry)) }),
    );
  }

  private settingOf(context: ExecutionContext): TimeoutSetting | null {
    const handler = context.getHandler();
    let setting = this.settings.get(handler);
    if (setting === undefined) {
      setting = this.reflector.getAllAndOverride<TimeoutSetting | undefined>(TIMEOUT_METADATA, [handler, context.getClass()]) ?? null;
      this.settings.set(handler, setting);
    }
    return setting;
  }
}
