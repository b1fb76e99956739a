import type { ValidationPipeOptions } from '@nestjs/common';
import { DEFAULT_REQUEST_ID_HEADER } from './error-handling.constants.js';
import type { ErrorCatalogue, ErrorCodeEntry } from './error-code.interfaces.js';
import type {
  ErrorFormat,
  ErrorHandlerMapping,
  ErrorHandlingMode,
  ErrorHandlingModuleOptions,
} from './error-handling.interfaces.js';
import { ErrorCode } from './error-codes.js';
import { assertErrorHandlerMapping, isErrorCodeEntry } from './error-handler-mapping.js';
import { resolveLoggingOptions, type ResolvedLoggingOptions } from './error-logging.options.js';

/** The options after validation, with every default filled in once at startup. */
export interface ResolvedErrorHandlingOptions {
  codes: ErrorCatalogue;
  mode: ErrorHandlingMode;
  format: ErrorFormat;
  problemTypeBaseUrl: string | undefined;
  openapi: boolean;
  handlers: readonly ErrorHandlerMapping[];
  /** Status → entry for plain HttpExceptions: `statusCodes`, then the defaults, then `codes`. */
  entryByStatus: ReadonlyMap<number, ErrorCodeEntry>;
  requestIdHeader: string;
  validation: ValidationPipeOptions | false;
  /** Logging, reporters and the process-level catch-all. */
  logging: ResolvedLoggingOptions;
  maxValidationDetails: number;
}

/** Statuses whose default entry is a named contract code rather than the generic one. */
const CONTRACT_STATUS_CODES: ReadonlyArray<readonly [number, ErrorCodeEntry]> = [
  [400, ErrorCode.INVALID_INPUT],
  [403, ErrorCode.DENIED_PERMISSION],
  [404, ErrorCode.RESOURCE_NOT_FOUND],
  [500, ErrorCode.UNEXPECTED_ERROR],
];

const DEFAULT_MAX_VALIDATION_DETAILS = 100;

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function fail(message: string): never {
  throw new TypeError(`ErrorHandlingModule: ${message}`);
}

/** Entry slugs are appended to it, so a query or fragment would swallow them. */
function isTypeBaseUrl(value: unknown): value is string {
  return typeof value === 'string' && URL.canParse(value) && !value.includes('?') && !value.includes('#');
}

function defaultMode(): ErrorHandlingMode {
  const env = process.env.APP_MODE ?? process.env.NODE_ENV;
  return env === 'development' ? 'development' : 'production';
}

function resolveEntryByStatus(
  codes: ErrorCatalogue,
  statusCodes: Readonly<Record<number, ErrorCodeEntry>>,
): Map<number, ErrorCodeEntry> {
  const byStatus = new Map<number, ErrorCodeEntry>();
  for (const entry of Object.values(codes)) {
    if (!byStatus.has(entry.status)) byStatus.set(entry.status, entry);
  }
  // Generic entries carry code = status × 10; the contract codes win where they exist.
  for (const entry of Object.values(ErrorCode)) {
    if (entry.code === entry.status * 10) byStatus.set(entry.status, entry);
  }
  for (const [status, entry] of CONTRACT_STATUS_CODES) byStatus.set(status, entry);
  for (const [key, entry] of Object.entries(statusCodes)) {
    const status = Number(key);
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      fail(`statusCodes key ${key} is not a status from 400 to 599`);
    }
    if (!isErrorCodeEntry(entry)) fail(`statusCodes[${key}] is not a catalogue entry`);
    byStatus.set(status, entry);
  }
  return byStatus;
}

/** Checks the user's options and fills in defaults; a mistake stops the app at startup. */
export function resolveErrorHandlingOptions(
  options: ErrorHandlingModuleOptions = {},
): ResolvedErrorHandlingOptions {
  if (options === null || typeof options !== 'object') fail('options must be an object');
  const { codes = ErrorCode, mode = defaultMode(), format = 'envelope', handlers = [] } = options;
  if (codes === null || typeof codes !== 'object' || !Object.values(codes).every(isErrorCodeEntry)) {
    fail('`codes` must be a catalogue made with defineErrorCodes()');
  }
  if (mode !== 'production' && mode !== 'development') {
    fail(`mode "${String(mode)}" is neither "production" nor "development"`);
  }
  if (format !== 'envelope' && format !== 'problem' && typeof format !== 'function') {
    fail(`format "${String(format)}" is neither "envelope", "problem" nor a function`);
  }
  const { problemTypeBaseUrl, openapi = false } = options;
  if (problemTypeBaseUrl !== undefined && !isTypeBaseUrl(problemTypeBaseUrl)) {
    fail(`problemTypeBaseUrl "${String(problemTypeBaseUrl)}" is not an absolute URL without query or fragment`);
  }
  if (typeof openapi !== 'boolean') fail('`openapi` must be true or false');
  if (!Array.isArray(handlers)) fail('`handlers` must be a list of [ErrorClass | status, target] pairs');
  handlers.forEach((mapping, index) => assertErrorHandlerMapping(mapping, `handlers[${index}]`));
  const requestIdHeader = options.requestIdHeader ?? DEFAULT_REQUEST_ID_HEADER;
  if (typeof requestIdHeader !== 'string' || !HEADER_NAME.test(requestIdHeader)) {
    fail(`requestIdHeader "${String(requestIdHeader)}" is not a valid header name`);
  }
  const { validation = false } = options;
  if (typeof validation !== 'boolean' && (validation === null || typeof validation !== 'object')) {
    fail('`validation` must be true, false or ValidationPipe options');
  }
  const { maxValidationDetails = DEFAULT_MAX_VALIDATION_DETAILS } = options;
  if (!Number.isSafeInteger(maxValidationDetails) || maxValidationDetails < 1) {
    fail(`maxValidationDetails ${String(maxValidationDetails)} is not a positive integer`);
  }
  return {
    codes,
    mode,
    format,
    problemTypeBaseUrl,
    openapi,
    handlers,
    entryByStatus: resolveEntryByStatus(codes, options.statusCodes ?? {}),
    requestIdHeader,
    validation: validation === true ? {} : validation,
    logging: resolveLoggingOptions(options),
    maxValidationDetails,
  };
}
