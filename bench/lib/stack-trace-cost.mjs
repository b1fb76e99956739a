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

function nanosecondsPerCreation(OperatedException, create, captureStack) {
  OperatedException.captureClientErrorStacks = captureStack;
  try {
    let keep;
    const started = process.hrtime.bigint();
    for (let index = 0; index < CREATIONS; index += 1) keep = atDepth(CALL_DEPTH, create);
    const elapsed = Number(process.hrtime.bigint() - started);
    if (keep === undefined) throw new Error('unreachable');
    return elapsed / CREATIONS;
  } finally {
    OperatedException.captureClientErrorStacks = false;
  }
}

/**
 * What capturing a stack trace adds to a 4xx `new OperatedException(...)` at a realistic call
 * depth: with `captureClientErrorStacks` (the default limit, 10 frames) and without (the
 * default for 4xx); alternated, median of the repeats.
 */
export async function measureStackTraceCost() {
  const library = await import(pathToFileURL(path.join(LIBRARY_OUT_DIR, 'index.js')).href);
  const { OperatedException, ErrorCode } = library;
  const create = () => new OperatedException(ErrorCode.RESOURCE_NOT_FOUND, 'Product not found');
  nanosecondsPerCreation(OperatedException, create, true); // warm-up for the JIT
  const withStack = [];
  const withoutStack = [];
  for (let repeat = 0; repeat < REPEATS; repeat += 1) {
    withStack.push(nanosecondsPerCreation(OperatedException, create, true));
    withoutStack.push(nanosecondsPerCreation(OperatedException, create, false));
  }
  return {
    callDepth: CALL_DEPTH,
    stackTraceLimit: Error.stackTraceLimit,
    withStackNs: median(withStack),
    withoutStackNs: median(withoutStack),
  };
}
