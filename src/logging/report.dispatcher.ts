import type { BeforeApplicationShutdown } from '@nestjs/common';
import type { ErrorLogger } from './error-logger.js';
import type { ErrorLogContext, ErrorReporter, ReportingPolicy } from './logging.interfaces.js';

/** Why a reporter was given up on. */
export class ReporterTimeoutError extends Error {
  override name = 'ReporterTimeoutError';

  constructor(ms: number) {
    super(`The reporter did not settle within ${ms} ms`);
  }
}

/**
 * Hands failed requests to the `reporters` (every 5xx, and the `reportClasses`). The recorder
 * calls it after the reply and never waits: each reporter runs on its own, bounded by
 * `reporterTimeout`, and its failure is logged, never answered. Shutdown waits for the
 * reports still running, so the last errors before a restart are not lost.
 */
export class ReportDispatcher implements BeforeApplicationShutdown {
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly options: ReportingPolicy,
    private readonly errorLogger: ErrorLogger,
  ) {}

  /** Starts the reports of a failure, each on its own. */
  dispatch(error: unknown, context: ErrorLogContext): void {
    for (const reporter of this.options.reporters) {
      // A logger that throws while logging a failure must not become an unhandled rejection.
      const report = this.run(reporter, error, context)
        .catch(() => undefined)
        .finally(() => this.running.delete(report));
      this.running.add(report);
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.running);
  }

  private async run(reporter: ErrorReporter, error: unknown, context: ErrorLogContext): Promise<void> {
    const { reporterTimeout } = this.options;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ReporterTimeoutError(reporterTimeout)), reporterTimeout);
    });
    try {
      // Starting inside a promise turns a synchronous throw into a rejection like any other.
      await Promise.race([Promise.resolve().then(() => reporter.report(error, context)), timedOut]);
    } catch (failure) {
      this.errorLogger.logReporterFailure(failure, context.requestId);
    } finally {
      clearTimeout(timer);
    }
  }
}
