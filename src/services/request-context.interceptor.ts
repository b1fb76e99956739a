import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { Observable } from 'rxjs';
import type { Responders } from '../respond/responders.js';
import type { RequestContext } from './request-context.js';

/**
 * Runs every handler (HTTP, RPC, WebSocket, GraphQL) inside its call's request context, so the
 * ClientProxy calls it makes carry the call's request id: at a service, the id its caller sent.
 * Global only in an app that declares a ClientProxy. (HTTP requests enter the context earlier, in
 * the request-id hook, for middleware and guards; entering again here costs little.)
 */
export class RequestContextInterceptor implements NestInterceptor {
  constructor(
    private readonly responders: Responders,
    private readonly context: RequestContext,
  ) {}

  intercept(host: ExecutionContext, next: CallHandler): Observable<unknown> {
    const { context } = this;
    const requestId = this.responders.for(host)?.requestIdOf(host);
    if (requestId === undefined) return next.handle();
    // Nest binds the handler's async context when handle() is called: call it inside the store.
    return new Observable((subscriber) => context.run(requestId, () => next.handle().subscribe(subscriber)));
  }
}
