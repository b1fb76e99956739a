import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LIBRARY_OUT_DIR } from './paths.mjs';
import { median } from './stats.mjs';

/** Roughly how deep a Nest route handler runs (router, pipes, interceptors, rxjs). */
const CALL_DEPTH = 40;
const CREATIONS = 20_000;
const REPEATS = 5;

function atDepth(depth, create) {
  return depth === 0 ? create() : atDepth(depth - 1, create);
}

function nanosecondsPerCreation(create, stackTraceLimit) {
  const saved = Error.stackTraceLimit;
  Error.stackTraceLimit = stackTraceLimit;
  try {
    let keep;
    const started = process.hrtime.bigint();
    for (let index = 0; index < CREATIONS; index += 1) keep = atDepth(CALL_DEPTH, create);
    const elapsed = Number(process.hrtime.bigint() - started);
    if (keep === undefined) throw new Error('unreachable');
    return elapsed / CREATIONS;
  } finally {
    Error.stackTraceLimit = saved;
  }
}

/**
 * What capturing a stack trace adds to `new OperatedException(...)` at a realistic call depth,
 * with the default limit (10 frames) and with none; alternated, median of the repeats.
 */
export async function measureStackTraceCost() {
  const library = await import(pathToFileURL(path.join(LIBRARY_OUT_DIR, 'index.js')).href);
  const create = () => new library.OperatedException(library.ErrorCode.RESOURCE_NOT_FOUND, 'Product not found');
  const defaultLimit = Error.stackTraceLimit;
  nanosecondsPerCreation(create, defaultLimit); // warm-up for the JIT
  const withStack = [];
  const withoutStack = [];
  for (let repeat = 0; repeat < REPEATS; repeat += 1) {
    withStack.push(nanosecondsPerCreation(create, defaultLimit));
    withoutStack.push(nanosecondsPerCreation(create, 0));
  }
  return { callDepth: CALL_DEPTH, stackTraceLimit: defaultLimit, withStackNs: median(withStack), withoutStackNs: median(withoutStack) };
}
