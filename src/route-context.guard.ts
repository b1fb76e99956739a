import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { ModulesContainer } from '@nestjs/core';
import { controllersOf } from './controller-methods.js';
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
  for (const { controller, methods } of controllersOf(modules)) {
    if (Reflect.hasMetadata(ON_ERROR_METADATA, controller)) return true;
    if (methods.some((method) => Reflect.hasMetadata(ON_ERROR_METADATA, method))) return true;
  }
  return false;
}
