import { Observable } from 'rxjs';
import type { Failure } from '../describe/failure.js';
import { messageOf, nameOf } from '../internal/thrown-value.js';
import { serializeError } from '../logging/error-record.js';
import { EXCEPTION_EVENT, FAILURE_ATTRIBUTES, TRACER_NAME } from './telemetry.constants.js';
import type { DispatchedPacket } from './telemetry.interfaces.js';

import type { Tracer } from '@opentelemetry/api';

type OpenTelemetryApi = typeof import('@opentelemetry/api');

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object';
}

/**
 * What the module does with OpenTelemetry when `opentelemetry` is on: records failures on the
 * active span, sends the active trace context with ClientProxy calls, and serves each incoming
 * microservice call in a server span continuing the caller's trace. Made only then, so an app
 * with the option off never loads `@opentelemetry/api`. Its signatures name no OpenTelemetry
 * type: the package's declarations must not need the optional peer.
 */
export class Telemetry {
  private readonly tracer: Tracer;

  private constructor(private readonly api: OpenTelemetryApi) {
    // A proxy: it follows whatever tracer provider the app registers, before or after this.
    this.tracer = api.trace.getTracer(TRACER_NAME);
  }

  /** `@opentelemetry/api` is an optional peer: without it, `opentelemetry: true` stops the app. */
  static async load(): Promise<Telemetry> {
    try {
      return new Telemetry(await import('@opentelemetry/api'));
    } catch {
      throw new Error(
        'ErrorHandlingModule: `opentelemetry: true` needs @opentelemetry/api: npm install @opentelemetry/api',
      );
    }
  }

  /**
   * The `exception` event and the failure's attributes on the active span; a 5xx also sets its
   * status to ERROR (a 4xx does not: OpenTelemetry's HTTP conventions). The event says what the
   * log record says: the error's own type and message, the stack only for a 5xx. Never throws.
   */
  record(failure: Failure): void {
    try {
      const span = this.api.trace.getActiveSpan();
      if (span === undefined) return;
      const serverError = failure.status >= 500;
      const { type, message, stack } = serializeError(failure.exception, serverError);
      span.addEvent(EXCEPTION_EVENT, {
        'exception.type': type,
        'exception.message': message,
        ...(stack !== undefined && { 'exception.stacktrace': stack }),
      });
      span.setAttributes({
        [FAILURE_ATTRIBUTES.reason]: failure.reason,
        [FAILURE_ATTRIBUTES.code]: failure.code,
        [FAILURE_ATTRIBUTES.requestId]: failure.requestId,
      });
      if (serverError) span.setStatus({ code: this.api.SpanStatusCode.ERROR, message: failure.reason });
    } catch (failed) {
      process.emitWarning(
        `nestjs-error-handling could not record request ${failure.requestId} on its span: ${messageOf(failed) || nameOf(failed)}`,
      );
    }
  }

  /** Adds the active trace context (`traceparent`, `tracestate`) to a packet's metadata; keys already there win. */
  injectTraceContext(packet: DispatchedPacket): void {
    const carrier: Record<string, string> = {};
    this.api.propagation.inject(this.api.context.active(), carrier);
    if (Object.keys(carrier).length > 0) packet.metadata = { ...carrier, ...packet.metadata };
  }

  /**
   * Runs an incoming microservice call in a SERVER span named `name`, a child of the trace
   * context its caller sent in `metadata` (else of the active context). The span ends when the
   * handler's result completes, or once its error has been handed on: Nest's exception filter,
   * which records the failure on this span, runs within that hand-over.
   */
  serveCall<T>(name: string, metadata: unknown, handle: () => Observable<T>): Observable<T> {
    const { context, propagation, trace, SpanKind } = this.api;
    return new Observable<T>((subscriber) => {
      const parent = propagation.extract(context.active(), isRecord(metadata) ? metadata : {});
      const span = this.tracer.startSpan(name, { kind: SpanKind.SERVER }, parent);
      subscriber.add(() => span.end());
      // Nest binds the handler's async context when handle() is called: call it inside the span's.
      return context.with(trace.setSpan(parent, span), () => handle().subscribe(subscriber));
    });
  }
}
