import {
  CanActivate,
  Controller,
  ExecutionContext,
  Get,
  Injectable,
  INestApplication,
  Param,
  PipeTransform,
  UseGuards,
} from '@nestjs/common';
import fc from 'fast-check';
import request from 'supertest';
import { ErrorHandlingModule } from '../../src/index.js';
import { createApp, PLATFORMS } from '../support/platforms.js';

/** Every generated value carries this marker in its message, stack or cause, so a leak is visible. */
const MARKER = 'LEAKED-SECRET-7f3a';
const SEED = 20261123;
const RUNS_PER_SITE = 300;
const TIME_BOUND_MS = 2_000;

/** The value each request throws, by case id (a header), so a generated value can cross HTTP. */
const cases = new Map<string, unknown>();
const thrownFor = (id: string | undefined): unknown => cases.get(id ?? '');

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

const thrownValue = fc.oneof(
  hostileErrorRecipe.map((recipe) => () => buildHostileError(recipe)),
  nonError.map((value) => () => value),
);

@Injectable()
class ThrowingGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (context.switchToHttp().getRequest().url.includes('/guard'))
      throw thrownFor(context.switchToHttp().getRequest().headers['x-case']);
    return true;
  }
}

@Injectable()
class ThrowingPipe implements PipeTransform {
  transform(value: string): never {
    throw thrownFor(value);
  }
}

@Controller('fuzz')
@UseGuards(ThrowingGuard)
class FuzzController {
  @Get('handler/:id')
  handler(@Param('id') id: string) {
    throw thrownFor(id);
  }

  @Get('guard/:id')
  guard() {}

  @Get('pipe/:id')
  pipe(@Param('id', ThrowingPipe) _id: string) {}

  @Get('alive')
  alive() {
    return 'alive';
  }
}

describe.each(PLATFORMS)('fuzzing thrown values on %s', (platform) => {
  let app: INestApplication;
  beforeAll(async () => {
    app = await createApp(platform, {
      imports: [ErrorHandlingModule.forRoot({ mode: 'production' })],
      controllers: [FuzzController],
    });
  });
  afterAll(() => app.close());

  it.each(['handler', 'guard', 'pipe'])(
    `answers ${RUNS_PER_SITE} generated values thrown from a %s with a safe envelope (seed ${SEED})`,
    async (site) => {
      const server = app.getHttpServer();
      let counter = 0;
      await fc.assert(
        fc.asyncProperty(thrownValue, async (build) => {
          const id = `c${(counter += 1)}`;
          cases.set(id, build());
          try {
            const started = Date.now();
            const response = await request(server).get(`/fuzz/${site}/${id}`).set('X-Case', id).timeout(TIME_BOUND_MS);
            expect(Date.now() - started).toBeLessThan(TIME_BOUND_MS);
            expect(response.status).toBeGreaterThanOrEqual(400);
            expect(response.status).toBeLessThanOrEqual(599);
            expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
            const body = JSON.parse(response.text);
            expect(body).toEqual({
              code: expect.any(Number),
              reason: expect.any(String),
              message: expect.any(String),
              requestId: response.headers['x-request-id'],
            });
            expect(response.text).not.toContain(MARKER);
            expect(response.text).not.toContain('/srv/app');
          } finally {
            cases.delete(id);
          }
        }),
        { seed: SEED, numRuns: RUNS_PER_SITE },
      );
      console.log(`fuzz ${platform} ${site}: ${counter} generated values, seed ${SEED}`);
      expect(counter).toBeGreaterThanOrEqual(RUNS_PER_SITE);
      expect((await request(server).get('/fuzz/alive')).text).toBe('alive');
    },
  );
});
