/**
 * `make()` with no stack frames captured for the errors it creates: for errors whose stack is
 * never printed or is replaced, where capturing one is most of what creating them costs.
 */
export function withoutStackFrames<T>(make: () => T): T {
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return make();
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}
