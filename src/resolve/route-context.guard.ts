import { CanActivate, ExecutionContext, Injectable, type ArgumentsHost, type Type } from '@nestjs/common';
import { Attachment } from '../internal/attachment.js';

/** The controller and route method a request reached. */
export interface RouteContext {
  controller: Type<unknown>;
  handler: Function;
}

/**
 * Where a call's route is kept between the guard and the filter, which see the same argument
 * objects: the request (HTTP), the transport context (RPC; gRPC's metadata), the resolve info
 * (GraphQL, one per field). A WebSocket client carries many calls, told apart by pattern.
 */
const routes = new Attachment<RouteContext | Map<unknown, RouteContext>>('nestjs-error-handling:route');

function carrierOf(host: ArgumentsHost): object | undefined {
  const index = host.getType() === 'rpc' ? 1 : host.getType<string>() === 'graphql' ? 3 : 0;
  const carrier: unknown = host.getArgByIndex(index);
  return carrier !== null && typeof carrier === 'object' ? carrier : undefined;
}

/** A WS message's name: the last argument (Nest appends it after the adapter's own). */
function wsPatternOf(host: ArgumentsHost): unknown {
  const args = host.getArgs();
  return args[args.length - 1];
}

export function recordRouteContext(host: ArgumentsHost, route: RouteContext): void {
  const carrier = carrierOf(host);
  if (carrier === undefined) return;
  if (host.getType() !== 'ws') {
    routes.set(carrier, route);
    return;
  }
  let byPattern = routes.get(carrier);
  if (!(byPattern instanceof Map)) routes.set(carrier, (byPattern = new Map()));
  byPattern.set(wsPatternOf(host), route);
}

/** The route recorded for this call, or undefined when it failed before routing. */
export function routeContextOf(host: ArgumentsHost): RouteContext | undefined {
  const carrier = carrierOf(host);
  const route = carrier === undefined ? undefined : routes.get(carrier);
  return route instanceof Map ? route.get(wsPatternOf(host)) : route;
}

/**
 * Records the controller (gateway, resolver) and method a call reached. Filters only get the
 * call's arguments, and guards run before interceptors, so this is how `@OnError` can apply to
 * guard errors too, on every transport.
 * It never blocks, and keeps no state of its own: it goes where `routeGuardPlacementOf` says,
 * on the classes that declare `@OnError` or on every route, and always answers true.
 */
@Injectable()
export class RouteContextGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    recordRouteContext(context, { controller: context.getClass(), handler: context.getHandler() });
    return true;
  }
}
