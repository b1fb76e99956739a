import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { HttpAdapterHost, ModulesContainer } from '@nestjs/core';
import { callAppShutdownHook, callBeforeAppShutdownHook, callModuleDestroyHook } from '@nestjs/core/hooks/index.js';
import type { ErrorLogger } from './error-logger.js';
import type { ProcessErrorsPolicy } from './logging.interfaces.js';

const EXIT_CODE = 1;

/**
 * `processErrors: 'log-and-exit'`: catches everything only at the top. An unhandledRejection or
 * uncaughtException is logged as fatal with its stack, the app is closed (lifecycle hooks, then
 * the HTTP server) within `processErrorsExitTimeout`, and the process exits with code 1: its
 * state is unknown after such an error, so it must not keep serving.
 */
export class ProcessErrorsHandler implements OnApplicationBootstrap, OnApplicationShutdown {
  private exiting = false;
  private readonly onUncaughtException = (error: unknown) => void this.logAndExit(error, 'uncaughtException');
  private readonly onUnhandledRejection = (reason: unknown) => void this.logAndExit(reason, 'unhandledRejection');

  constructor(
    private readonly policy: ProcessErrorsPolicy,
    private readonly errorLogger: ErrorLogger,
    private readonly modulesContainer: ModulesContainer,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  onApplicationBootstrap(): void {
    if (this.policy.mode !== 'log-and-exit') return;
    process.on('uncaughtException', this.onUncaughtException);
    process.on('unhandledRejection', this.onUnhandledRejection);
  }

  onApplicationShutdown(): void {
    process.off('uncaughtException', this.onUncaughtException);
    process.off('unhandledRejection', this.onUnhandledRejection);
  }

  private async logAndExit(error: unknown, origin: string): Promise<void> {
    if (this.exiting) return;
    this.exiting = true;
    // Not unref'd: it must be able to end a close that hangs.
    const deadline = setTimeout(() => process.exit(EXIT_CODE), this.policy.exitTimeout);
    try {
      this.errorLogger.logProcessError(error, origin);
      await this.closeApplication();
    } catch (failure) {
      this.errorLogger.logPipelineFailure(error, failure);
    } finally {
      clearTimeout(deadline);
      process.exit(EXIT_CODE);
    }
  }

  /**
   * What `app.close()` does, in its order; providers cannot reach the application object, so
   * the hooks are run here over the same modules, the root first and global modules last.
   */
  private async closeApplication(): Promise<void> {
    const modules = [...this.modulesContainer.values()].sort((a, b) => a.distance - b.distance);
    for (const moduleRef of modules) await callModuleDestroyHook(moduleRef);
    for (const moduleRef of modules) await callBeforeAppShutdownHook(moduleRef);
    await this.adapterHost.httpAdapter?.close();
    for (const moduleRef of modules) await callAppShutdownHook(moduleRef);
  }
}
