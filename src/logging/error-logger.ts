import { ConsoleLogger, Logger } from '@nestjs/common';
import type { ModuleRef } from '@nestjs/core';
import type { Logger as PinoBaseLogger } from 'pino';
import { stringifySafely } from '../internal/json.js';
import { messageOf, nameOf } from '../internal/thrown-value.js';
import { ConsoleLines, flushConsoleLines } from './console-lines.js';
import { serializeError } from './error-record.js';
import type { ErrorLogLevel } from '../catalogue/catalogue.interfaces.js';

const CONTEXT = 'ErrorHandling';

const NEST_METHOD = {
  trace: 'verbose',
  debug: 'debug',
  info: 'log',
  warn: 'warn',
  error: 'error',
  fatal: 'fatal',
} as const satisfies Record<ErrorLogLevel, keyof Logger>;

const passThrough = (value: unknown): unknown => value;

/** Gives the root pino logger of nestjs-pino when there is one at the time of the call. */
type PinoRootLogger = () => PinoBaseLogger | undefined;

/**
 * nestjs-pino is an optional peer: it is imported only if installed, and used only if this
 * application imports its LoggerModule (whose params provider is then resolvable). The root
 * logger is read at each call because nestjs-pino sets it while the app initializes, and leaves
 * it unset with `useExisting`, where the Nest Logger (nestjs-pino's own, if installed) is used.
 */
async function loadPinoRootLogger(moduleRef: ModuleRef): Promise<PinoRootLogger | undefined> {
  let nestjsPino: typeof import('nestjs-pino');
  try {
    nestjsPino = await import('nestjs-pino');
    moduleRef.get(nestjsPino.PARAMS_PROVIDER_TOKEN, { strict: false });
  } catch {
    return undefined;
  }
  const { PinoLogger } = nestjsPino;
  return () => PinoLogger.root;
}

/**
 * Writes the module's records: through nestjs-pino's root logger when the app imports its
 * LoggerModule, else through Nest's Logger (whatever `app.useLogger` set).
 */
export class ErrorLogger {
  private readonly nestLogger = new Logger(CONTEXT);
  private readonly consoleLines = new ConsoleLines(CONTEXT);
  private pinoRootLogger: PinoRootLogger | undefined;
  /** Our records carry `req` and `err` already serialized: the child keeps pino-http's serializers off them. */
  private pinoWriter: { root: PinoBaseLogger; writer: PinoBaseLogger } | undefined;

  constructor(private readonly moduleRef: ModuleRef) {}

  async onModuleInit(): Promise<void> {
    this.pinoRootLogger = await loadPinoRootLogger(this.moduleRef);
  }

  /** Records still waiting for the end of the tick are printed before the app's last words. */
  beforeApplicationShutdown(): void {
    flushConsoleLines();
  }

  /**
   * Used when the error pipeline itself failed and a hard-coded 500 was sent; `call` (its
   * transport and the request id the caller got) lets the record be found from that answer.
   */
  logPipelineFailure(
    exception: unknown,
    failure: unknown,
    call: { transport?: string; requestId?: string } = {},
  ): void {
    this.write(
      'error',
      `Error handling failed (${messageOf(failure) || nameOf(failure)}) while answering: ${messageOf(exception) || nameOf(exception)}`,
      { ...call, err: serializeError(failure, true), exception: serializeError(exception, true) },
    );
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

  write(level: ErrorLogLevel, message: string, record: object): void {
    const root = this.pinoRootLogger?.();
    if (root === undefined) {
      const method = NEST_METHOD[level];
      const instance = this.nestLogger.localInstance;
      // A ConsoleLogger gets one compact line, the record as JSON: it would print an object in
      // a form of its own, longer to make and to ship. Other LoggerServices get the record.
      if (!(instance instanceof ConsoleLogger)) {
        this.nestLogger[method](message, record);
        return;
      }
      const json = stringifySafely(record);
      if (!this.consoleLines.write(instance, method, message, json)) this.nestLogger[method](`${message} ${json}`);
      return;
    }
    if (this.pinoWriter?.root !== root) {
      this.pinoWriter = {
        root,
        writer: root.child({ context: CONTEXT }, { serializers: { req: passThrough, err: passThrough } }),
      };
    }
    this.pinoWriter.writer[level](record, message);
  }
}
