import {
  BadRequestException,
  Body,
  CanActivate,
  ConsoleLogger,
  Controller,
  ForbiddenException,
  Get,
  type INestApplication,
  type LoggerService,
  MiddlewareConsumer,
  Module,
  NestModule,
  NotFoundException,
  Param,
  Post,
  RequestMethod,
  Res,
  UnauthorizedException,
  UseGuards,
} from '@nestjs/common';
import { Logger, LoggerModule } from 'nestjs-pino';
import request from 'supertest';
import {
  createPinoHttpOptions,
  ErrorCode,
  ErrorHandlingModule,
  type ErrorHandlingModuleOptions,
  OperatedException,
} from '../../src/index.js';
import { LogCapture, type LogLine, WARN } from '../support/log-capture.js';
import { createApp, type Platform, PLATFORMS } from '../support/platforms.js';

class DenyGuard implements CanActivate {
  canActivate(): boolean {
    throw new UnauthorizedException('No token');
  }
}

class PaymentDeclinedError extends Error {}

@Controller('shop')
class ShopController {
  @Get('bad')
  bad(): never {
    throw new BadRequestException('Bad filter');
  }

  @Get('items/:id')
  item(@Param('id') id: string): never {
    throw new Error(`Database down while reading ${id}`, { cause: new Error('socket closed') });
  }

  @Get('guarded')
  @UseGuards(DenyGuard)
  guarded(): string {
    return 'never';
  }

  @Get('gated')
  gated(): string {
    return 'the middleware stops it first';
  }

  @Get('forbidden')
  forbidden(): never {
    throw new ForbiddenException();
  }

  @Get('gone')
  gone(): never {
    throw new NotFoundException('Gone');
  }

  @Get('declined')
  declined(): never {
    throw new PaymentDeclinedError('Card declined');
  }

  @Post('login')
  login(@Body() body: { user: string; password: string }): never {
    throw new OperatedException(ErrorCode.INVALID_INPUT, 'Bad credentials', {
      details: { user: body.user, password: body.password },
    });
  }

  @Get('cookie')
  cookie(@Res({ passthrough: true }) response: { header(name: string, value: string): unknown }): never {
    response.header('Set-Cookie', 'session=SECRET-SET-COOKIE');
    throw new Error('after the cookie');
  }
}

@Module({ controllers: [ShopController] })
class ShopModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply((_req: unknown, _res: unknown, next: (error?: unknown) => void) =>
        next(new ForbiddenException('Blocked by middleware')),
      )
      .forRoutes('shop/gated');
  }
}

// nestjs-pino 5.2's default `{/*splat}` does not reach fastify's middleware on Nest 12.
const ALL_ROUTES = [{ path: '{*splat}', method: RequestMethod.ALL }];

// nestjs-pino builds its pino-http instance once per process: one capture serves every app here.
const capture = new LogCapture();
const pinoHttp = createPinoHttpOptions({
  level: 'trace',
  // The level mapping most apps write: without the helper's cap it would log each failure twice.
  customLogLevel: (_req, res, error) =>
    error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
});

async function createLoggedApp(platform: Platform, options?: ErrorHandlingModuleOptions): Promise<INestApplication> {
  // LoggerModule first: pino-http runs before the module's middleware, the harder order for ids.
  const app = await createApp(
    platform,
    {
      imports: [
        LoggerModule.forRoot({ forRoutes: ALL_ROUTES, pinoHttp: [pinoHttp, capture] }),
        ErrorHandlingModule.forRoot(options),
        ShopModule,
      ],
    },
    { bufferLogs: true },
  );
  // Nest's own logs go to pino too, so a second error line from Nest would be caught here.
  app.useLogger(app.get(Logger));
  return app;
}

const atLeastWarn = (lines: LogLine[]) => lines.filter((line) => line.level >= WARN);
const pinoHttpLineOf = (lines: LogLine[]) => lines.find((line) => line.res !== undefined);

/** The lines of the request, once pino-http wrote its own (on the response's `finish`). */
async function linesOfRequest(requestId: string): Promise<LogLine[]> {
  await vi.waitFor(() => expect(pinoHttpLineOf(capture.linesOf(requestId))).toBeDefined());
  return capture.linesOf(requestId);
}

describe.each(PLATFORMS)('logging through nestjs-pino on %s', (platform) => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await createLoggedApp(platform);
  });
  afterAll(() => app.close());
  beforeEach(() => capture.clear());

  it.each([
    ['a 400 from a handler', '/shop/bad', 400, 'INVALID_INPUT', 'warn'],
    ['a 404 of an unknown route', '/nowhere', 404, 'RESOURCE_NOT_FOUND', 'warn'],
    ['a 500 from a handler', '/shop/items/7', 500, 'UNEXPECTED_ERROR', 'error'],
    ['a guard error', '/shop/guarded', 401, 'UNAUTHORIZED', 'warn'],
    ['a middleware error', '/shop/gated', 403, 'DENIED_PERMISSION', 'warn'],
  ])('writes exactly one record >= warn for %s', async (_case, path, status, reason, level) => {
    const response = await request(app.getHttpServer()).get(path).expect(status);
    const requestId = response.body.requestId;
    const lines = await linesOfRequest(requestId);
    const [record, ...others] = atLeastWarn(lines);
    expect(others).toEqual([]);
    expect(record).toMatchObject({
      level: level === 'warn' ? 40 : 50,
      status,
      reason,
      code: response.body.code,
      requestId,
      context: 'ErrorHandling',
    });
    // pino-http's own line of the request stays at info, with the same id and without a second err.
    expect(pinoHttpLineOf(lines)).toMatchObject({ level: 30, req: { id: requestId } });
    expect(pinoHttpLineOf(lines)).not.toHaveProperty('err');
  });

  it('carries the request: method, url, route pattern, params, query, client ip and user agent', async () => {
    const response = await request(app.getHttpServer())
      .get('/shop/items/7?page=2')
      .set('User-Agent', 'logging-spec/1.0')
      .expect(500);
    const [record] = atLeastWarn(await linesOfRequest(response.body.requestId));
    expect(record.req).toEqual({
      id: response.body.requestId,
      method: 'GET',
      url: '/shop/items/7?page=2',
      route: '/shop/items/:id',
      params: { id: '7' },
      query: { page: '2' },
      ip: expect.stringMatching(/127\.0\.0\.1|::1/),
      userAgent: 'logging-spec/1.0',
    });
    expect(record.message).toBe('Database down while reading 7');
  });

  it('gives 5xx records the stack and the cause chain, and 4xx records neither', async () => {
    const server = await request(app.getHttpServer()).get('/shop/items/7').expect(500);
    const [serverRecord] = atLeastWarn(await linesOfRequest(server.body.requestId));
    expect(serverRecord.err).toMatchObject({
      type: 'Error',
      message: 'Database down while reading 7',
      stack: expect.stringContaining('ShopController.item'),
    });
    expect(serverRecord.err.cause).toEqual([
      { type: 'Error', message: 'socket closed', stack: expect.stringContaining('socket closed') },
    ]);

    const client = await request(app.getHttpServer()).get('/shop/bad').expect(400);
    const [clientRecord] = atLeastWarn(await linesOfRequest(client.body.requestId));
    expect(clientRecord.err).toEqual({ type: 'BadRequestException', message: 'Bad filter' });
  });

  it('uses one request id across the response header, the envelope, its record and pino-http', async () => {
    for (const incoming of [undefined, 'client-chosen.id-42']) {
      const call = request(app.getHttpServer()).get('/shop/items/1');
      const response = await (incoming ? call.set('X-Request-Id', incoming) : call).expect(500);
      const { requestId } = response.body;
      if (incoming) expect(requestId).toBe(incoming);
      expect(response.headers['x-request-id']).toBe(requestId);
      const lines = await linesOfRequest(requestId);
      expect(atLeastWarn(lines)[0].req.id).toBe(requestId);
      expect(pinoHttpLineOf(lines)?.req.id).toBe(requestId);
    }
  });

  it('keeps secret headers, body fields, query values and cookies out of every line', async () => {
    const secrets = [
      'SECRET-AUTH',
      'SECRET-COOKIE',
      'SECRET-KEY',
      'SECRET-PASSWORD',
      'SECRET-QUERY',
      'SECRET-SET-COOKIE',
    ];
    const login = await request(app.getHttpServer())
      .post('/shop/login?access_token=SECRET-QUERY&page=1')
      .set('Authorization', 'Bearer SECRET-AUTH')
      .set('Cookie', 'sid=SECRET-COOKIE')
      .set('X-Api-Key', 'SECRET-KEY')
      .send({ user: 'ada', password: 'SECRET-PASSWORD' })
      .expect(400);
    const cookie = await request(app.getHttpServer()).get('/shop/cookie').expect(500);
    const loginLines = await linesOfRequest(login.body.requestId);
    await linesOfRequest(cookie.body.requestId);

    for (const line of capture.raw) {
      for (const secret of secrets) expect(line).not.toContain(secret);
    }
    const [record] = atLeastWarn(loginLines);
    expect(record.req.url).toBe('/shop/login?access_token=[Redacted]&page=1');
    expect(record.details).toEqual({ user: 'ada', password: '[Redacted]' });
    expect(pinoHttpLineOf(loginLines)?.req.headers).toMatchObject({
      authorization: '[Redacted]',
      cookie: '[Redacted]',
      'x-api-key': '[Redacted]',
    });
  });
});

describe.each(PLATFORMS)('logging levels and exclusions on %s', (platform) => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await createLoggedApp(platform, {
      logging: {
        levels: { '4xx': 'info' },
        classLevels: [
          [NotFoundException, 'error'],
          [PaymentDeclinedError, false],
        ],
        exclude: [ForbiddenException],
        redact: ['iban'],
      },
    });
  });
  afterAll(() => app.close());
  beforeEach(() => capture.clear());

  async function recordsOf(path: string, status: number): Promise<LogLine[]> {
    const response = await request(app.getHttpServer()).get(path).expect(status);
    return (await linesOfRequest(response.body.requestId)).filter((line) => line.context === 'ErrorHandling');
  }

  it('logs a status class at its configured level', async () => {
    expect((await recordsOf('/shop/bad', 400)).map((line) => line.level)).toEqual([30]);
  });

  it('logs an exception class at its own level, whatever its status', async () => {
    expect((await recordsOf('/shop/gone', 404)).map((line) => line.level)).toEqual([50]);
  });

  it('redacts the names added to the list, in the query and in the URL', async () => {
    const [record] = await recordsOf('/shop/bad?payout_IBAN=DE0012&page=3', 400);
    expect(record.req.query).toEqual({ payout_IBAN: '[Redacted]', page: '3' });
    expect(record.req.url).toBe('/shop/bad?payout_IBAN=[Redacted]&page=3');
  });

  it('leaves excluded classes unlogged, by `exclude` and by a `false` level', async () => {
    expect(await recordsOf('/shop/forbidden', 403)).toEqual([]);
    expect(await recordsOf('/shop/declined', 500)).toEqual([]);
  });
});

/** A LoggerService standing in for whatever `app.useLogger` set. */
class RecordingLogger implements LoggerService {
  readonly calls: Array<{ level: string; args: unknown[] }> = [];
  log = (...args: unknown[]) => this.calls.push({ level: 'log', args });
  warn = (...args: unknown[]) => this.calls.push({ level: 'warn', args });
  error = (...args: unknown[]) => this.calls.push({ level: 'error', args });
}

describe.each(PLATFORMS)('logging without nestjs-pino on %s', (platform) => {
  it("gives Nest's Logger the same single record", async () => {
    const logger = new RecordingLogger();
    const app = await createApp(platform, { imports: [ErrorHandlingModule.forRoot(), ShopModule] }, { logger });
    logger.calls.length = 0;
    const notFound = await request(app.getHttpServer()).get('/nowhere').expect(404);
    const failed = await request(app.getHttpServer()).get('/shop/items/3').expect(500);
    await app.close();

    const records = logger.calls.filter((call) => call.level !== 'log');
    expect(records.map((call) => call.level)).toEqual(['warn', 'error']);
    const [warnArgs, errorArgs] = records.map((call) => call.args);
    expect(warnArgs[1]).toMatchObject({
      status: 404,
      reason: 'RESOURCE_NOT_FOUND',
      requestId: notFound.body.requestId,
      req: { method: 'GET', url: '/nowhere' },
    });
    expect(warnArgs[2]).toBe('ErrorHandling');
    expect(errorArgs[1]).toMatchObject({
      status: 500,
      requestId: failed.body.requestId,
      err: { stack: expect.stringContaining('Database down') },
    });
  });
});

describe.each(PLATFORMS)("the request's client address and query in the record on %s", (platform) => {
  const recordOf = (logger: RecordingLogger) => logger.calls.find((call) => call.level === 'warn')?.args[1];

  it('is the socket address, whatever X-Forwarded-For says, while the platform trusts no proxy', async () => {
    const logger = new RecordingLogger();
    const app = await createApp(platform, { imports: [ErrorHandlingModule.forRoot(), ShopModule] }, { logger });
    await request(app.getHttpServer()).get('/nowhere').set('X-Forwarded-For', '203.0.113.7').expect(404);
    await app.close();
    expect(recordOf(logger)).toMatchObject({ req: { ip: expect.stringMatching(/127\.0\.0\.1|::1/), query: {} } });
  });

  it("is the forwarded client's address when the platform trusts the proxy", async () => {
    const logger = new RecordingLogger();
    const app = await createApp(
      platform,
      { imports: [ErrorHandlingModule.forRoot(), ShopModule] },
      { logger },
      undefined,
      { trustProxy: true },
    );
    await request(app.getHttpServer()).get('/nowhere?page=2').set('X-Forwarded-For', '203.0.113.7').expect(404);
    await app.close();
    expect(recordOf(logger)).toMatchObject({ req: { ip: '203.0.113.7', query: { page: '2' } } });
  });
});

/** Nest's ConsoleLogger, extended as Nest's docs suggest, keeping what it would print. */
class CapturingConsoleLogger extends ConsoleLogger {
  readonly printed: Array<{ level: string; messages: unknown[] }> = [];
  protected printMessages(messages: unknown[], _context?: string, level = 'log'): void {
    this.printed.push({ level, messages });
  }
}

describe.each(PLATFORMS)("logging through Nest's ConsoleLogger on %s", (platform) => {
  it('prints one compact line per failed request, with the record as JSON', async () => {
    const logger = new CapturingConsoleLogger();
    const app = await createApp(platform, { imports: [ErrorHandlingModule.forRoot(), ShopModule] }, { logger });
    logger.printed.length = 0;
    const notFound = await request(app.getHttpServer()).get('/nowhere').expect(404);
    await app.close();

    const records = logger.printed.filter((line) => line.level === 'warn');
    expect(records).toHaveLength(1);
    const [line] = records[0].messages as string[];
    expect(records[0].messages).toHaveLength(1);
    expect(line).toMatch(/^GET \/nowhere -> 404 RESOURCE_NOT_FOUND: /);
    const json = JSON.parse(line.slice(line.indexOf(' {') + 1));
    expect(json).toMatchObject({ status: 404, reason: 'RESOURCE_NOT_FOUND', requestId: notFound.body.requestId });
  });
});

describe('logging, reporting and processErrors options', () => {
  it.each<[string, ErrorHandlingModuleOptions, RegExp]>([
    ['an unknown level', { logging: { levels: { '4xx': 'loud' as never } } }, /logging\.levels\.4xx "loud"/],
    [
      'a classLevels entry that is not a pair',
      { logging: { classLevels: [NotFoundException as never] } },
      /classLevels\[0\]/,
    ],
    [
      'an exclude entry that is not a class',
      { logging: { exclude: ['NotFoundException' as never] } },
      /logging\.exclude/,
    ],
    ['an empty redacted name', { logging: { redact: [''] } }, /logging\.redact/],
    ['a reporter without report()', { reporters: [{} as never] }, /reporters/],
    ['a reporterTimeout of 0', { reporterTimeout: 0 }, /reporterTimeout 0/],
    ['an unknown processErrors mode', { processErrors: 'log' as never }, /processErrors "log"/],
  ])('stops the app at startup for %s', async (_case, options, message) => {
    await expect(createApp('express', { imports: [ErrorHandlingModule.forRoot(options)] })).rejects.toThrow(message);
  });
});
