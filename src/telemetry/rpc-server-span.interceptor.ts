import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import type { ModulesContainer } from '@nestjs/core';
import type { Observable } from 'rxjs';
import { controllersOf } from '../internal/controllers.js';
import { isGrpcCall } from '../respond/grpc.responder.js';
import type { Responders } from '../respond/responders.js';
import { packetMetadataOf } from '../respond/rpc.responder.js';
import { MESSAGE_PATTERN_METADATA } from './telemetry.constants.js';
import type { Telemetry } from './telemetry.js';

/**
 * Whether some controller handles microservice messages: only then is the interceptor installed,
 * since a global interceptor puts every HTTP route on Nest's Observable pipeline.
 */
export function handlesMessagePatterns(modules: ModulesContainer): boolean {
  for (const { methods } of controllersOf(modules)) {
    if (methods.some((method) => Reflect.hasMetadata(MESSAGE_PATTERN_METADATA, method))) return true;
  }
  return false;
}

/**
 * With `opentelemetry` on, serves every incoming microservice call (`@MessagePattern`,
 * `@EventPattern`) in a server span named after its pattern, continuing the trace its caller
 * sent in the packet metadata: Nest has no RPC server instrumentation to do it. gRPC calls are
 * left to gRPC's own instrumentation, other contexts to theirs.
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
