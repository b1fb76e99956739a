import type { Type } from '@nestjs/common';

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
