import { EXCEPTION_FILTERS_METADATA } from '@nestjs/common/constants.js';
import type { ModulesContainer } from '@nestjs/core';
import { GATEWAY_METADATA, providersWith } from '../internal/controllers.js';
import { setModuleEnhancer } from '../internal/enhancers.js';
import { ErrorHandlingFilter } from './error-handling.filter.js';

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
export function applyToGateways(modules: ModulesContainer, filter: ErrorHandlingFilter): void {
  for (const { controller: gateway } of providersWith(modules, GATEWAY_METADATA)) {
    setModuleEnhancer(gateway, EXCEPTION_FILTERS_METADATA, ErrorHandlingFilter, filter);
  }
}
