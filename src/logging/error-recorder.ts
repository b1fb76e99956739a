import type { Failure } from '../describe/failure.js';
import { messageOf, nameOf, nearestClassValue, read } from '../internal/thrown-value.js';
import { errorLogContext, kindOf, recordLineOf, serializeError, type LoggedError } from './error-record.js';
import type { ErrorLogger } from './error-logger.js';
import { LogRedactor } from './log-redactor.js';
import type { ErrorLogContext, LoggingPolicy, ReportingPolicy } from './logging.interfaces.js';
import { RecordThrottle } from './record-throttle.js';
import type { ReportDispatcher } from './report.dispatcher.js';
import type { Telemetry } from '../telemetry/telemetry.js';

/** What is logged: the context, the error, and what a failed handler threw. */
type LogRecord = ErrorLogContext & { err?: LoggedError; handlerFailure?: LoggedError };

/** Marks the raw Node requests whose failure this module logged, for `createPinoHttpOptions`. */
const ERROR_LOGGED = Symbol('nestjs-error-handling:error-logged');

/**
 * Whether requests are marked: only once `createPinoHttpOptions` made the options that read the
 * mark. A property added to express's request (whose prototype express swapped) cost about 3 µs
 * per record in an express server, where nothing reads it without pino-http.
 */
let markingLoggedRequests = false;

/** Called by `createPinoHttpOptions`, at startup: from then on logged requests are marked. */
export function markLoggedRequests(): void {
  markingLoggedRequests = true;
}

/** Whether the module wrote the error record of this raw Node request. */
export function wasErrorLogged(rawRequest: object): boolean {
  return (rawRequest as { [ERROR_LOGGED]?: true })[ERROR_LOGGED] === true;
}

/**
 * The last step of a failure, after the answer went out: its one log record, its reports, and
 * with `opentelemetry` its event on the active span (whatever the log level or throttle says).
 * Which level and whether reported: the thrown class's `classLevels`, then the entry's own `log`
 * and `report`, then the module's levels and `reportClasses`; then `logging.throttle`.
 * The context they share (the request, redacted) is built only when one of them wants it, and
 * then once. Written from the exception filter, which sees errors of every stage, guards and
 * middleware included; pino-http's own line for the request stays at its level (info).
 */
export class ErrorRecorder {
  private readonly redactor: LogRedactor;
  private readonly throttle: RecordThrottle | undefined;

  constructor(
    private readonly logging: LoggingPolicy,
    private readonly reporting: ReportingPolicy,
    private readonly logger: ErrorLogger,
    private readonly dispatcher: ReportDispatcher,
    private readonly telemetry: Telemetry | undefined,
  ) {
    this.redactor = new LogRedactor(logging.redact);
    this.throttle = logging.throttle && new RecordThrottle(logging.throttle.windowMs, logging.throttle.limit);
  }

  /** Never throws: a logger or tracker that fails cannot change what was answered. */
  record(failure: Failure): void {
    this.telemetry?.record(failure);
    try {
      const { exception, status, entry } = failure;
      const level =
        nearestClassValue(this.logging.levelByClass, exception) ??
        entry.log ??
        (status >= 500 ? this.logging.levelOf5xx : this.logging.levelOf4xx);
      const { reporters, reportClasses } = this.reporting;
      const reported =
        reporters.length > 0 &&
        (entry.report ?? (status >= 500 || nearestClassValue(reportClasses, exception) !== undefined));
      if (level === false && !reported) return;
      const admission = this.throttle?.admit(kindOf(failure));
      if (admission?.admitted === false) return;
      const context = errorLogContext(failure, this.redactor);
      if (admission !== undefined && admission.suppressed > 0) context.suppressed = admission.suppressed;
      if (level !== false) {
        const line = recordLineOf(context);
        // The record is the context and the error; reporters get the context alone.
        const record: LogRecord = reported ? { ...context } : context;
        record.err = serializeError(exception, status >= 500);
        if (failure.handlerFailure !== undefined) record.handlerFailure = serializeError(failure.handlerFailure, true);
        if (markingLoggedRequests) markLogged(failure.request);
        this.logger.write(level, line, record);
      }
      if (reported) this.dispatcher.dispatch(exception, context);
    } catch (failed) {
      process.emitWarning(
        `nestjs-error-handling could not log request ${failure.requestId}: ${messageOf(failed) || nameOf(failed)}`,
      );
    }
  }
}

/** A property rather than a WeakSet entry, which costs the garbage collector per request. */
function markLogged(request: unknown): void {
  const raw = read(request, 'raw') ?? request;
  if (typeof raw === 'object' && raw !== null) (raw as { [ERROR_LOGGED]?: true })[ERROR_LOGGED] = true;
}
