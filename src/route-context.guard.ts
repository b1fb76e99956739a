import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { recordRouteContext } from './route-context.js';

/**
 * Records the controller and method a request reached. Filters only get the request, and
 * guards run before interceptors, so this is how `@OnError` can apply to guard errors too.
 * It never blocks: it is registered as a global guard and always answers true.
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
