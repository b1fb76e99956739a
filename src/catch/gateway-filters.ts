import type { ExceptionFilter } from '@nestjs/common';
import type { ModulesContainer } from '@nestjs/core';

/** `@nestjs/websockets`' metadata keys, named here because the package is an optional peer. */
const GATEWAY_METADATA = 'websockets:is_gateway';
const EXCEPTION_FILTERS_METADATA = '__exceptionFilters__';

/**
 * Nest never applies global filters to gateways, so the module's filter is put among each
 * gateway's own class filters, where `@UseFilters` would put it. It goes first in the list,
 * which Nest tries last: a gateway's own filters still win. Runs as the app is created, before
 * gateways are bound to their servers.
 */
export function applyToGateways(modules: ModulesContainer, filter: ExceptionFilter): void {
  for (const moduleRef of modules.values()) {
    for (const { metatype } of moduleRef.providers.values()) {
      if (typeof metatype !== 'function' || !Reflect.getMetadata(GATEWAY_METADATA, metatype)) continue;
      const declared: unknown[] = Reflect.getMetadata(EXCEPTION_FILTERS_METADATA, metatype) ?? [];
      if (!declared.includes(filter))
        Reflect.defineMetadata(EXCEPTION_FILTERS_METADATA, [filter, ...declared], metatype);
    }
  }
}
