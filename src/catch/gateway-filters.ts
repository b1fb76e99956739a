import type { ExceptionFilter } from '@nestjs/common';
import type { ModulesContainer } from '@nestjs/core';

/** `@nestjs/websockets`' metadata keys, named here because the package is an optional peer. */
const GATEWAY_METADATA = 'websockets:is_gateway';
const EXCEPTION_FILTERS_METADATA = '__exceptionFilters__';

/**
 * Every filter this function ever put on a gateway, of every app of the process. The metadata
 * lives on the class, which a process can share between apps (tests boot one app after
 * another): an app's filter replaces another app's, never stacks on it.
 */
const moduleFilters = new WeakSet<object>();

/** The gateway classes of the app, in every module (feature modules too). */
export function* gatewaysOf(modules: ModulesContainer): Generator<Function> {
  const seen = new Set<Function>();
  for (const moduleRef of modules.values()) {
    for (const { metatype } of moduleRef.providers.values()) {
      if (typeof metatype !== 'function' || seen.has(metatype)) continue;
      if (!Reflect.getMetadata(GATEWAY_METADATA, metatype)) continue;
      seen.add(metatype);
      yield metatype;
    }
  }
}

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
  for (const gateway of gatewaysOf(modules)) {
    // getMetadata, not getOwnMetadata: a base class's @UseFilters applies to its subclasses too.
    const declared: unknown[] = Reflect.getMetadata(EXCEPTION_FILTERS_METADATA, gateway) ?? [];
    const own = declared.filter((declaredFilter) => !moduleFilters.has(declaredFilter as object));
    Reflect.defineMetadata(EXCEPTION_FILTERS_METADATA, [filter, ...own], gateway);
  }
}
