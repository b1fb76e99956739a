import type { ErrorCodeEntry } from './error-code.interfaces.js';
import type { ErrorHandlerMapping } from './error-handling.interfaces.js';

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

/** Rejects a malformed `[ErrorClass | status, target]` pair where it is declared. */
export function assertErrorHandlerMapping(mapping: unknown, where: string): asserts mapping is ErrorHandlerMapping {
  if (!Array.isArray(mapping) || mapping.length !== 2) {
    throw new TypeError(`${where}: expected a pair [ErrorClass | status, target]`);
  }
  const [match, target] = mapping;
  const isStatus = Number.isInteger(match) && match >= 400 && match <= 599;
  if (!isStatus && typeof match !== 'function') {
    throw new TypeError(`${where}: ${String(match)} is neither an error class nor a status from 400 to 599`);
  }
  if (!isErrorCodeEntry(target) && typeof target !== 'function') {
    throw new TypeError(`${where}: the target must be a catalogue entry or a function (error, context) => exception`);
  }
}
