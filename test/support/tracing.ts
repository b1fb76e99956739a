import {
  Module,
  RequestMethod,
  type CallHandler,
  type ExecutionContext,
  type MiddlewareConsumer,
  type NestInterceptor,
  type NestModule,
} from '@nestjs/common';
import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { finalize, Observable } from 'rxjs';

/**
 * The OpenTelemetry SDK as an app sets it up (a tracer provider, the async-hooks context manager,
 * the W3C propagator), exporting every ended span to memory. `install()` in beforeAll,
 * `uninstall()` in afterAll: the registrations are global to the process.
 */
export class Tracing {
  private readonly exporter = new InMemorySpanExporter();
  private readonly provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(this.exporter)] });

  install(): void {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(this.provider);
  }

  async uninstall(): Promise<void> {
    await this.provider.shutdown();
    trace.disable();
    propagation.disable();
    context.disable();
  }

  clear(): void {
    this.exporter.reset();
  }

  /** The ended spans, once `count` of them have ended (a span may end just after its answer arrived). */
  async spans(count: number, withinMs = 5_000): Promise<ReadableSpan[]> {
    const deadline = Date.now() + withinMs;
    while (this.exporter.getFinishedSpans().length < count && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return this.exporter.getFinishedSpans();
  }
}

/** The one span named `name` among `spans`; fails on none or several. */
export function spanNamed(spans: readonly ReadableSpan[], name: string): ReadableSpan {
  const named = spans.filter((span) => span.name === name);
  expect(named.map((span) => span.name)).toEqual([name]);
  return named[0];
}

/**
 * Serves each HTTP request in a SERVER span continuing the client's `traceparent` (named `GET /path`), as
 * OpenTelemetry's HTTP instrumentation would.
 */
function serverSpanMiddleware(
  request: IncomingMessage & { originalUrl?: string },
  response: ServerResponse,
  next: () => void,
): void {
  // Mounted middleware sees a `url` relative to its mount point on fastify; `originalUrl` is whole.
  const name = `${request.method} ${(request.originalUrl ?? request.url ?? '').split('?')[0]}`;
  const parent = propagation.extract(context.active(), request.headers);
  trace.getTracer('test-http-server').startActiveSpan(name, { kind: SpanKind.SERVER }, parent, (span) => {
    response.once('finish', () => span.end());
    next();
  });
}

/** Import it in an HTTP app: every route is served in a server span. */
@Module({})
export class HttpServerSpansModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(serverSpanMiddleware).forRoutes({ path: '{*splat}', method: RequestMethod.ALL });
  }
}

/**
 * Serves each WebSocket message in a SERVER span (`ws <pattern>`), as an instrumentation would:
 * OpenTelemetry has none for Nest gateways. `@UseInterceptors` it on a gateway.
 */
export class WsMessageSpanInterceptor implements NestInterceptor {
  intercept(host: ExecutionContext, next: CallHandler): Observable<unknown> {
    const name = `ws ${host.switchToWs().getPattern()}`;
    const span = trace.getTracer('test-ws-server').startSpan(name, { kind: SpanKind.SERVER });
    const spanContext = trace.setSpan(context.active(), span);
    // A handler that throws at once errors during the subscription: subscribe within the span's context.
    return new Observable((subscriber) =>
      context.with(spanContext, () =>
        next
          .handle()
          .pipe(finalize(() => span.end()))
          .subscribe(subscriber),
      ),
    );
  }
}
