import type {
  ErrorClass,
  ErrorHandlingModuleOptions,
  ErrorLogLevel,
  ErrorReporter,
} from './error-handling.interfaces.js';

/** The logging, reporting and process-error options after validation, defaults filled in. */
export interface ResolvedLoggingOptions {
  levelOf4xx: ErrorLogLevel | false;
  levelOf5xx: ErrorLogLevel | false;
  /** `classLevels` and `exclude` (as `false`), looked up by prototype chain. */
  levelByClass: ReadonlyMap<Function, ErrorLogLevel | false>;
  /** Names redacted besides the defaults. */
  redact: readonly string[];
  reporters: readonly ErrorReporter[];
  reportClasses: ReadonlyMap<Function, true>;
  reporterTimeout: number;
  processErrors: 'log-and-exit' | false;
  processErrorsExitTimeout: number;
}

const LEVELS: ReadonlySet<unknown> = new Set<ErrorLogLevel>(['trace', 'debug', 'info', 'warn', 'error', 'fatal']);
const DEFAULT_REPORTER_TIMEOUT = 5_000;
const DEFAULT_EXIT_TIMEOUT = 10_000;

function fail(message: string): never {
  throw new TypeError(`ErrorHandlingModule: ${message}`);
}

function assertLevel(level: unknown, where: string): asserts level is ErrorLogLevel | false {
  if (level !== false && !LEVELS.has(level)) fail(`${where} "${String(level)}" is not a pino level nor false`);
}

function assertClassList(list: unknown, where: string): asserts list is readonly ErrorClass[] {
  if (!Array.isArray(list) || !list.every((item) => typeof item === 'function')) fail(`\`${where}\` must be a list of classes`);
}

function assertTimeout(value: unknown, where: string): asserts value is number {
  if (!Number.isSafeInteger(value) || (value as number) < 1) fail(`${where} ${String(value)} is not a positive integer of milliseconds`);
}

/** Checks `logging`, `reporters`, `reportClasses`, `reporterTimeout` and `processErrors*`. */
export function resolveLoggingOptions(options: ErrorHandlingModuleOptions): ResolvedLoggingOptions {
  const { logging = {}, reporters = [], reportClasses = [] } = options;
  if (logging === null || typeof logging !== 'object') fail('`logging` must be an object');
  const { levels = {}, classLevels = [], exclude = [], redact = [] } = logging;
  const { '4xx': levelOf4xx = 'warn', '5xx': levelOf5xx = 'error' } = levels;
  assertLevel(levelOf4xx, 'logging.levels.4xx');
  assertLevel(levelOf5xx, 'logging.levels.5xx');
  if (!Array.isArray(classLevels)) fail('`logging.classLevels` must be a list of [ErrorClass, level] pairs');
  const levelByClass = new Map<Function, ErrorLogLevel | false>();
  classLevels.forEach((pair, index) => {
    if (!Array.isArray(pair) || typeof pair[0] !== 'function') fail(`logging.classLevels[${index}] is not an [ErrorClass, level] pair`);
    assertLevel(pair[1], `logging.classLevels[${index}] level`);
    levelByClass.set(pair[0], pair[1]);
  });
  assertClassList(exclude, 'logging.exclude');
  for (const excluded of exclude) levelByClass.set(excluded, false);
  if (!Array.isArray(redact) || !redact.every((name) => typeof name === 'string' && name.length > 0)) {
    fail('`logging.redact` must be a list of non-empty names');
  }
  if (!Array.isArray(reporters) || !reporters.every((reporter) => typeof reporter?.report === 'function')) {
    fail('`reporters` must be a list of objects with a report(error, context) method');
  }
  assertClassList(reportClasses, 'reportClasses');
  const { reporterTimeout = DEFAULT_REPORTER_TIMEOUT, processErrors = false } = options;
  const { processErrorsExitTimeout = DEFAULT_EXIT_TIMEOUT } = options;
  assertTimeout(reporterTimeout, 'reporterTimeout');
  assertTimeout(processErrorsExitTimeout, 'processErrorsExitTimeout');
  if (processErrors !== false && processErrors !== 'log-and-exit') {
    fail(`processErrors "${String(processErrors)}" is neither "log-and-exit" nor false`);
  }
  return {
    levelOf4xx,
    levelOf5xx,
    levelByClass,
    redact,
    reporters,
    reportClasses: new Map(reportClasses.map((reported) => [reported, true])),
    reporterTimeout,
    processErrors,
    processErrorsExitTimeout,
  };
}
