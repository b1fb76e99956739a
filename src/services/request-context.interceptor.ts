import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { Observable } from 'rxjs';
import type { Responders } from '../respond/responders.js';
import type { RequestContext } from './request-context.js';

/**
 * Runs a microservice or gateway message handler inside its call's request context, so the
 * ClientProxy calls it makes carry the call's request id: at a service, the id its caller sent.
 * Put on those handlers only, in an app that declares a ClientProxy: HTTP requests (GraphQL over
 * HTTP included) enter the context in the request-id hook already, and a global interceptor
 * would put every HTTP route on Nest's Observable pipeline.
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
