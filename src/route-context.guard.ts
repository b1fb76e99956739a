import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { MetadataScanner, ModulesContainer } from '@nestjs/core';
import { ON_ERROR_METADATA } from './error-handling.constants.js';
import type { ErrorHandlerMapping } from './error-handling.interfaces.js';
import { recordRouteContext } from './route-context.js';

/**
 * Records the controller and method a request reached. Filters only get the request, and
 * guards run before interceptors, so this is how `@OnError` can apply to guard errors too.
 * It never blocks: it is registered as a global guard, when `isRouteContextNeeded`, and always
 * answers true.
 */
@Injectable()
export class RouteContextGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (context.getType() === 'http') {
      recordRouteContext(context.switchToHttp().getRequest(), {
        controller: context.getClass(),
        handler: context.getHandler(),
      });
    }
    return true;
  }
}

/**
 * Whether the app needs its routes recorded: only `@OnError` mappings and module handler
 * functions (whose context names the controller and method) use them. Without either, the
 * guard is not installed and routes keep Nest's guard-free fast path.
 */
export function isRouteContextNeeded(modules: ModulesContainer, handlers: readonly ErrorHandlerMapping[]): boolean {
  if (handlers.some(([, target]) => typeof target === 'function')) return true;
  const scanner = new MetadataScanner();
  for (const moduleRef of modules.values()) {
    for (const { metatype } of moduleRef.controllers.values()) {
      if (typeof metatype !== 'function') continue;
      if (Reflect.hasMetadata(ON_ERROR_METADATA, metatype)) return true;
      const { prototype } = metatype;
      if (scanner.getAllMethodNames(prototype).some((name) => Reflect.hasMetadata(ON_ERROR_METADATA, prototype[name]))) return true;
    }
  }
  return false;
}
