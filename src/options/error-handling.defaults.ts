import { ErrorCode } from '../catalogue/error-codes.js';
import type { ErrorHandlingMode } from './error-handling-options.interfaces.js';

/** Every default of `forRoot()`'s options, in one place (docs/options.md lists them). */
export const DEFAULTS = Object.freeze({
  codes: ErrorCode,
  format: 'envelope',
  openapi: false,
  handlers: [],
  /** Statuses whose entry is a named contract code rather than the generic one. */
  statusCodes: Object.freeze({
    400: ErrorCode.INVALID_INPUT,
    403: ErrorCode.DENIED_PERMISSION,
    404: ErrorCode.RESOURCE_NOT_FOUND,
    500: ErrorCode.UNEXPECTED_ERROR,
  }),
  requestIdHeader: 'X-Request-Id',
  validation: false,
  maxValidationDetails: 100,
  i18n: false,
  opentelemetry: false,
  logging: Object.freeze({ levels: Object.freeze({ '4xx': 'warn', '5xx': 'error' }), redact: [] }),
  reporters: [],
  reportClasses: [],
  reporterTimeout: 5_000,
  processErrors: false,
  processErrorsExitTimeout: 10_000,
} as const);

/** `production` unless `APP_MODE` (or, without it, `NODE_ENV`) says `development`. */
export function defaultMode(): ErrorHandlingMode {
  const env = process.env.APP_MODE ?? process.env.NODE_ENV;
  return env === 'development' ? 'development' : 'production';
}
