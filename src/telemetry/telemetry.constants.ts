/** The provider token of the module's `Telemetry`: `undefined` unless `opentelemetry` is on. */
export const TELEMETRY = Symbol('TELEMETRY');

/** The instrumentation scope the module's spans are made under. */
export const TRACER_NAME = 'nestjs-error-handling';

/** The span event every failure records (OpenTelemetry's exception semantic conventions). */
export const EXCEPTION_EVENT = 'exception';

/** The attributes a failure sets on the active span. */
export const FAILURE_ATTRIBUTES = Object.freeze({
  /** The catalogue reason (OpenTelemetry's `error.type`). */
  reason: 'error.type',
  code: 'app.error.code',
  requestId: 'app.request_id',
} as const);
