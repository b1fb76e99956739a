import type { ErrorCatalogue, ErrorCodeDefinition, ErrorCodeEntry, ErrorLogLevel } from './catalogue.interfaces.js';

const LOG_LEVELS: ReadonlySet<unknown> = new Set<ErrorLogLevel>(['trace', 'debug', 'info', 'warn', 'error', 'fatal']);

export function isLogLevel(value: unknown): value is ErrorLogLevel {
  return LOG_LEVELS.has(value);
}

/** Whether a value has the shape of a catalogue entry (as options and decorators receive them). */
export function isErrorCodeEntry(value: unknown): value is ErrorCodeEntry {
  if (value === null || typeof value !== 'object') return false;
  const entry = value as Partial<ErrorCodeEntry>;
  return (
    Number.isSafeInteger(entry.code) &&
    typeof entry.reason === 'string' &&
    Number.isInteger(entry.status) &&
    entry.status! >= 400 &&
    entry.status! <= 599 &&
    typeof entry.message === 'string'
  );
}

/**
 * Builds a typed, frozen catalogue from plain definitions and rejects a bad one at the call,
 * so a catalogue mistake stops the app at startup instead of reaching a client.
 */
export function defineErrorCodes<const Definitions extends Record<string, ErrorCodeDefinition>>(
  definitions: Definitions,
): ErrorCatalogue<Extract<keyof Definitions, string>> {
  if (definitions === null || typeof definitions !== 'object') {
    throw new TypeError('defineErrorCodes: expected an object of { code, status, message } entries');
  }
  const reasonByCode = new Map<number, string>();
  const catalogue: Record<string, unknown> = {};
  for (const [reason, definition] of Object.entries(definitions)) {
    const where = `defineErrorCodes: entry ${reason}`;
    if (definition === null || typeof definition !== 'object') {
      throw new TypeError(`${where} must be an object with code, status and message`);
    }
    const { code, status, message, log, report } = definition;
    if (!Number.isSafeInteger(code) || code <= 0) {
      throw new TypeError(`${where} has code ${String(code)}; codes are positive integers`);
    }
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new TypeError(`${where} has status ${String(status)}; statuses are integers from 400 to 599`);
    }
    if (typeof message !== 'string') {
      throw new TypeError(`${where} has no message string`);
    }
    if (log !== undefined && log !== false && !isLogLevel(log)) {
      throw new TypeError(`${where} has log ${String(log)}; log is a pino level or false`);
    }
    if (report !== undefined && typeof report !== 'boolean') {
      throw new TypeError(`${where} has report ${String(report)}; report is true or false`);
    }
    const holder = reasonByCode.get(code);
    if (holder !== undefined) {
      throw new TypeError(`defineErrorCodes: code ${code} is used by both ${holder} and ${reason}`);
    }
    reasonByCode.set(code, reason);
    catalogue[reason] = Object.freeze({
      code,
      reason,
      status,
      message,
      ...(log !== undefined && { log }),
      ...(report !== undefined && { report }),
    });
  }
  return Object.freeze(catalogue) as ErrorCatalogue<Extract<keyof Definitions, string>>;
}
