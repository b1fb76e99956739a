import {
  ArgumentsHost,
  CanActivate,
  Catch,
  Controller,
  Get,
  HttpException,
  Injectable,
  INestApplication,
  NestInterceptor,
  NotFoundException,
  Param,
  PipeTransform,
  UseFilters,
  UseGuards,
  UseInterceptors,
  UsePipes,
} from '@nestjs/common';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { from, throwError } from 'rxjs';
import request from 'supertest';
import {
  defineErrorCodes,
  ErrorCode,
  ErrorHandlingModule,
  OnError,
  OperatedException,
  OperatedExceptionFilter,
  Timeout,
  type ErrorHandlerContext,
} from '../../src/index.js';
import { createApp, PLATFORMS } from '../support/platforms.js';

const AppError = defineErrorCodes({
  ...ErrorCode,
  PRODUCT_SOLD_OUT: { code: 4101, status: 409, message: 'Product is sold out' },
  LEGACY_NOT_FOUND: { code: 4002, status: 404, message: 'Legacy resource not found' },
  BASE_FAILED: { code: 4201, status: 422, message: 'Base failed' },
  SUB_FAILED: { code: 4202, status: 422, message: 'Sub failed' },
  MODULE_MAPPED: { code: 4301, status: 418, message: 'Mapped by the module' },
  GONE_BY_STATUS: { code: 4302, status: 410, message: 'Mapped by status' },
  SLOW: { code: 4303, status: 503, message: 'Too slow' },
});

class ProductNotFoundError extends Error {}
class StockError extends Error {}
class BaseError extends Error {}
class SubError extends BaseError {}
class SubSubError extends SubError {}
class ModuleMappedError extends Error {}
class UnmappedError extends Error {}

const THROWERS = { base: BaseError, sub: SubError, subsub: SubSubError } as const;
type ThrowerKind = keyof typeof THROWERS;

@Injectable()
class ProductNotFoundGuard implements CanActivate {
  canActivate(): boolean {
    throw new ProductNotFoundError('guard: product missing');
  }
}

@Injectable()
class ProductNotFoundInterceptor implements NestInterceptor {
  intercept(): never {
    throw new ProductNotFoundError('interceptor: product missing');
  }
}

@Injectable()
class ProductNotFoundPipe implements PipeTransform {
  transform(): never {
    throw new ProductNotFoundError('pipe: product missing');
  }
}

let seenContext: ErrorHandlerContext | undefined;

@Controller('products')
@OnError(ProductNotFoundError, ErrorCode.RESOURCE_NOT_FOUND)
@OnError(StockError, (error: StockError, context) => {
  seenContext = context;
  return new OperatedException(AppError.PRODUCT_SOLD_OUT, error.message);
})
class ProductsController {
  @Get('missing')
  missing() {
    throw new ProductNotFoundError('Product 99 not found');
  }

  @Get('legacy')
  @OnError(ProductNotFoundError, AppError.LEGACY_NOT_FOUND)
  legacy() {
    throw new ProductNotFoundError('');
  }

  @Get('stock')
  stock() {
    throw new StockError('Only 0 left');
  }

  @Get('site/guard')
  @UseGuards(ProductNotFoundGuard)
  guard() {}

  @Get('site/interceptor')
  @UseInterceptors(ProductNotFoundInterceptor)
  interceptor() {}

  @Get('site/pipe')
  @UsePipes(ProductNotFoundPipe)
  pipe(@Param() _params: unknown) {}

  @Get('site/async')
  async asyncHandler() {
    await sleep(1);
    throw new ProductNotFoundError('async: product missing');
  }

  @Get('site/observable')
  observable() {
    return throwError(() => new ProductNotFoundError('observable: product missing'));
  }

  @Get('module-mapped')
  moduleMapped() {
    throw new ModuleMappedError('module');
  }
}

/** Declares Base before Sub. */
@Controller('specific-a')
@OnError(BaseError, AppError.BASE_FAILED)
@OnError(SubError, AppError.SUB_FAILED)
class BaseFirstController {
  @Get(':kind')
  fail(@Param('kind') kind: ThrowerKind) {
    throw new THROWERS[kind]('x');
  }
}

/** Declares Sub before Base. */
@Controller('specific-b')
@OnError(SubError, AppError.SUB_FAILED)
@OnError(BaseError, AppError.BASE_FAILED)
class SubFirstController {
  @Get(':kind')
  fail(@Param('kind') kind: ThrowerKind) {
    throw new THROWERS[kind]('x');
  }
}

/** No handlers: what another controller maps must not leak here. */
@Controller('orders')
class OrdersController {
  @Get('missing')
  missing() {
    throw new ProductNotFoundError('order product missing');
  }

  @Get('module-mapped')
  moduleMapped() {
    throw new ModuleMappedError('module');
  }

  @Get('gone')
  gone() {
    throw new HttpException('plain gone', 410);
  }

  @Get('operated-gone')
  operatedGone() {
    throw new OperatedException(ErrorCode.GONE, 'explicit');
  }
}

@Controller('faulty')
class FaultyTargetsController {
  @Get('throws')
  @OnError(UnmappedError, () => {
    throw new Error('the handler broke');
  })
  throws() {
    throw new UnmappedError('original');
  }

  @Get('undefined')
  @OnError(UnmappedError, (() => undefined) as never)
  returnsUndefined() {
    throw new UnmappedError('original');
  }

  @Get('rejects')
  @OnError(UnmappedError, () => Promise.reject(new Error('async handler broke')))
  rejects() {
    throw new UnmappedError('original');
  }

  @Get('async-ok')
  @OnError(UnmappedError, async (error: UnmappedError) => {
    await sleep(1);
    return new NotFoundException(`async mapped: ${error.message}`);
  })
  asyncOk() {
    throw new UnmappedError('original');
  }
}

@Controller('slow')
@Timeout(50)
class SlowController {
  @Get('controller-level')
  async controllerLevel() {
    await sleep(500);
    return 'late';
  }

  @Get('method-level')
  @Timeout(30, AppError.SLOW)
  async methodLevel() {
    await sleep(500);
    return 'late';
  }

  @Get('fast')
  async fast() {
    return 'in time';
  }

  @Get('observable')
  observable() {
    return from(sleep(500).then(() => 'late'));
  }
}

let closedPort = 0;

@Controller('downstream')
class DownstreamController {
  @Get()
  async call() {
    await fetch(`http://127.0.0.1:${closedPort}/`);
  }
}

@Injectable()
class StockMessages {
  describe(error: StockError): string {
    return `Injected: ${error.message}`;
  }
}

@Catch(StockError)
class StockFilter extends OperatedExceptionFilter<StockError> {
  constructor(private readonly messages: StockMessages) {
    super();
  }

  catch(exception: StockError, host: ArgumentsHost) {
    return super.catch(
      new OperatedException(AppError.PRODUCT_SOLD_OUT, this.messages.describe(exception)) as never,
      host,
    );
  }
}

/** The same mapping through the protected hook, asynchronously, instead of overriding catch(). */
@Catch(StockError)
class StockHookFilter extends OperatedExceptionFilter<StockError> {
  constructor(private readonly messages: StockMessages) {
    super();
  }

  protected override async mapException(exception: StockError): Promise<OperatedException> {
    await Promise.resolve();
    return new OperatedException(AppError.PRODUCT_SOLD_OUT, `Hooked: ${this.messages.describe(exception)}`);
  }
}

@Controller('filtered')
@UseFilters(StockFilter)
class FilteredController {
  @Get('hooked')
  @UseFilters(StockHookFilter)
  hooked() {
    throw new StockError('from the mapping hook');
  }

  @Get('stock')
  stock() {
    throw new StockError('from a Nest filter');
  }

  @Get('other')
  other() {
    throw new ProductNotFoundError('not caught by the filter');
  }
}

beforeAll(async () => {
  // A port that was just free and is closed again: connecting to it is refused.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedPort = (probe.address() as { port: number }).port;
  await new Promise((resolve) => probe.close(resolve));
});

describe.each(PLATFORMS)('router-level handlers on %s', (platform) => {
  let app: INestApplication;
  let server: ReturnType<INestApplication['getHttpServer']>;
  const get = (path: string) => request(server).get(path);

  beforeAll(async () => {
    app = await createApp(platform, {
      imports: [
        ErrorHandlingModule.forRoot({
          mode: 'production',
          codes: AppError,
          handlers: [
            [ModuleMappedError, AppError.MODULE_MAPPED],
            [410, AppError.GONE_BY_STATUS],
            [404, (error: unknown) => new NotFoundException(`module 404: ${(error as Error).message}`)],
          ],
        }),
      ],
      controllers: [
        ProductsController,
        BaseFirstController,
        SubFirstController,
        OrdersController,
        FaultyTargetsController,
        SlowController,
        DownstreamController,
        FilteredController,
      ],
      providers: [StockMessages],
    });
    server = app.getHttpServer();
  });
  afterAll(() => app.close());

  it('maps a class to a catalogue entry for every route of the controller, keeping the 4xx message', async () => {
    const response = await get('/products/missing');
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ code: 4001, reason: 'RESOURCE_NOT_FOUND', message: 'Product 99 not found' });
  });

  it('lets a method mapping beat the controller mapping, with the catalogue message when the error has none', async () => {
    const response = await get('/products/legacy');
    expect(response.body).toMatchObject({
      code: 4002,
      reason: 'LEGACY_NOT_FOUND',
      message: 'Legacy resource not found',
    });
  });

  it('calls a function target with the error and its context', async () => {
    const response = await get('/products/stock');
    expect(response.status).toBe(409);
    expect(response.body).toMatchObject({ code: 4101, reason: 'PRODUCT_SOLD_OUT', message: 'Only 0 left' });
    expect(seenContext?.controller).toBe(ProductsController);
    expect(seenContext?.handler).toBe('stock');
    expect(seenContext?.request).toBeDefined();
    expect(seenContext?.host.getType()).toBe('http');
  });

  it.each(['guard', 'interceptor', 'pipe', 'async', 'observable'])(
    'applies controller mappings to errors from a %s',
    async (site) => {
      const response = await get(`/products/site/${site}`);
      expect(response.status).toBe(404);
      expect(response.body).toMatchObject({ code: 4001, message: `${site}: product missing` });
    },
  );

  it('never lets one controller mapping affect another controller', async () => {
    const response = await get('/orders/missing');
    expect(response.status).toBe(500);
    expect(response.body).toMatchObject({ code: 9000, reason: 'UNEXPECTED_ERROR', message: 'Unexpected error' });
  });

  it.each([
    ['specific-a', 'base', 4201],
    ['specific-a', 'sub', 4202],
    ['specific-a', 'subsub', 4202],
    ['specific-b', 'base', 4201],
    ['specific-b', 'sub', 4202],
    ['specific-b', 'subsub', 4202],
  ])('picks the nearest class whatever the declaration order (/%s/%s → %i)', async (controller, kind, code) => {
    expect((await get(`/${controller}/${kind}`)).body.code).toBe(code);
  });

  it('applies module handlers by class when no controller maps the error', async () => {
    expect((await get('/orders/module-mapped')).body).toMatchObject({
      code: 4301,
      reason: 'MODULE_MAPPED',
      message: 'module',
    });
    expect((await get('/products/module-mapped')).body.code).toBe(4301);
  });

  it('applies module handlers by status to plain HttpExceptions but not to OperatedExceptions', async () => {
    expect((await get('/orders/gone')).body).toMatchObject({
      code: 4302,
      reason: 'GONE_BY_STATUS',
      message: 'plain gone',
    });
    expect((await get('/orders/operated-gone')).body).toMatchObject({
      code: 4100,
      reason: 'GONE',
      message: 'explicit',
    });
  });

  it('applies a module 404 handler to unknown routes', async () => {
    const response = await get('/no/such/route');
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({
      code: 4001,
      message: expect.stringMatching(/^module 404: Cannot GET \/no\/such\/route/),
    });
  });

  it.each(['throws', 'undefined', 'rejects'])('answers 500 when a target %s, and keeps serving', async (kind) => {
    const response = await get(`/faulty/${kind}`);
    expect(response.status).toBe(500);
    expect(response.body).toMatchObject({ code: 9000, reason: 'UNEXPECTED_ERROR', message: 'Unexpected error' });
    expect((await get('/slow/fast')).status).toBe(200);
  });

  it('awaits an async target', async () => {
    const response = await get('/faulty/async-ok');
    expect(response.status).toBe(404);
    expect(response.body.message).toBe('async mapped: original');
  });

  it('cuts off a slow handler with MODEL_TIMEOUT from a controller-level @Timeout', async () => {
    const started = Date.now();
    const response = await get('/slow/controller-level');
    expect(response.status).toBe(504);
    expect(response.body).toMatchObject({ code: 9101, reason: 'MODEL_TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(450);
  });

  it('lets a method-level @Timeout choose its own code and time', async () => {
    const response = await get('/slow/method-level');
    expect(response.status).toBe(503);
    expect(response.body).toMatchObject({ code: 4303, reason: 'SLOW' });
  });

  it('cuts off a slow Observable and leaves fast handlers alone', async () => {
    expect((await get('/slow/observable')).status).toBe(504);
    expect((await get('/slow/fast')).text).toBe('in time');
  });

  it('answers a refused connection from fetch with 503 CONNECTION_ERROR', async () => {
    const response = await get('/downstream');
    expect(response.status).toBe(503);
    expect(response.body).toMatchObject({
      code: 9001,
      reason: 'CONNECTION_ERROR',
      message: ErrorCode.CONNECTION_ERROR.message,
    });
  });

  it('renders a Nest @UseFilters subclass of OperatedExceptionFilter with the envelope and its injected provider', async () => {
    const response = await get('/filtered/stock').set('X-Request-Id', 'filter-1');
    expect(response.status).toBe(409);
    expect(response.headers['x-request-id']).toBe('filter-1');
    expect(response.body).toEqual({
      code: 4101,
      reason: 'PRODUCT_SOLD_OUT',
      message: 'Injected: from a Nest filter',
      requestId: 'filter-1',
    });
    expect((await get('/filtered/other')).status).toBe(500);
  });

  it('renders what a subclass returns from its mapException hook, with its injected provider', async () => {
    const response = await get('/filtered/hooked').set('X-Request-Id', 'filter-2');
    expect(response.status).toBe(409);
    expect(response.body).toEqual({
      code: 4101,
      reason: 'PRODUCT_SOLD_OUT',
      message: 'Hooked: Injected: from the mapping hook',
      requestId: 'filter-2',
    });
  });
});
