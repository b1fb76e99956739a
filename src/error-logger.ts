import { ConsoleLogger, Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Logger as PinoBaseLogger } from 'pino';
import { RESOLVED_ERROR_HANDLING_OPTIONS } from './error-handling.constants.js';
import type { ErrorDescription, ErrorLogContext, ErrorLogLevel } from './error-handling.interfaces.js';
import type { ResolvedErrorHandlingOptions } from './error-handling.options.js';
import { stringifySafely } from './error-body.formats.js';
import { errorLogContext } from './error-log-context.js';
import type { ResolvedLoggingOptions } from './error-logging.options.js';
import { serializeError } from './logged-error.js';
import { LogRedactor } from './log-redactor.js';
import { loadPinoRootLogger, type PinoRootLogger } from './nestjs-pino.loader.js';
import type { ResolvedError } from './resolved-error.interfaces.js';
import { messageOf, nameOf, nearestClassValue, read } from './thrown-value.js';

const CONTEXT = 'ErrorHandling';

const NEST_METHOD = {
  trace: 'verbose',
  debug: 'debug',
  info: 'log',
  warn: 'warn',
  error: 'error',
  fatal: 'fatal',
} as const satisfies Record<ErrorLogLevel, keyof Logger>;

/** Raw Node requests whose failure this module logged, for `createPinoHttpOptions`. */
const loggedRequests = new WeakSet<object>();

/** Whether the module wrote the error record of this raw Node request. */
export function wasErrorLogged(rawRequest: object): boolean {
  return loggedRequests.has(rawRequest);
}

const passThrough = (value: unknown): unknown => value;

/**
 * Writes the one record of each failed request: through nestjs-pino's root logger when the app
 * imports its LoggerModule, else through Nest's Logger (whatever `app.useLogger` set). The
 * record is written from the exception filter, which sees errors of every stage, guards and
 * middleware included; pino-http's own line for the request stays at its level (info).
 */
@Injectable()
export class ErrorLogger implements OnModuleInit {
  private readonly nestLogger = new Logger(CONTEXT);
  private readonly options: ResolvedLoggingOptions;
  private readonly redactor: LogRedactor;
  private pinoRootLogger: PinoRootLogger | undefined;
  /** Our records carry `req` and `err` already serialized: the child keeps pino-http's serializers off them. */
  private pinoWriter: { root: PinoBaseLogger; writer: PinoBaseLogger } | undefined;

  constructor(
    @Inject(RESOLVED_ERROR_HANDLING_OPTIONS) { logging }: ResolvedErrorHandlingOptions,
    private readonly moduleRef: ModuleRef,
  ) {
    this.options = logging;
    this.redactor = new LogRedactor(logging.redact);
  }

  async onModuleInit(): Promise<void> {
    this.pinoRootLogger = await loadPinoRootLogger(this.moduleRef);
  }

  /**
   * Writes the record of a failed request, unless its class or status is not logged. The context
   * (the request, redacted) is built only when it is written or `forReporters` asks for it, and
   * then returned, so reporters get the same one.
   */
  log(description: ErrorDescription, resolved: ResolvedError, forReporters: boolean): ErrorLogContext | undefined {
    const { status } = description;
    const level = nearestClassValue(this.options.levelByClass, resolved.exception) ?? (status >= 500 ? this.options.levelOf5xx : this.options.levelOf4xx);
    if (level === false && !forReporters) return undefined;
    const context = errorLogContext(description, resolved, this.redactor);
    if (level === false) return context;
    const { reason, message, req } = context;
    const record: Record<string, unknown> = { ...context, err: serializeError(resolved.exception, status >= 500) };
    if (resolved.handlerFailure !== undefined) record.handlerFailure = serializeError(resolved.handlerFailure, true);
    loggedRequests.add((read(description.request, 'raw') ?? description.request) as object);
    this.write(level, `${req.method} ${req.url} → ${status} ${reason}: ${message}`, record);
    return context;
  }

  /** Used when the error pipeline itself failed and a hard-coded 500 was sent. */
  logPipelineFailure(exception: unknown, failure: unknown): void {
    this.write('error', `Error handling failed (${messageOf(failure) || nameOf(failure)}) while answering: ${messageOf(exception) || nameOf(exception)}`, {
      err: serializeError(failure, true),
      exception: serializeError(exception, true),
    });
  }

  /** A reporter threw, rejected or timed out; the response was not affected. */
  logReporterFailure(failure: unknown, requestId: string): void {
    this.write('warn', `An error reporter failed for request ${requestId}: ${messageOf(failure) || nameOf(failure)}`, {
      requestId,
      err: serializeError(failure, true),
    });
  }

  /** An error outside any request, before the process exits. */
  logProcessError(error: unknown, origin: string): void {
    this.write('fatal', `${origin}: ${messageOf(error) || nameOf(error)}; closing the application and exiting`, {
      origin,
      err: serializeError(error, true),
    });
  }

  private write(level: ErrorLogLevel, message: string, record: Record<string, unknown>): void {
    const root = this.pinoRootLogger?.();
    if (root === undefined) {
      const write = this.nestLogger[NEST_METHOD[level]].bind(this.nestLogger);
      // Nest's ConsoleLogger prints an object argument as pretty JSON in a write of its own:
      // one compact line costs a third less per failed request and ships better. Other
      // LoggerServices get the record as an object.
      if (this.nestLogger.localInstance instanceof ConsoleLogger) write(`${message} ${stringifySafely(record)}`);
      else write(message, record);
      return;
    }
    if (this.pinoWriter?.root !== root) {
      this.pinoWriter = { root, writer: root.child({ context: CONTEXT }, { serializers: { req: passThrough, err: passThrough } }) };
    }
    this.pinoWriter.writer[level](record, message);
  }
}
