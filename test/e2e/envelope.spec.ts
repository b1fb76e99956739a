import {
  BadGatewayException,
  BadRequestException,
  CallHandler,
  CanActivate,
  ConflictException,
  Controller,
  ForbiddenException,
  GatewayTimeoutException,
  Get,
  GoneException,
  HttpException,
  HttpVersionNotSupportedException,
  ImATeapotException,
  Injectable,
  INestApplication,
  InternalServerErrorException,
  MethodNotAllowedException,
  MiddlewareConsumer,
  MisdirectedException,
  Module,
  NestInterceptor,
  NestMiddleware,
  NestModule,
  NotAcceptableException,
  NotFoundException,
  NotImplementedException,
  Param,
  PayloadTooLargeException,
  PipeTransform,
  Post,
  PreconditionFailedException,
  RequestTimeoutException,
  ServiceUnavailableException,
  UnauthorizedException,
  UnprocessableEntityException,
  UnsupportedMediaTypeException,
  UseGuards,
  UseInterceptors,
  UsePipes,
  Body,
  Res,
} from '@nestjs/common';
import { throwError, Observable } from 'rxjs';
import request from 'supertest';
import { ErrorCode, ErrorHandlingModule, OperatedException, type ErrorCodeEntry } from '../../src/index.js';
import { createApp, PLATFORMS } from '../support/platforms.js';

const denied = () => new OperatedException(ErrorCode.DENIED_PERMISSION, 'Stage says no');

/** Every built-in HttpException, the status it carries and the reason the defaults give it. */
const BUILT_IN_EXCEPTIONS: Array<[new (message?: string) => HttpException, number, string]> = [
  [BadRequestException, 400, 'INVALID_INPUT'],
  [UnauthorizedException, 401, 'UNAUTHORIZED'],
  [ForbiddenException, 403, 'DENIED_PERMISSION'],
  [NotFoundException, 404, 'RESOURCE_NOT_FOUND'],
  [MethodNotAllowedException, 405, 'METHOD_NOT_ALLOWED'],
  [NotAcceptableException, 406, 'NOT_ACCEPTABLE'],
  [RequestTimeoutException, 408, 'REQUEST_TIMEOUT'],
  [ConflictException, 409, 'CONFLICT'],
  [GoneException, 410, 'GONE'],
  [PreconditionFailedException, 412, 'PRECONDITION_FAILED'],
  [PayloadTooLargeException, 413, 'PAYLOAD_TOO_LARGE'],
  [UnsupportedMediaTypeException, 415, 'UNSUPPORTED_MEDIA_TYPE'],
  [ImATeapotException, 418, 'I_AM_A_TEAPOT'],
  [MisdirectedException, 421, 'MISDIRECTED_REQUEST'],
  [UnprocessableEntityException, 422, 'UNPROCESSABLE_ENTITY'],
  [InternalServerErrorException, 500, 'UNEXPECTED_ERROR'],
  [NotImplementedException, 501, 'NOT_IMPLEMENTED'],
  [BadGatewayException, 502, 'BAD_GATEWAY'],
  [ServiceUnavailableException, 503, 'SERVICE_UNAVAILABLE'],
  [GatewayTimeoutException, 504, 'GATEWAY_TIMEOUT'],
  [HttpVersionNotSupportedException, 505, 'HTTP_VERSION_NOT_SUPPORTED'],
];

const circular: Record<string, unknown> = { name: 'loop' };
circular.self = circular;

/** Thrown values that are not proper errors; each must become a 500 UNEXPECTED_ERROR envelope. */
const THROWABLES: Record<string, () => unknown> = {
  string: () => 'a string with password=hunter2',
  null: () => null,
  undefined: () => undefined,
  number: () => 42,
  bigint: () => 10n,
  symbol: () => Symbol('thrown'),
  function: () => () => 'fn',
  plainObject: () => ({ message: 'plain object password=hunter2' }),
  nullPrototype: () => Object.assign(Object.create(null), { message: 'no prototype' }),
  circular: () => circular,
  throwingGetters: () =>
    Object.defineProperties(
      {},
      {
        message: {
          get: () => {
            throw new Error('getter');
          },
        },
        toString: {
          value: () => {
            throw new Error('toString');
          },
        },
        stack: {
          get: () => {
            throw new Error('stack');
          },
        },
      },
    ),
  hostileProxy: () =>
    new Proxy(
      {},
      {
        get: () => {
          throw new Error('trap');
        },
        getPrototypeOf: () => {
          throw new Error('trap');
        },
        has: () => {
          throw new Error('trap');
        },
      },
    ),
  errorWithStatus: () => Object.assign(new Error('has a status'), { status: 404, statusCode: 404 }),
  frozenError: () => Object.freeze(new TypeError('frozen')),
};

@Injectable()
class DenyingGuard implements CanActivate {
  canActivate(): boolean {
    throw denied();
  }
}

@Injectable()
class FalseGuard implements CanActivate {
  canActivate(): boolean {
    return false;
  }
}

@Injectable()
class DenyingPipe implements PipeTransform {
  transform(): never {
    throw denied();
  }
}

@Injectable()
class DenyingInterceptor implements NestInterceptor {
  intercept(_context: unknown, _next: CallHandler): Observable<never> {
    throw denied();
  }
}

@Injectable()
class DenyingMiddleware implements NestMiddleware {
  use(): never {
    throw denied();
  }
}

function denyingFunctionalMiddleware(_req: unknown, _res: unknown, next: (error?: unknown) => void): void {
  next(denied());
}

@Controller()
class EnvelopeController {
  @Get('ok')
  ok() {
    return { ok: true };
  }

  @Get('codes/:reason')
  code(@Param('reason') reason: keyof typeof ErrorCode) {
    throw new OperatedException(ErrorCode[reason]);
  }

  @Get('built-in/:index')
  builtIn(@Param('index') index: string) {
    const [Exception] = BUILT_IN_EXCEPTIONS[Number(index)];
    throw new Exception(`custom ${Exception.name} message`);
  }

  @Get('forbidden')
  forbidden() {
    throw new ForbiddenException();
  }

  @Get('throwables/:kind')
  throwable(@Param('kind') kind: string) {
    throw THROWABLES[kind]();
  }

  @Get('site/guard')
  @UseGuards(DenyingGuard)
  guard() {
    return 'unreachable';
  }

  @Get('site/false-guard')
  @UseGuards(FalseGuard)
  falseGuard() {
    return 'unreachable';
  }

  @Get('site/pipe')
  @UsePipes(DenyingPipe)
  pipe(@Param() _params: unknown) {
    return 'unreachable';
  }

  @Get('site/interceptor')
  @UseInterceptors(DenyingInterceptor)
  interceptor() {
    return 'unreachable';
  }

  @Get('site/sync')
  sync() {
    throw denied();
  }

  @Get('site/async')
  async async() {
    await Promise.resolve();
    throw denied();
  }

  @Get('site/observable')
  observable() {
    return throwError(() => denied());
  }

  @Get(['site/class-middleware', 'site/functional-middleware'])
  middleware() {
    return 'unreachable';
  }

  @Post('echo')
  echo(@Body() body: unknown) {
    return body;
  }

  @Get('secret')
  secret() {
    throw new Error('db password=hunter2 at /srv/app/db.ts', { cause: new RangeError('pool exhausted') });
  }

  @Get('operated-5xx')
  operated5xx() {
    throw new OperatedException(ErrorCode.CONNECTION_ERROR, 'redis at 10.0.0.5 refused password=hunter2');
  }

  @Get('extras')
  extras() {
    const details: Record<string, unknown> = { productId: 99, big: 12n };
    details.self = details;
    throw new OperatedException(ErrorCode.RESOURCE_NOT_FOUND, 'Product not found', {
      details,
      headers: { 'Retry-After': '30', 'X-Split': 'a\r\nSet-Cookie: evil=1' },
    });
  }

  @Get('headers-sent')
  headersSent(@Res() response: { raw?: unknown }) {
    const raw = (response.raw ?? response) as import('node:http').ServerResponse;
    raw.writeHead(200, { 'Content-Type': 'text/plain' });
    raw.write('partial');
    throw new Error('failed after the headers were sent');
  }
}

@Module({ controllers: [EnvelopeController], providers: [DenyingMiddleware] })
class EnvelopeFeatureModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(DenyingMiddleware).forRoutes('site/class-middleware');
    consumer.apply(denyingFunctionalMiddleware).forRoutes('site/functional-middleware');
  }
}

const REQUEST_ID = /^[0-9a-f-]{36}$/;

describe.each(PLATFORMS)('the envelope on %s', (platform) => {
  let app: INestApplication;
  let server: ReturnType<INestApplication['getHttpServer']>;

  beforeAll(async () => {
    app = await createApp(platform, {
      imports: [ErrorHandlingModule.forRoot({ mode: 'production' }), EnvelopeFeatureModule],
    });
    server = app.getHttpServer();
  });
  afterAll(() => app.close());

  it.each(Object.values(ErrorCode).map((entry) => [entry.reason, entry] as [string, ErrorCodeEntry]))(
    'answers OperatedException(%s) with its code, status and message',
    async (reason, entry) => {
      const response = await request(server).get(`/codes/${reason}`);
      expect(response.status).toBe(entry.status);
      expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(response.body).toEqual({
        code: entry.code,
        reason,
        message: entry.message,
        requestId: expect.stringMatching(REQUEST_ID),
      });
    },
  );

  it.each(
    BUILT_IN_EXCEPTIONS.map(([Exception, status, reason], index) => [Exception.name, status, reason, index] as const),
  )('answers %s with %i %s, keeping a 4xx message', async (name, status, reason, index) => {
    const response = await request(server).get(`/built-in/${index}`);
    expect(response.status).toBe(status);
    expect(response.body.reason).toBe(reason);
    expect(response.body.code).toBe(ErrorCode[reason as keyof typeof ErrorCode].code);
    const expected = status >= 500 ? ErrorCode[reason as keyof typeof ErrorCode].message : `custom ${name} message`;
    expect(response.body.message).toBe(expected);
  });

  it("keeps Nest's own message of a bare built-in exception", async () => {
    const response = await request(server).get('/forbidden');
    expect(response.status).toBe(403);
    expect(response.body).toMatchObject({ code: 2004, reason: 'DENIED_PERMISSION', message: 'Forbidden' });
  });

  it.each(Object.keys(THROWABLES))('answers a thrown %s with a 500 envelope that leaks nothing', async (kind) => {
    const response = await request(server).get(`/throwables/${kind}`);
    expect(response.status).toBe(500);
    expect(response.body).toEqual({
      code: 9000,
      reason: 'UNEXPECTED_ERROR',
      message: 'Unexpected error',
      requestId: expect.stringMatching(REQUEST_ID),
    });
    expect(response.text).not.toContain('hunter2');
    const next = await request(server).get('/ok');
    expect(next.status).toBe(200);
  });

  it.each(['guard', 'pipe', 'interceptor', 'sync', 'async', 'observable', 'class-middleware', 'functional-middleware'])(
    'answers an OperatedException thrown in a %s',
    async (site) => {
      const response = await request(server).get(`/site/${site}`);
      expect(response.status).toBe(403);
      expect(response.body).toEqual({
        code: 2004,
        reason: 'DENIED_PERMISSION',
        message: 'Stage says no',
        requestId: expect.stringMatching(REQUEST_ID),
      });
    },
  );

  it('answers a guard that returns false with DENIED_PERMISSION', async () => {
    const response = await request(server).get('/site/false-guard');
    expect(response.status).toBe(403);
    expect(response.body).toMatchObject({ code: 2004, reason: 'DENIED_PERMISSION' });
  });

  it('answers an unknown route with 404 RESOURCE_NOT_FOUND', async () => {
    const response = await request(server).get('/no/such/route');
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ code: 4001, reason: 'RESOURCE_NOT_FOUND' });
    expect(response.headers['x-request-id']).toBe(response.body.requestId);
  });

  it('answers malformed JSON with 400 INVALID_INPUT', async () => {
    const response = await request(server).post('/echo').set('Content-Type', 'application/json').send('{"a": ');
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(response.body).toMatchObject({ code: 1100, reason: 'INVALID_INPUT' });
    expect(response.body.requestId).toMatch(REQUEST_ID);
  });

  it('answers a body over the limit with 413 PAYLOAD_TOO_LARGE', async () => {
    const big = JSON.stringify({ data: 'x'.repeat(2 * 1024 * 1024) });
    const response = await request(server).post('/echo').set('Content-Type', 'application/json').send(big);
    expect(response.status).toBe(413);
    expect(response.body).toMatchObject({ code: 4130, reason: 'PAYLOAD_TOO_LARGE', message: expect.any(String) });
    expect(response.text).not.toContain('xxxx');
  });

  describe('request ids', () => {
    it('reuses a well-formed incoming X-Request-Id in the header and the body', async () => {
      const response = await request(server).get('/codes/RESOURCE_NOT_FOUND').set('X-Request-Id', 'client-42.a_b');
      expect(response.headers['x-request-id']).toBe('client-42.a_b');
      expect(response.body.requestId).toBe('client-42.a_b');
    });

    it.each([
      ['too long', 'a'.repeat(129)],
      ['bad characters', 'id with spaces;drop'],
      ['empty', ''],
    ])('replaces an incoming id that is %s', async (_case, incoming) => {
      const response = await request(server).get('/codes/RESOURCE_NOT_FOUND').set('X-Request-Id', incoming);
      expect(response.body.requestId).toMatch(REQUEST_ID);
      expect(response.headers['x-request-id']).toBe(response.body.requestId);
    });

    it('sends the id on successful responses too, a new one per request', async () => {
      const first = await request(server).get('/ok');
      const second = await request(server).get('/ok');
      expect(first.headers['x-request-id']).toMatch(REQUEST_ID);
      expect(second.headers['x-request-id']).toMatch(REQUEST_ID);
      expect(first.headers['x-request-id']).not.toBe(second.headers['x-request-id']);
    });
  });

  describe('production mode', () => {
    it('hides the message, stack, paths and cause of an unexpected error', async () => {
      const response = await request(server).get('/secret');
      expect(response.status).toBe(500);
      expect(response.body).toEqual({
        code: 9000,
        reason: 'UNEXPECTED_ERROR',
        message: 'Unexpected error',
        requestId: expect.any(String),
      });
      for (const leak of ['hunter2', '/srv/app', 'pool exhausted', 'at ']) expect(response.text).not.toContain(leak);
    });

    it('answers a 5xx OperatedException with the catalogue message', async () => {
      const response = await request(server).get('/operated-5xx');
      expect(response.status).toBe(503);
      expect(response.body).toMatchObject({
        code: 9001,
        reason: 'CONNECTION_ERROR',
        message: ErrorCode.CONNECTION_ERROR.message,
      });
      expect(response.text).not.toContain('hunter2');
    });
  });

  it('sends details and safe headers of an OperatedException, surviving BigInt and cycles', async () => {
    const response = await request(server).get('/extras');
    expect(response.status).toBe(404);
    expect(response.headers['retry-after']).toBe('30');
    expect(response.headers['x-split']).toBeUndefined();
    expect(response.headers['set-cookie']).toBeUndefined();
    expect(response.body.details).toEqual({ productId: 99, big: '12', self: '[Circular]' });
  });

  it('ends a response whose headers were already sent, and keeps serving', async () => {
    const response = await request(server)
      .get('/headers-sent')
      .buffer(true)
      .parse((res, done) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => done(null, text));
        res.on('error', () => done(null, text));
      })
      .catch((error: unknown) => ({ status: 0, body: String(error) }));
    expect([0, 200]).toContain(response.status);
    const next = await request(server).get('/ok');
    expect(next.status).toBe(200);
  });
});

describe.each(PLATFORMS)('development mode on %s', (platform) => {
  let app: INestApplication;
  beforeAll(async () => {
    app = await createApp(platform, {
      imports: [ErrorHandlingModule.forRoot({ mode: 'development' }), EnvelopeFeatureModule],
    });
  });
  afterAll(() => app.close());

  it('shows the thrown message, the stack and the cause chain', async () => {
    const response = await request(app.getHttpServer()).get('/secret');
    expect(response.status).toBe(500);
    expect(response.body.message).toBe('db password=hunter2 at /srv/app/db.ts');
    expect(response.body.stack).toContain('EnvelopeController.secret');
    expect(response.body.cause).toEqual([{ name: 'RangeError', message: 'pool exhausted' }]);
  });
});
