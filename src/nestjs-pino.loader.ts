import type { ModuleRef } from '@nestjs/core';
import type { Logger as PinoBaseLogger } from 'pino';

/** Gives the root pino logger of nestjs-pino when there is one at the time of the call. */
export type PinoRootLogger = () => PinoBaseLogger | undefined;

/**
 * nestjs-pino is an optional peer: it is imported only if installed, and used only if this
 * application imports its LoggerModule (whose params provider is then resolvable). The root
 * logger is read at each call because nestjs-pino sets it while the app initializes, and leaves
 * it unset with `useExisting`, where the Nest Logger (nestjs-pino's own, if installed) is used.
 */
export async function loadPinoRootLogger(moduleRef: ModuleRef): Promise<PinoRootLogger | undefined> {
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
