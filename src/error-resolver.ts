import { ArgumentsHost, HttpException, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { types } from 'node:util';
import { ON_ERROR_METADATA, RESOLVED_ERROR_HANDLING_OPTIONS } from './error-handling.constants.js';
import type { ErrorHandlerContext, ErrorHandlerMapping, ErrorHandlerTarget } from './error-handling.interfaces.js';
import type { ResolvedErrorHandlingOptions } from './error-handling.options.js';
import { ErrorHandlerTable } from './error-handler-table.js';
import { DefaultErrorEntries } from './default-error-entries.js';
import { OperatedException } from './operated.exception.js';
import type { ResolvedError } from './resolved-error.interfaces.js';
import { routeContextOf } from './route-context.js';
import { messageOf } from './thrown-value.js';

/**
 * Decides which catalogue entry answers an error. Precedence: method `@OnError` > controller
 * `@OnError` > module `handlers` > built-in defaults; within a level the nearest class wins.
 */
@Injectable()
export class ErrorResolver {
  private readonly defaults: DefaultErrorEntries;
  private readonly moduleTable: ErrorHandlerTable;
  /** One table per route method and per controller, built on first use. */
  private readonly tables = new WeakMap<Function, ErrorHandlerTable>();

  constructor(
    @Inject(RESOLVED_ERROR_HANDLING_OPTIONS) options: ResolvedErrorHandlingOptions,
    private readonly reflector: Reflector,
  ) {
    this.defaults = new DefaultErrorEntries(options.entryByStatus, options.maxValidationDetails);
    this.moduleTable = new ErrorHandlerTable(options.handlers);
  }

  /** Synchronous unless a handler function returns a promise. */
  resolve(exception: unknown, host: ArgumentsHost): ResolvedError | Promise<ResolvedError> {
    const fallback = this.defaults.resolve(exception);
    // Status handlers see what the defaults answer; an OperatedException already names its entry.
    const status = exception instanceof OperatedException ? undefined : fallback.entry.status;
    const request = host.switchToHttp().getRequest();
    const route = routeContextOf(request);
    const levels = route ? [this.tableOf(route.handler), this.tableOf(route.controller), this.moduleTable] : [this.moduleTable];
    for (const table of levels) {
      const target = table.find(exception, status);
      if (target === undefined) continue;
      if (typeof target !== 'function') return this.mapToEntry(target, fallback);
      const context: ErrorHandlerContext = { request, controller: route?.controller, handler: route?.handler.name, host };
      return this.runHandler(target, exception, context);
    }
    return fallback;
  }

  private tableOf(carrier: Function): ErrorHandlerTable {
    let table = this.tables.get(carrier);
    if (table === undefined) {
      const mappings = this.reflector.get<ErrorHandlerMapping[] | undefined>(ON_ERROR_METADATA, carrier);
      table = mappings ? new ErrorHandlerTable(mappings) : ErrorHandlerTable.EMPTY;
      this.tables.set(carrier, table);
    }
    return table;
  }

  /**
   * An entry target keeps what the defaults read from the error (its message, validation
   * details, headers) under the new entry; an error without a message gets the entry's.
   */
  private mapToEntry(entry: ResolvedError['entry'], fallback: ResolvedError): ResolvedError {
    return { ...fallback, entry, message: messageOf(fallback.exception) ? fallback.message : entry.message };
  }

  private runHandler(
    target: Exclude<ErrorHandlerTarget, ResolvedError['entry']>,
    exception: unknown,
    context: ErrorHandlerContext,
  ): ResolvedError | Promise<ResolvedError> {
    const settle = (mapped: unknown): ResolvedError =>
      mapped instanceof HttpException
        ? { ...this.defaults.resolve(mapped), exception }
        : this.handlerFailed(exception, new TypeError(`An error handler returned ${String(mapped)} instead of an HttpException`));
    try {
      const mapped: unknown = target(exception, context);
      return types.isPromise(mapped) ? mapped.then(settle, (failure) => this.handlerFailed(exception, failure)) : settle(mapped);
    } catch (failure) {
      return this.handlerFailed(exception, failure);
    }
  }

  private handlerFailed(exception: unknown, handlerFailure: unknown): ResolvedError {
    const entry = this.defaults.entryFor(500);
    return { entry, message: entry.message, exception, handlerFailure };
  }
}
