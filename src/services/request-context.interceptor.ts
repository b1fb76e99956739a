import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { Observable } from 'rxjs';
import type { Responders } from '../respond/responders.js';
import type { RequestContext } from './request-context.js';

/**
 * Runs every handler (HTTP, RPC, WebSocket, GraphQL) inside its call's request context, so the
 * ClientProxy calls it makes carry the call's request id: at a service, the id its caller sent.
 * Passes calls through untouched in an app without a ClientProxy.
 */
export class RequestContextInterceptor implements NestInterceptor {
  /** Set at bootstrap, once every provider exists, only if one of them is a ClientProxy. */
  context: RequestContext | undefined;

  constructor(private readonly responders: Responders) {}

  intercept(host: ExecutionContext, next: CallHandler): Observable<unknown> {
    const { context } = this;
    if (context === undefined) return next.handle();
    const requestId = this.responders.for(host)?.requestIdOf(host);
    if (requestId === undefined) return next.handle();
    // Nest binds the handler's async context when handle() is called: call it inside the store.
    return new Observable((subscriber) => context.run(requestId, () => next.handle().subscribe(subscriber)));
  }
}
