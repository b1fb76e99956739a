import fc from 'fast-check';

/** Every generated value carries this marker in its message, stack or cause, so a leak is visible. */
export const MARKER = 'LEAKED-SECRET-7f3a';
const throwing = (): never => {
  throw new Error(`getter ${MARKER}`);
};

const hostileMessage = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }).map((text) => `${text}${MARKER}`),
  fc.constant(`${'x'.repeat(1_000_000)}${MARKER}`),
  fc.constant(`\uD800\uDFFF\uDBFF lone surrogates ${MARKER}`),
  fc.constant(`\u0000\u0007\r\nSet-Cookie: a=b ${MARKER}`),
  fc.constant(`    at secret (/srv/app/${MARKER}.ts:1:1)`),
);

function deepCauseChain(depth: number, message: string): Error {
  let error = new Error(message);
  for (let level = 0; level < depth; level += 1) error = new Error(`level ${level} ${MARKER}`, { cause: error });
  return error;
}

const oddProperty = fc.oneof(
  fc.anything(),
  fc.constant(Symbol('odd')),
  fc.constant(10n),
  fc.integer({ min: -1000, max: 1000 }),
);

interface HostileErrorRecipe {
  message: string;
  kind: 'plain' | 'cycle' | 'deep' | 'getters' | 'proxy' | 'frozen' | 'typeError';
  status: unknown;
  statusCode: unknown;
  code: unknown;
}

/**
 * fast-check inspects what it generates, so hostile errors (throwing getters, Proxies) are
 * generated as recipes and built inside the property.
 */
const hostileErrorRecipe = fc.record({
  message: hostileMessage,
  kind: fc.constantFrom<HostileErrorRecipe['kind']>(
    'plain',
    'cycle',
    'deep',
    'getters',
    'proxy',
    'frozen',
    'typeError',
  ),
  status: oddProperty,
  statusCode: oddProperty,
  code: oddProperty,
});

function buildHostileError({ message, kind, status, statusCode, code }: HostileErrorRecipe): unknown {
  const error = (kind === 'typeError' ? new TypeError(message) : new Error(message)) as Error & Record<string, unknown>;
  Object.assign(error, { status, statusCode, code });
  switch (kind) {
    case 'cycle':
      error.cause = error;
      return error;
    case 'deep':
      return deepCauseChain(1000, message);
    case 'getters':
      return Object.create(Error.prototype, {
        message: { get: throwing },
        stack: { get: throwing },
        cause: { get: throwing },
        name: { get: throwing },
        status: { get: throwing },
        code: { get: throwing },
      });
    case 'proxy':
      return new Proxy(error, {
        get: throwing,
        has: throwing,
        getPrototypeOf: throwing,
        ownKeys: throwing,
        getOwnPropertyDescriptor: throwing,
      });
    case 'frozen':
      return Object.freeze(error);
    default:
      return error;
  }
}

const nonError = fc.oneof(
  fc.anything({
    withBigInt: true,
    withNullPrototype: true,
    withTypedArray: true,
    withMap: true,
    withSet: true,
    withDate: true,
    withSparseArray: true,
  }),
  fc.constant(Symbol(MARKER)),
  fc.constant(() => MARKER),
  fc.constant(Object.freeze({ message: MARKER })),
  fc.constant(Object.assign(Object.create(null), { message: MARKER, stack: MARKER })),
  fc.constant(new Uint8Array([1, 2, 3])),
);

/** A generated thrown value: hostile errors are built when called, inside the property. */
export const thrownValue = fc.oneof(
  hostileErrorRecipe.map((recipe) => () => buildHostileError(recipe)),
  nonError.map((value) => () => value),
);
