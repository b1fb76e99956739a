import {
  BadRequestException,
  Catch,
  ForbiddenException,
  type CanActivate,
  type INestApplication,
  InternalServerErrorException,
  NotFoundException,
  RequestMethod,
  UnauthorizedException,
  UnprocessableEntityException,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import {
  Args,
  Field,
  InputType,
  Int,
  Mutation,
  ObjectType,
  Parent,
  Query,
  ResolveField,
  Resolver,
} from '@nestjs/graphql';
import { IsEmail, Min } from 'class-validator';
import { Logger, LoggerModule } from 'nestjs-pino';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  createPinoHttpOptions,
  defineErrorCodes,
  ErrorCode,
  ErrorHandlingModule,
  OnError,
  OperatedException,
  OperatedExceptionFilter,
  type ErrorHandlingModuleOptions,
} from '../../src/index.js';
import { GRAPHQL_DRIVERS, postGraphql, type GraphqlDriver, type GraphqlErrorJson } from '../support/graphql.js';
import { LogCapture, type LogLine, WARN } from '../support/log-capture.js';
import { createApp } from '../support/platforms.js';

const AppError = defineErrorCodes({
  ...ErrorCode,
  PRODUCT_SOLD_OUT: { code: 4101, status: 409, message: 'Product is sold out' },
});

const SECRET = 'db password=hunter2';
/** What must never reach a client in production: the secret, and stack frames. */
const LEAKS = ['hunter2', '    at ', 'graphql.spec', 'node_modules'];

class StockError extends Error {}
class PaymentError extends Error {}

/** A resolver-scoped filter, as an app writes one: the module's answer for its own mapping. */
@Catch(PaymentError)
class PaymentFilter extends OperatedExceptionFilter<PaymentError> {
  protected override mapException(exception: PaymentError): OperatedException {
    return new OperatedException(ErrorCode.PAYMENT_REQUIRED, exception.message, { details: { retry: false } });
  }
}

class DenyGuard implements CanActivate {
  canActivate(): boolean {
    throw new UnauthorizedException('No token');
  }
}

@ObjectType()
class Product {
  @Field(() => Int)
  id: number;

  @Field(() => Int, { nullable: true })
  price?: number;

  @Field(() => Int, { nullable: true })
  stockLevel?: number;
}

@InputType()
class OrderInput {
  @Field(() => String)
  @IsEmail()
  email: string;

  @Field(() => Int)
  @Min(1)
  quantity: number;
}

/** Throws on every trap, `get` and `getPrototypeOf` included. */
function hostileProxy(): object {
  const trap = (): never => {
    throw new Error(`trap: ${SECRET}`);
  };
  return new Proxy(
    {},
    {
      get: trap,
      has: trap,
      ownKeys: trap,
      getPrototypeOf: trap,
      getOwnPropertyDescriptor: trap,
      defineProperty: trap,
      set: trap,
      deleteProperty: trap,
      isExtensible: trap,
      preventExtensions: trap,
      setPrototypeOf: trap,
      apply: trap,
      construct: trap,
    },
  );
}

function withThrowingGetters(): Error {
  const error = new Error('placeholder');
  for (const key of ['message', 'name', 'stack', 'cause', 'status', 'response', 'extensions', 'toJSON']) {
    Object.defineProperty(error, key, {
      get(): never {
        throw new Error(`getter ${key}: ${SECRET}`);
      },
    });
  }
  return error;
}

function causeCycle(): Error {
  const first = new Error(`first ${SECRET}`);
  const second = new Error(`second ${SECRET}`, { cause: first });
  first.cause = second;
  return first;
}

/** A resolver with a class filter of its own. */
@Resolver()
@UseFilters(PaymentFilter)
class BillingResolver {
  @Query(() => String, { nullable: true })
  payment(): never {
    throw new PaymentError('Card declined');
  }

  @Query(() => String, { nullable: true })
  billingFailure(): never {
    throw new Error(`billing ${SECRET}`);
  }
}

@Resolver(() => Product)
@OnError(StockError, AppError.PRODUCT_SOLD_OUT)
class ShopResolver {
  @Query(() => String, { nullable: true })
  operated(): never {
    throw new OperatedException(ErrorCode.RESOURCE_NOT_FOUND, 'Product not found', { details: { productId: 99 } });
  }

  @Query(() => String, { nullable: true })
  nestNotFound(): never {
    throw new NotFoundException('No such product');
  }

  @Query(() => String, { nullable: true })
  badRequest(): never {
    throw new BadRequestException('Bad filter');
  }

  @Query(() => String, { nullable: true })
  unauthorized(): never {
    throw new UnauthorizedException('Who are you?');
  }

  @Query(() => String, { nullable: true })
  forbidden(): never {
    throw new ForbiddenException('Not yours');
  }

  @Query(() => String, { nullable: true })
  unprocessable(): never {
    throw new UnprocessableEntityException('Cannot process');
  }

  @Query(() => String, { nullable: true })
  leaky(): never {
    throw Object.assign(new Error(`select failed: ${SECRET}`), {
      query: `SELECT * WHERE p='${SECRET}'`,
      parameters: [SECRET],
      extensions: { code: 'DB_DOWN', secret: SECRET },
    });
  }

  @Query(() => String, { nullable: true })
  internal(): never {
    throw new InternalServerErrorException(SECRET);
  }

  @Query(() => String, { nullable: true })
  thrownString(): never {
    throw SECRET;
  }

  @Query(() => String, { nullable: true })
  thrownNull(): never {
    throw null;
  }

  @Query(() => String, { nullable: true })
  thrownUndefined(): never {
    throw undefined;
  }

  @Query(() => String, { nullable: true })
  async rejected(): Promise<never> {
    await sleep(1);
    throw new Error(`async ${SECRET}`, { cause: new Error(`socket ${SECRET}`) });
  }

  @Query(() => String)
  mandatory(): never {
    throw new Error(`mandatory ${SECRET}`);
  }

  @Query(() => [Product])
  products(): Product[] {
    return [{ id: 1 }, { id: 2 }];
  }

  @ResolveField(() => Int, { nullable: true })
  price(@Parent() product: Product): number {
    throw new Error(`no price for ${product.id}: ${SECRET}`);
  }

  @ResolveField(() => Int, { nullable: true })
  @OnError(StockError, ErrorCode.CONFLICT)
  stockLevel(): number {
    throw new StockError('stock unknown');
  }

  @Query(() => String, { nullable: true })
  stock(): never {
    throw new StockError('sku-1 is gone');
  }

  @Query(() => String, { nullable: true })
  @OnError(StockError, ErrorCode.CONFLICT)
  methodStock(): never {
    throw new StockError('sku-2 is gone');
  }

  @Query(() => String, { nullable: true })
  @UseGuards(DenyGuard)
  guarded(): string {
    return 'never';
  }

  @Query(() => String, { nullable: true })
  proxy(): never {
    throw hostileProxy();
  }

  @Query(() => String, { nullable: true })
  getters(): never {
    throw withThrowingGetters();
  }

  @Query(() => String, { nullable: true })
  cycle(): never {
    throw causeCycle();
  }

  @Query(() => String, { nullable: true })
  huge(): never {
    const nested: Record<string, unknown> = { blob: 'x'.repeat(1_000_000) };
    nested.self = nested;
    throw new OperatedException(ErrorCode.INVALID_INPUT, 'Too much', { details: nested });
  }

  @Query(() => String)
  ok(): string {
    return 'ok';
  }

  @Mutation(() => String, { nullable: true })
  buy(): never {
    throw new OperatedException(AppError.PRODUCT_SOLD_OUT, 'Sold out since noon', { details: { sku: 'sku-1' } });
  }

  @Mutation(() => String, { nullable: true })
  async cancelOrder(): Promise<never> {
    await sleep(1);
    throw new Error(`cancel failed: ${SECRET}`);
  }

  @Mutation(() => String)
  placeOrder(@Args('input', { type: () => OrderInput }) input: OrderInput): string {
    return `${input.quantity} for ${input.email}`;
  }
}

// nestjs-pino builds its pino-http instance once per process: one capture serves every app here.
const capture = new LogCapture();
const pinoHttp = createPinoHttpOptions({ level: 'trace' });
const ALL_ROUTES = [{ path: '{*splat}', method: RequestMethod.ALL }];

async function createGraphqlApp(
  driver: GraphqlDriver,
  options: ErrorHandlingModuleOptions = {},
  driverOptions: Record<string, unknown> = {},
): Promise<INestApplication> {
  const app = await createApp(
    driver.platform,
    {
      imports: [
        LoggerModule.forRoot({ forRoutes: ALL_ROUTES, pinoHttp: [pinoHttp, capture] }),
        ErrorHandlingModule.forRoot({ codes: AppError, validation: true, ...options }),
        driver.module(driverOptions),
      ],
      providers: [ShopResolver, BillingResolver],
    },
    { bufferLogs: true },
  );
  // Nest's own logs go to pino too, so a second error line from Nest would be caught here.
  app.useLogger(app.get(Logger));
  return app;
}

const MASKED = { code: 9000, reason: 'UNEXPECTED_ERROR', status: 500 };

/** The one error of a response whose only field failed. */
function onlyError(response: Awaited<ReturnType<typeof postGraphql>>): GraphqlErrorJson {
  expect(response.errors).toHaveLength(1);
  return response.errors[0];
}

function expectNoLeak(text: string): void {
  for (const leak of LEAKS) expect(text).not.toContain(leak);
}

const recordsOf = (requestId: string): LogLine[] =>
  capture.linesOf(requestId).filter((line) => line.context === 'ErrorHandling');
const atLeastWarn = (lines: LogLine[]): LogLine[] => lines.filter((line) => line.level >= WARN);
const pinoHttpLineOf = (lines: LogLine[]): LogLine | undefined => lines.find((line) => line.res !== undefined);

/** The lines of the request, once pino-http wrote its own (on the response's `finish`). */
async function linesOfRequest(requestId: string): Promise<LogLine[]> {
  await vi.waitFor(() => expect(pinoHttpLineOf(capture.linesOf(requestId))).toBeDefined());
  return capture.linesOf(requestId);
}

describe.each(GRAPHQL_DRIVERS)('GraphQL over $name on $platform', (driver) => {
  describe('in production mode', () => {
    let app: INestApplication;
    const consoleSpies = { error: vi.spyOn(console, 'error'), warn: vi.spyOn(console, 'warn') };

    beforeAll(async () => {
      app = await createGraphqlApp(driver, { mode: 'production' });
    });
    afterAll(async () => {
      await app.close();
      consoleSpies.error.mockRestore();
      consoleSpies.warn.mockRestore();
    });
    beforeEach(() => {
      capture.clear();
      consoleSpies.error.mockClear();
      consoleSpies.warn.mockClear();
    });
    afterEach(() => {
      // Apollo's default logger writes to the console (Nest's and the module's go to pino): nothing did.
      expect(consoleSpies.error).not.toHaveBeenCalled();
      expect(consoleSpies.warn).not.toHaveBeenCalled();
    });

    it('answers an OperatedException with the envelope’s message and exactly its fields as extensions', async () => {
      const response = await postGraphql(app, 'query FindProduct { operated }');
      const error = onlyError(response);
      expect(error.message).toBe('Product not found');
      expect(error.path).toEqual(['operated']);
      expect(error.extensions).toStrictEqual({
        code: 4001,
        reason: 'RESOURCE_NOT_FOUND',
        status: 404,
        requestId: response.requestIdHeader,
        details: { productId: 99 },
      });
      expect(response.requestIdHeader).toMatch(/^[0-9a-f-]{36}$/);
      expect(response.data).toEqual({ operated: null });
    });

    it('reuses a well-formed incoming X-Request-Id and replaces a malformed one', async () => {
      const reused = await postGraphql(app, '{ operated }', { headers: { 'X-Request-Id': 'client-chosen.id-42' } });
      expect(reused.requestIdHeader).toBe('client-chosen.id-42');
      expect(onlyError(reused).extensions?.requestId).toBe('client-chosen.id-42');

      const replaced = await postGraphql(app, '{ operated }', { headers: { 'X-Request-Id': 'no spaces <here>' } });
      expect(replaced.requestIdHeader).toMatch(/^[0-9a-f-]{36}$/);
      expect(onlyError(replaced).extensions?.requestId).toBe(replaced.requestIdHeader);
    });

    it('gives the HTTP status of the GraphQL server itself: 200, with data or without', async () => {
      expect((await postGraphql(app, '{ operated }')).status).toBe(200);
      const nonNull = await postGraphql(app, '{ mandatory }');
      expect(nonNull.status).toBe(200);
      expect(nonNull.data).toBeNull();
      expect(onlyError(nonNull).extensions).toStrictEqual({ ...MASKED, requestId: nonNull.requestIdHeader });
      expect(nonNull.raw.headers['content-type']).toMatch(/^application\/(graphql-response\+)?json/);
    });

    it.each([
      ['nestNotFound', 'No such product', 4001, 'RESOURCE_NOT_FOUND', 404],
      ['badRequest', 'Bad filter', 1100, 'INVALID_INPUT', 400],
      ['unauthorized', 'Who are you?', 4010, 'UNAUTHORIZED', 401],
      ['forbidden', 'Not yours', 2004, 'DENIED_PERMISSION', 403],
      ['unprocessable', 'Cannot process', 4220, 'UNPROCESSABLE_ENTITY', 422],
      ['guarded', 'No token', 4010, 'UNAUTHORIZED', 401],
    ])(
      'answers %s (a Nest HttpException) with the numeric code, reason and status, not the server’s codes',
      async (field, message, code, reason, status) => {
        const response = await postGraphql(app, `{ ${field} }`);
        const error = onlyError(response);
        expect(error.message).toBe(message);
        expect(error.extensions).toStrictEqual({ code, reason, status, requestId: response.requestIdHeader });
        expect(response.data).toEqual({ [field]: null });
      },
    );

    it.each(['leaky', 'internal', 'thrownString', 'thrownNull', 'thrownUndefined', 'rejected'])(
      'masks %s as the catalogue’s 500 and carries nothing of the thrown value',
      async (field) => {
        const response = await postGraphql(app, `{ ${field} }`);
        const error = onlyError(response);
        expect(error.message).toBe('Unexpected error');
        expect(error.extensions).toStrictEqual({ ...MASKED, requestId: response.requestIdHeader });
        // A non-Error throw is an error, never data.
        expect(response.data).toEqual({ [field]: null });
        expectNoLeak(response.text);
      },
    );

    it('answers failing mutations, 4xx with details and 5xx masked', async () => {
      const sold = await postGraphql(app, 'mutation Buy { buy }');
      expect(onlyError(sold).message).toBe('Sold out since noon');
      expect(onlyError(sold).extensions).toStrictEqual({
        code: 4101,
        reason: 'PRODUCT_SOLD_OUT',
        status: 409,
        requestId: sold.requestIdHeader,
        details: { sku: 'sku-1' },
      });
      const cancelled = await postGraphql(app, 'mutation Cancel { cancelOrder }');
      expect(onlyError(cancelled)).toMatchObject({ message: 'Unexpected error', path: ['cancelOrder'] });
      expect(onlyError(cancelled).extensions).toStrictEqual({ ...MASKED, requestId: cancelled.requestIdHeader });
      expect(cancelled.data).toEqual({ cancelOrder: null });
      expectNoLeak(cancelled.text);
    });

    it('leaves the GraphQL server’s own request errors (syntax, validation, variables) to it', async () => {
      const invalid = await postGraphql(app, '{ noSuchField }');
      const coercion = await postGraphql(app, 'mutation($input: OrderInput!) { placeOrder(input: $input) }', {
        variables: { input: { email: 1 } },
      });
      const syntax = await postGraphql(app, '{ operated ');
      // Each server's own statuses: Mercurius answers variable coercion errors with 200.
      expect([invalid.status, coercion.status, syntax.status]).toEqual(
        driver.name === 'Apollo' ? [400, 400, 400] : [400, 200, 400],
      );
      for (const response of [invalid, coercion, syntax]) {
        // Apollo leaves `data` out of a request error; Mercurius sends `data: null`.
        expect(response.data ?? null).toBeNull();
        expect(response.errors.length).toBeGreaterThan(0);
        expect(response.errors[0].extensions?.reason).toBeUndefined();
        expect(recordsOf(response.requestIdHeader!)).toEqual([]);
      }
      if (driver.name === 'Apollo') {
        expect(invalid.errors[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
        expect(coercion.errors[0].extensions?.code).toBe('BAD_USER_INPUT');
        expect(syntax.errors[0].extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
      }
    });

    it('answers each failing field resolver of a list, masked, at its own path', async () => {
      const response = await postGraphql(app, 'query Catalogue { products { id price } }');
      expect(response.data).toEqual({
        products: [
          { id: 1, price: null },
          { id: 2, price: null },
        ],
      });
      expect(response.errors).toHaveLength(2);
      response.errors.forEach((error, index) => {
        expect(error.message).toBe('Unexpected error');
        // Mercurius's response schema types path items as strings.
        expect(error.path?.map(String)).toEqual(['products', String(index), 'price']);
        expect(error.extensions).toStrictEqual({ ...MASKED, requestId: response.requestIdHeader });
      });
      expectNoLeak(response.text);
    });

    it('answers a @ResolveField method without its @OnError, which needs field resolver guards', async () => {
      const response = await postGraphql(app, '{ products { stockLevel } }');
      expect(response.errors).toHaveLength(2);
      for (const error of response.errors)
        expect(error).toMatchObject({ message: 'Unexpected error', extensions: MASKED });
    });

    it('applies @OnError on the resolver class and, more specific, on the method', async () => {
      const onClass = await postGraphql(app, '{ stock }');
      expect(onlyError(onClass)).toMatchObject({
        message: 'sku-1 is gone',
        extensions: { code: 4101, reason: 'PRODUCT_SOLD_OUT', status: 409 },
      });
      const onMethod = await postGraphql(app, '{ methodStock }');
      expect(onlyError(onMethod)).toMatchObject({
        message: 'sku-2 is gone',
        extensions: { code: 4090, reason: 'CONFLICT', status: 409 },
      });
    });

    it('answers with a @UseFilters subclass of OperatedExceptionFilter on the resolver, the module elsewhere', async () => {
      const response = await postGraphql(app, '{ payment }');
      expect(onlyError(response).message).toBe('Card declined');
      expect(onlyError(response).extensions).toStrictEqual({
        code: 4020,
        reason: 'PAYMENT_REQUIRED',
        status: 402,
        requestId: response.requestIdHeader,
        details: { retry: false },
      });
      expect(recordsOf(response.requestIdHeader!)).toHaveLength(1);
      const other = await postGraphql(app, '{ billingFailure }');
      expect(onlyError(other).extensions).toStrictEqual({ ...MASKED, requestId: other.requestIdHeader });
    });

    it('answers an invalid @InputType argument with INVALID_INPUT and field details', async () => {
      const placeOrder = 'mutation Place($input: OrderInput!) { placeOrder(input: $input) }';
      const invalid = await postGraphql(app, placeOrder, { variables: { input: { email: 'nope', quantity: 0 } } });
      const error = onlyError(invalid);
      expect(error.extensions).toMatchObject({ code: 1100, reason: 'INVALID_INPUT', status: 400 });
      expect(error.extensions?.details).toEqual([
        expect.objectContaining({ field: 'email', constraints: { isEmail: expect.any(String) } }),
        expect.objectContaining({ field: 'quantity', constraints: { min: expect.any(String) } }),
      ]);
      expect(Object.keys(error.extensions!).sort()).toEqual(['code', 'details', 'reason', 'requestId', 'status']);
      expect(invalid.data).toBeNull();

      const valid = await postGraphql(app, placeOrder, { variables: { input: { email: 'a@b.io', quantity: 2 } } });
      expect(valid.errors).toEqual([]);
      expect(valid.data).toEqual({ placeOrder: '2 for a@b.io' });
    });

    it.each([
      ['proxy', 'a Proxy that throws on every trap'],
      ['getters', 'an error whose every getter throws'],
      ['cycle', 'a cause cycle'],
    ])('answers %s (%s) with a valid masked GraphQL error, quickly', async (field) => {
      const started = performance.now();
      const response = await postGraphql(app, `{ ${field} }`);
      expect(performance.now() - started).toBeLessThan(2_000);
      expect(onlyError(response).message).toBe('Unexpected error');
      expect(onlyError(response).extensions).toStrictEqual({ ...MASKED, requestId: response.requestIdHeader });
      expectNoLeak(response.text);
      expect((await postGraphql(app, '{ ok }')).data).toEqual({ ok: 'ok' });
    });

    it('answers huge (and cyclic) details with a bounded error, and keeps serving', async () => {
      const started = performance.now();
      const response = await postGraphql(app, '{ huge }');
      expect(performance.now() - started).toBeLessThan(2_000);
      expect(onlyError(response).extensions).toStrictEqual({
        code: 1100,
        reason: 'INVALID_INPUT',
        status: 400,
        requestId: response.requestIdHeader,
        details: { omitted: true, length: expect.any(Number) },
      });
      expect(response.text.length).toBeLessThan(2_000);
      expect((await postGraphql(app, '{ ok }')).data).toEqual({ ok: 'ok' });
    });

    describe('logging', () => {
      it.each([
        ['query FindProduct { operated }', 'FindProduct', 'operated', 404, 'OperatedException'],
        ['mutation Buy { buy }', 'Buy', 'buy', 409, 'OperatedException'],
        ['query Broken { internal }', 'Broken', 'internal', 500, 'InternalServerErrorException'],
        ['mutation Cancel { cancelOrder }', 'Cancel', 'cancelOrder', 500, 'Error'],
        ['{ thrownNull }', undefined, 'thrownNull', 500, 'null'],
      ])('writes exactly one record >= warn for %s', async (query, operation, path, status, type) => {
        const response = await postGraphql(app, query);
        const requestId = response.requestIdHeader!;
        const lines = await linesOfRequest(requestId);
        const [record, ...others] = atLeastWarn(lines);
        expect(others).toEqual([]);
        expect(record).toMatchObject({
          level: status >= 500 ? 50 : 40,
          context: 'ErrorHandling',
          transport: 'graphql',
          path,
          status,
          code: onlyError(response).extensions?.code,
          requestId,
          req: { id: requestId, method: 'POST', url: '/graphql' },
        });
        if (operation === undefined) expect(record).not.toHaveProperty('operation');
        else expect(record.operation).toBe(operation);
        expect(record.err.type).toBe(type);
        // The stack of 5xx errors that have one; none for 4xx.
        if (status >= 500 && type !== 'null') expect(record.err.stack).toContain('    at ');
        else expect(record.err).not.toHaveProperty('stack');
        // pino-http's own line of the request stays at info, with the same id and without an err.
        expect(pinoHttpLineOf(lines)).toMatchObject({ level: 30, req: { id: requestId }, res: { statusCode: 200 } });
        expect(pinoHttpLineOf(lines)).not.toHaveProperty('err');
      });

      it('gives 5xx records the stack and the cause chain, with the real message', async () => {
        const response = await postGraphql(app, 'query Late { rejected }');
        const [record] = atLeastWarn(await linesOfRequest(response.requestIdHeader!));
        expect(record.message).toBe(`async ${SECRET}`);
        expect(record.err).toMatchObject({
          type: 'Error',
          message: `async ${SECRET}`,
          stack: expect.stringContaining('ShopResolver.rejected'),
        });
        expect(record.err.cause).toEqual([{ type: 'Error', message: `socket ${SECRET}`, stack: expect.any(String) }]);
        expect(record.msg).toBe(`POST /graphql -> 500 UNEXPECTED_ERROR: async ${SECRET}`);
        expect(JSON.stringify(record)).not.toContain('parameters');
      });

      it('writes one record per failing field of a list, each with its path', async () => {
        const response = await postGraphql(app, 'query Catalogue { products { id price } }');
        const lines = await linesOfRequest(response.requestIdHeader!);
        const records = atLeastWarn(lines);
        expect(records.map((record) => record.path).sort()).toEqual(['products.0.price', 'products.1.price']);
        for (const record of records) {
          expect(record).toMatchObject({ level: 50, transport: 'graphql', operation: 'Catalogue', status: 500 });
        }
      });

      it('writes one record for a validation failure, at warn, with the field details', async () => {
        const response = await postGraphql(app, 'mutation Place($input: OrderInput!) { placeOrder(input: $input) }', {
          variables: { input: { email: 'nope', quantity: 1 } },
        });
        const [record, ...others] = atLeastWarn(await linesOfRequest(response.requestIdHeader!));
        expect(others).toEqual([]);
        expect(record).toMatchObject({
          level: 40,
          transport: 'graphql',
          operation: 'Place',
          path: 'placeOrder',
          reason: 'INVALID_INPUT',
          details: [expect.objectContaining({ field: 'email' })],
        });
      });
    });
  });

  describe('whatever the server’s own stack setting', () => {
    let app: INestApplication;

    beforeAll(async () => {
      // Apollo's option; Mercurius has none and never sends stacks.
      app = await createGraphqlApp(
        driver,
        { mode: 'production' },
        driver.name === 'Apollo' ? { includeStacktraceInErrorResponses: true } : {},
      );
    });
    afterAll(() => app.close());

    it.each(['internal', 'leaky', 'thrownString', 'rejected', 'operated', 'proxy'])(
      'sends no stack frames for %s in production',
      async (field) => {
        const response = await postGraphql(app, `{ ${field} }`);
        const { stacktrace, ...extensions } = onlyError(response).extensions ?? {};
        expect(Object.keys(extensions).sort()).toEqual(
          field === 'operated'
            ? ['code', 'details', 'reason', 'requestId', 'status']
            : ['code', 'reason', 'requestId', 'status'],
        );
        if (driver.name === 'Apollo') {
          // Apollo adds its own `stacktrace`: only the envelope's message line, no frames.
          expect(stacktrace).toEqual([`EnvelopeError: ${onlyError(response).message}`]);
        } else {
          expect(stacktrace).toBeUndefined();
        }
        expectNoLeak(response.text);
      },
    );

    it('sends no stack frames for a failing field resolver either', async () => {
      const response = await postGraphql(app, '{ products { price } }');
      expect(response.errors).toHaveLength(2);
      expectNoLeak(response.text);
    });
  });

  // Apollo's default; Mercurius never sends stacks (above).
  if (driver.name === 'Apollo')
    describe('with NODE_ENV unset, where Apollo sends stack traces by default', () => {
      let app: INestApplication;

      beforeAll(async () => {
        const nodeEnv = process.env.NODE_ENV;
        delete process.env.NODE_ENV;
        try {
          app = await createGraphqlApp(driver, { mode: 'production' });
        } finally {
          process.env.NODE_ENV = nodeEnv;
        }
      });
      afterAll(() => app.close());

      it('sends Apollo’s stacktrace with the message line only', async () => {
        const response = await postGraphql(app, '{ leaky products { price } }');
        expect(response.errors).toHaveLength(3);
        for (const error of response.errors) {
          expect(error.extensions?.stacktrace).toEqual(['EnvelopeError: Unexpected error']);
        }
        expectNoLeak(response.text);
      });
    });

  describe("with field resolver guards on (`fieldResolverEnhancers: ['guards']`)", () => {
    let app: INestApplication;

    beforeAll(async () => {
      app = await createGraphqlApp(driver, { mode: 'production' }, { fieldResolverEnhancers: ['guards'] });
    });
    afterAll(() => app.close());

    it('applies @OnError on a @ResolveField method too, and still answers every field', async () => {
      const response = await postGraphql(app, '{ products { stockLevel price } }');
      expect(response.errors).toHaveLength(4);
      const byField = (field: string) => response.errors.filter((error) => error.path?.at(-1) === field);
      for (const error of byField('stockLevel')) {
        expect(error).toMatchObject({ message: 'stock unknown', extensions: { code: 4090, reason: 'CONFLICT' } });
      }
      for (const error of byField('price')) expect(error.extensions).toMatchObject(MASKED);
    });
  });

  describe('in development mode', () => {
    let app: INestApplication;

    beforeAll(async () => {
      app = await createGraphqlApp(driver, { mode: 'development' });
    });
    afterAll(() => app.close());

    it('shows the thrown message, and the stack and cause chain as extensions', async () => {
      const response = await postGraphql(app, '{ rejected }');
      const error = onlyError(response);
      expect(error.message).toBe(`async ${SECRET}`);
      expect(error.extensions).toStrictEqual({
        ...MASKED,
        requestId: response.requestIdHeader,
        stack: expect.stringContaining('ShopResolver.rejected'),
        cause: [{ name: 'Error', message: `socket ${SECRET}` }],
      });
    });

    it('keeps 4xx answers as in production, plus the stack', async () => {
      const response = await postGraphql(app, '{ operated }');
      expect(onlyError(response).extensions).toStrictEqual({
        code: 4001,
        reason: 'RESOURCE_NOT_FOUND',
        status: 404,
        requestId: response.requestIdHeader,
        details: { productId: 99 },
        stack: expect.stringContaining('OperatedException'),
      });
    });
  });
});
