import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { isGrpcCall } from '../respond/grpc.responder.js';
import type { Responders } from '../respond/responders.js';
import { packetMetadataOf } from '../respond/rpc.responder.js';
import type { Telemetry } from './telemetry.js';

/**
 * With `opentelemetry` on, serves every incoming microservice call (`@MessagePattern`,
 * `@EventPattern`) in a server span named after its pattern, continuing the trace its caller
 * sent in the packet metadata: Nest has no RPC server instrumentation to do it. gRPC calls are
 * left to gRPC's own instrumentation. Put on message handlers only (see the module), never
 * global: a global interceptor would put every HTTP route on Nest's Observable pipeline.
 */
export class RpcServerSpanInterceptor implements NestInterceptor {
  constructor(
    private readonly telemetry: Telemetry,
    private readonly responders: Responders,
  ) {}

  intercept(host: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (host.getType() !== 'rpc' || isGrpcCall(host)) return next.handle();
    const name = this.responders.for(host)?.identityOf(host)?.pattern ?? 'rpc';
    return this.telemetry.serveCall(name, packetMetadataOf(host), () => next.handle());
  }
}
