import type { ErrorCodeEntry } from './error-code.interfaces.js';

/** The outcome of resolution: which entry answers the error, with what message and extras. */
export interface ResolvedError {
  entry: ErrorCodeEntry;
  /** The message before production masking: the error's own, or the entry's. */
  message: string;
  details?: unknown;
  headers?: Readonly<Record<string, string>>;
  /** The value that was thrown. */
  exception: unknown;
  /** What a handler target threw or returned instead of an exception, if it failed. */
  handlerFailure?: unknown;
}
