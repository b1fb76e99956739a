import { ArgumentsHost, HttpException } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import { types } from 'node:util';
import type { ErrorCatalogue } from '../catalogue/catalogue.interfaces.js';
import type { StatusEntries } from '../catalogue/status-entries.js';
import { messageOf } from '../internal/thrown-value.js';
import { BuiltInDefaults } from './built-in-defaults.js';
import { HandlerTable } from './handler-table.js';
import { ON_ERROR_METADATA } from './on-error.decorator.js';
import type {
  ErrorHandlerContext,
  ErrorHandlerFunction,
  ErrorHandlerMapping,
  Resolution,
} from './resolve.interfaces.js';
import { routeContextOf } from './route-context.guard.js';

/** What resolution needs of the module options. */
export interface ResolveOptions {
  codes: ErrorCatalogue;
  entries: StatusEntries;
  handlers: readonly ErrorHandlerMapping[];
  maxValidationDetails: number;
}

/**
 * Decides which catalogue entry answers an error. Precedence: method `@OnError` > controller
 * `@OnError` > module `handlers` > built-in defaults; within a level the nearest class wins.
 */
export class ErrorResolver {
  private readonly defaults: BuiltInDefaults;
  private readonly moduleTable: HandlerTable;
  /** One table per route method and per controller, built on first use. */
  private readonly tables = new WeakMap<Function, HandlerTable>();

  constructor(
    options: ResolveOptions,
    private readonly reflector: Reflector,
  ) {
    this.defaults = new BuiltInDefaults(options.entries, options.maxValidationDetails, options.codes);
    this.moduleTable = new HandlerTable(options.handlers);
  }

  /** Synchronous unless a handler function returns a promise. `request` is what handlers see of it. */
  resolve(exception: unknown, host: ArgumentsHost, request: unknown): Resolution | Promise<Resolution> {
    const fallback = this.defaults.resolve(exception);
    // Status handlers map what the defaults answer, not an entry the error chose itself.
    const status = fallback.chosen ? undefined : fallback.entry.status;
    const route = routeContextOf(host);
    const levels = route
      ? [this.tableOf(route.handler), this.tableOf(route.controller), this.moduleTable]
      : [this.moduleTable];
    for (const table of levels) {
      const target = table.find(exception, status);
      if (target === undefined) continue;
      if (typeof target !== 'function') return this.mapToEntry(target, exception, fallback);
      const context: ErrorHandlerContext = {
        request,
        controller: route?.controller,
        handler: route?.handler.name,
        host,
      };
      return this.runHandler(target, exception, context);
    }
    return fallback;
  }

  private tableOf(carrier: Function): HandlerTable {
    let table = this.tables.get(carrier);
    if (table === undefined) {
      const mappings = this.reflector.get<ErrorHandlerMapping[] | undefined>(ON_ERROR_METADATA, carrier);
      table = mappings ? new HandlerTable(mappings) : HandlerTable.EMPTY;
      this.tables.set(carrier, table);
    }
    return table;
  }

  /**
   * An entry target keeps what the defaults read from the error (its message, validation
   * details, headers) under the new entry; an error without a message gets the entry's.
   */
  private mapToEntry(entry: Resolution['entry'], exception: unknown, fallback: Resolution): Resolution {
    return { ...fallback, entry, message: messageOf(exception) ? fallback.message : entry.message };
  }

  private runHandler(
    target: ErrorHandlerFunction,
    exception: unknown,
    context: ErrorHandlerContext,
  ): Resolution | Promise<Resolution> {
    const settle = (mapped: unknown): Resolution =>
      mapped instanceof HttpException
        ? this.defaults.resolve(mapped)
        : this.defaults.handlerFailed(
            new TypeError(`An error handler returned ${String(mapped)} instead of an HttpException`),
          );
    try {
      const mapped: unknown = target(exception, context);
      return types.isPromise(mapped)
        ? mapped.then(settle, (failure: unknown) => this.defaults.handlerFailed(failure))
        : settle(mapped);
    } catch (failure) {
      return this.defaults.handlerFailed(failure);
    }
  }
}
