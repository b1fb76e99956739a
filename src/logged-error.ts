import { causeChainOf, messageOf, nameOf, stackOf } from './thrown-value.js';

/** A thrown value as a log record carries it: its own fields only, never its enumerable extras. */
export interface LoggedError {
  type: string;
  message: string;
  stack?: string;
  /** The `cause` chain (and AggregateError members), outermost first. */
  cause?: LoggedError[];
}

function loggedErrorOf(value: unknown, withStack: boolean): LoggedError {
  const logged: LoggedError = { type: nameOf(value), message: messageOf(value) };
  if (withStack) logged.stack = stackOf(value);
  return logged;
}

/**
 * Enumerable extras are left out on purpose: client errors carry their request config (headers,
 * tokens) there. The stack and cause chain only when asked for: server errors need them, client
 * errors do not.
 */
export function serializeError(value: unknown, withStack: boolean): LoggedError {
  const logged = loggedErrorOf(value, withStack);
  if (withStack) {
    const causes = causeChainOf(value, false);
    if (causes.length > 0) logged.cause = causes.map((cause) => loggedErrorOf(cause, true));
  }
  return logged;
}
