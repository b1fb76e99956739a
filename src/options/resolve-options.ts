import type { ValidationPipeOptions } from '@nestjs/common';
import type { ErrorCatalogue, ErrorCodeEntry, ErrorLogLevel } from '../catalogue/catalogue.interfaces.js';
import { isErrorCodeEntry, isLogLevel } from '../catalogue/define-error-codes.js';
import { StatusEntries } from '../catalogue/status-entries.js';
import type { LoggingPolicy, ProcessErrorsPolicy, ReportingPolicy } from '../logging/logging.interfaces.js';
import { assertErrorHandlerMapping } from '../resolve/on-error.decorator.js';
import type { ErrorClass, ErrorHandlerMapping } from '../resolve/resolve.interfaces.js';
import type { ErrorFormat, ErrorPageRenderer } from '../respond/respond.interfaces.js';
import { DEFAULTS, defaultMode } from './error-handling.defaults.js';
import type { ErrorHandlingMode, ErrorHandlingModuleOptions } from './error-handling-options.interfaces.js';

/** Injection token of the validated, defaulted options. */
export const RESOLVED_ERROR_HANDLING_OPTIONS = Symbol('RESOLVED_ERROR_HANDLING_OPTIONS');

/** The options after validation, every default filled in once at startup; each step gets its part. */
export interface ResolvedErrorHandlingOptions {
  codes: ErrorCatalogue;
  mode: ErrorHandlingMode;
  format: ErrorFormat;
  problemTypeBaseUrl: string | undefined;
  htmlPage: ErrorPageRenderer | undefined;
  openapi: boolean;
  handlers: readonly ErrorHandlerMapping[];
  /** Status → entry for plain HttpExceptions: `statusCodes`, then the defaults, then `codes`. */
  entries: StatusEntries;
  requestIdHeader: string;
  validation: ValidationPipeOptions | false;
  maxValidationDetails: number;
  /** Whether the catalogue's and validation messages are translated through nestjs-i18n. */
  i18n: boolean;
  /** Whether failures are recorded on the active span and trace context crosses ClientProxy calls. */
  opentelemetry: boolean;
  logging: LoggingPolicy;
  reporting: ReportingPolicy;
  processErrors: ProcessErrorsPolicy;
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function fail(message: string): never {
  throw new TypeError(`ErrorHandlingModule: ${message}`);
}

function isObject(value: unknown): value is object {
  return value !== null && typeof value === 'object';
}

/** Entry slugs are appended to it, so a query or fragment would swallow them. */
function isTypeBaseUrl(value: unknown): value is string {
  return typeof value === 'string' && URL.canParse(value) && !value.includes('?') && !value.includes('#');
}

function assertLevel(level: unknown, where: string): asserts level is ErrorLogLevel | false {
  if (level !== false && !isLogLevel(level)) fail(`${where} "${String(level)}" is not a pino level nor false`);
}

function assertClassList(list: unknown, where: string): asserts list is readonly ErrorClass[] {
  if (!Array.isArray(list) || !list.every((item) => typeof item === 'function')) {
    fail(`\`${where}\` must be a list of classes`);
  }
}

function assertMilliseconds(value: unknown, where: string): asserts value is number {
  if (!Number.isSafeInteger(value) || (value as number) < 1) {
    fail(`${where} ${String(value)} is not a positive integer of milliseconds`);
  }
}

function resolveStatusCodes(statusCodes: unknown): Readonly<Record<number, ErrorCodeEntry>> {
  if (!isObject(statusCodes)) fail('`statusCodes` must be a record of status → catalogue entry');
  for (const [key, entry] of Object.entries(statusCodes)) {
    const status = Number(key);
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      fail(`statusCodes key ${key} is not a status from 400 to 599`);
    }
    if (!isErrorCodeEntry(entry)) fail(`statusCodes[${key}] is not a catalogue entry`);
  }
  return statusCodes as Readonly<Record<number, ErrorCodeEntry>>;
}

function resolveThrottle(throttle: unknown): LoggingPolicy['throttle'] {
  if (throttle === undefined || throttle === false) return undefined;
  if (!isObject(throttle)) fail('`logging.throttle` must be { windowMs, limit }');
  const { windowMs, limit } = throttle as Record<string, unknown>;
  assertMilliseconds(windowMs, 'logging.throttle.windowMs');
  if (!Number.isSafeInteger(limit) || (limit as number) < 1) {
    fail(`logging.throttle.limit ${String(limit)} is not a positive integer`);
  }
  return { windowMs, limit: limit as number };
}

function resolveLogging(logging: unknown): LoggingPolicy {
  if (!isObject(logging)) fail('`logging` must be an object');
  const {
    levels = {},
    classLevels = [],
    exclude = [],
    redact = DEFAULTS.logging.redact,
    throttle,
  } = logging as Record<string, unknown>;
  if (!isObject(levels)) fail('`logging.levels` must be an object');
  const { '4xx': levelOf4xx = DEFAULTS.logging.levels['4xx'], '5xx': levelOf5xx = DEFAULTS.logging.levels['5xx'] } =
    levels as Record<string, unknown>;
  assertLevel(levelOf4xx, 'logging.levels.4xx');
  assertLevel(levelOf5xx, 'logging.levels.5xx');
  if (!Array.isArray(classLevels)) fail('`logging.classLevels` must be a list of [ErrorClass, level] pairs');
  const levelByClass = new Map<Function, ErrorLogLevel | false>();
  classLevels.forEach((pair: unknown, index) => {
    if (!Array.isArray(pair) || typeof pair[0] !== 'function') {
      fail(`logging.classLevels[${index}] is not an [ErrorClass, level] pair`);
    }
    assertLevel(pair[1], `logging.classLevels[${index}] level`);
    levelByClass.set(pair[0], pair[1]);
  });
  assertClassList(exclude, 'logging.exclude');
  for (const excluded of exclude) levelByClass.set(excluded, false);
  if (!Array.isArray(redact) || !redact.every((name) => typeof name === 'string' && name.length > 0)) {
    fail('`logging.redact` must be a list of non-empty names');
  }
  return { levelOf4xx, levelOf5xx, levelByClass, redact, throttle: resolveThrottle(throttle) };
}

function resolveReporting(options: ErrorHandlingModuleOptions): ReportingPolicy {
  const {
    reporters = DEFAULTS.reporters,
    reportClasses = DEFAULTS.reportClasses,
    reporterTimeout = DEFAULTS.reporterTimeout,
  } = options;
  if (!Array.isArray(reporters) || !reporters.every((reporter) => typeof reporter?.report === 'function')) {
    fail('`reporters` must be a list of objects with a report(error, context) method');
  }
  assertClassList(reportClasses, 'reportClasses');
  assertMilliseconds(reporterTimeout, 'reporterTimeout');
  return { reporters, reportClasses: new Map(reportClasses.map((reported) => [reported, true])), reporterTimeout };
}

function resolveProcessErrors(options: ErrorHandlingModuleOptions): ProcessErrorsPolicy {
  const { processErrors = DEFAULTS.processErrors, processErrorsExitTimeout = DEFAULTS.processErrorsExitTimeout } =
    options;
  assertMilliseconds(processErrorsExitTimeout, 'processErrorsExitTimeout');
  if (processErrors !== false && processErrors !== 'log-and-exit') {
    fail(`processErrors "${String(processErrors)}" is neither "log-and-exit" nor false`);
  }
  return { mode: processErrors, exitTimeout: processErrorsExitTimeout };
}

/** Checks the user's options and fills in defaults; a mistake stops the app at startup. */
export function resolveErrorHandlingOptions(options: ErrorHandlingModuleOptions = {}): ResolvedErrorHandlingOptions {
  if (!isObject(options)) fail('options must be an object');
  const {
    codes = DEFAULTS.codes,
    mode = defaultMode(),
    format = DEFAULTS.format,
    handlers = DEFAULTS.handlers,
    problemTypeBaseUrl,
    htmlPage,
    openapi = DEFAULTS.openapi,
    requestIdHeader = DEFAULTS.requestIdHeader,
    validation = DEFAULTS.validation,
    maxValidationDetails = DEFAULTS.maxValidationDetails,
    i18n = DEFAULTS.i18n,
    opentelemetry = DEFAULTS.opentelemetry,
  } = options;
  if (!isObject(codes) || !Object.values(codes).every(isErrorCodeEntry)) {
    fail('`codes` must be a catalogue made with defineErrorCodes()');
  }
  if (mode !== 'production' && mode !== 'development') {
    fail(`mode "${String(mode)}" is neither "production" nor "development"`);
  }
  if (format !== 'envelope' && format !== 'problem' && format !== 'negotiate' && typeof format !== 'function') {
    fail(`format "${String(format)}" is neither "envelope", "problem", "negotiate" nor a function`);
  }
  if (htmlPage !== undefined && typeof htmlPage !== 'function') {
    fail('`htmlPage` must be a function (info) => string');
  }
  if (htmlPage !== undefined && format !== 'negotiate') {
    fail('`htmlPage` renders the page of `format: "negotiate"`; set that format, or drop `htmlPage`');
  }
  if (problemTypeBaseUrl !== undefined && !isTypeBaseUrl(problemTypeBaseUrl)) {
    fail(`problemTypeBaseUrl "${String(problemTypeBaseUrl)}" is not an absolute URL without query or fragment`);
  }
  if (typeof openapi !== 'boolean') fail('`openapi` must be true or false');
  if (!Array.isArray(handlers)) fail('`handlers` must be a list of [ErrorClass | status, target] pairs');
  handlers.forEach((mapping, index) => assertErrorHandlerMapping(mapping, `handlers[${index}]`));
  if (typeof requestIdHeader !== 'string' || !HEADER_NAME.test(requestIdHeader)) {
    fail(`requestIdHeader "${String(requestIdHeader)}" is not a valid header name`);
  }
  if (typeof validation !== 'boolean' && !isObject(validation)) {
    fail('`validation` must be true, false or ValidationPipe options');
  }
  if (!Number.isSafeInteger(maxValidationDetails) || maxValidationDetails < 1) {
    fail(`maxValidationDetails ${String(maxValidationDetails)} is not a positive integer`);
  }
  if (typeof i18n !== 'boolean') fail('`i18n` must be true or false');
  if (typeof opentelemetry !== 'boolean') fail('`opentelemetry` must be true or false');
  return {
    codes,
    mode,
    format,
    problemTypeBaseUrl,
    htmlPage,
    openapi,
    handlers,
    entries: new StatusEntries(codes, DEFAULTS.statusCodes, resolveStatusCodes(options.statusCodes ?? {})),
    requestIdHeader,
    validation: validation === true ? {} : validation,
    maxValidationDetails,
    i18n,
    opentelemetry,
    logging: resolveLogging(options.logging === undefined ? {} : options.logging),
    reporting: resolveReporting(options),
    processErrors: resolveProcessErrors(options),
  };
}
