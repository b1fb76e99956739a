import type { ExceptionFilter } from '@nestjs/common';
import type { ModulesContainer } from '@nestjs/core';
import { GATEWAY_METADATA, providersWith } from '../internal/controllers.js';

/** `@UseFilters`' metadata key, as Nest's gateways read it. */
const EXCEPTION_FILTERS_METADATA = '__exceptionFilters__';

/**
 * Every filter this function ever put on a gateway, of every app of the process. The metadata
 * lives on the class, which a process can share between apps (tests boot one app after
 * another): an app's filter replaces another app's, never stacks on it.
 */
const moduleFilters = new WeakSet<object>();

/**
 * Nest never applies global filters to gateways, so the module's filter is put among each
 * gateway's own class filters, where `@UseFilters` would put it. It goes first in the list,
 * which Nest tries last: a gateway's own filters (class and method) still win, and a gateway's
 * `@UseFilters(OperatedExceptionFilter)` answers alone, once.
 *
 * Runs as the app's providers are created (`NestFactory.create`, `Test...compile()`); Nest reads
 * the metadata when `app.init()` binds the gateways to their servers, which comes after. Two
 * apps that share a gateway class get their own filter each as long as each is initialized
 * before the next one is created.
 */
export function applyToGateways(modules: ModulesContainer, filter: ExceptionFilter): void {
  moduleFilters.add(filter);
  for (const { controller: gateway } of providersWith(modules, GATEWAY_METADATA)) {
    // getMetadata, not getOwnMetadata: a base class's @UseFilters applies to its subclasses too.
    const declared: unknown[] = Reflect.getMetadata(EXCEPTION_FILTERS_METADATA, gateway) ?? [];
    const own = declared.filter((declaredFilter) => !moduleFilters.has(declaredFilter as object));
    Reflect.defineMetadata(EXCEPTION_FILTERS_METADATA, [filter, ...own], gateway);
  }
}
