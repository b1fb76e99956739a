import { CanActivate, ExecutionContext, Injectable, type Type } from '@nestjs/common';
import type { ModulesContainer } from '@nestjs/core';
import { controllersOf } from '../internal/controllers.js';
import { ON_ERROR_METADATA } from './on-error.decorator.js';
import type { ErrorHandlerMapping } from './resolve.interfaces.js';

/** The controller and route method a request reached. */
export interface RouteContext {
  controller: Type<unknown>;
  handler: Function;
}

const ROUTE_CONTEXT = Symbol('nestjs-error-handling:route');

type RouteCarrier = { [ROUTE_CONTEXT]?: RouteContext };

export function recordRouteContext(request: object, route: RouteContext): void {
  (request as RouteCarrier)[ROUTE_CONTEXT] = route;
}

/** The route recorded for this request, or undefined when it failed before routing. */
export function routeContextOf(request: unknown): RouteContext | undefined {
  return request !== null && typeof request === 'object' ? (request as RouteCarrier)[ROUTE_CONTEXT] : undefined;
}

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
