import {
  Catch,
  Injectable,
  Module,
  NotFoundException,
  UnauthorizedException,
  UseFilters,
  UseGuards,
  type ArgumentsHost,
  type CanActivate,
  type INestApplication,
} from '@nestjs/common';
import {
  BaseWsExceptionFilter,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  WsException,
} from '@nestjs/websockets';
import { IsInt, IsString, Min } from 'class-validator';
import { Logger, LoggerModule } from 'nestjs-pino';
import { setTimeout as sleep } from 'node:timers/promises';
import { map, timer, type Observable } from 'rxjs';
import {
  defineErrorCodes,
  ErrorCode,
  ErrorHandlingModule,
  OnError,
  OperatedException,
  OperatedExceptionFilter,
  type ErrorHandlingModuleOptions,
} from '../../src/index.js';
import { LogCapture, WARN, type LogLine } from '../support/log-capture.js';
import { createApp } from '../support/platforms.js';
import { collectUnhandledRejections } from '../support/unhandled-rejections.js';
import { eventsOf, WS_PLATFORMS, type WsPlatform, type WsTestClient } from '../support/ws-clients.js';

const AppError = defineErrorCodes({
  ...ErrorCode,
  PRODUCT_SOLD_OUT: { code: 4101, status: 409, message: 'Product is sold out' },
});

class StockError extends Error {}
class LastItemError extends StockError {}
class HandledByUserFilterError extends Error {}

class OrderDto {
  @IsString()
  sku: string;

  @IsInt()
  @Min(1)
  quantity: number;
}

const SECRET = 'db password=hunter2';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A value that throws on every operation a filter could try on it. */
function hostileProxy(): object {
  const fail = () => {
    throw new Error(`trap: ${SECRET}`);
  };
  return new Proxy(
    {},
    {
      get: fail,
      has: fail,
      ownKeys: fail,
      getOwnPropertyDescriptor: fail,
      getPrototypeOf: fail,
      defineProperty: fail,
      set: fail,
      deleteProperty: fail,
      isExtensible: fail,
      preventExtensions: fail,
      setPrototypeOf: fail,
    },
  );
}

@Injectable()
class DenyGuard implements CanActivate {
  canActivate(): boolean {
    throw new UnauthorizedException('No token on this socket');
  }
}

/** The app's gateway: no decorator of this package's but `@OnError`. */
@WebSocketGateway()
@OnError(StockError, AppError.PRODUCT_SOLD_OUT)
@OnError(LastItemError, ErrorCode.GONE)
class ShopGateway {
  @SubscribeMessage('ping')
  ping(@MessageBody() data: unknown) {
    return { event: 'pong', data };
  }

  @SubscribeMessage('operated')
  operated(): never {
    throw new OperatedException(ErrorCode.RESOURCE_NOT_FOUND, 'Product not found', { details: { productId: 99 } });
  }

  @SubscribeMessage('nest-404')
  nest404(): never {
    throw new NotFoundException('No such order');
  }

  @SubscribeMessage('ws-string')
  wsString(): never {
    throw new WsException('Not allowed here');
  }

  @SubscribeMessage('ws-object')
  wsObject(): never {
    throw new WsException({ message: 'Seat taken', status: 409, field: 'seat' });
  }

  @SubscribeMessage('ws-500-object')
  ws500Object(): never {
    throw new WsException({ message: `pool exhausted: ${SECRET}`, status: 500, dsn: `postgres://${SECRET}@db` });
  }

  @SubscribeMessage('ws-object-no-status')
  wsObjectNoStatus(): never {
    throw new WsException({ message: 'Seat unknown', field: 'seat' });
  }

  @SubscribeMessage('query-failed')
  queryFailed(): never {
    throw Object.assign(new Error(`select failed: ${SECRET}`), {
      query: `SELECT * WHERE p='${SECRET}'`,
      parameters: [SECRET],
    });
  }

  @SubscribeMessage('string')
  string(): never {
    throw SECRET;
  }

  @SubscribeMessage('throw-null')
  throwNull(): never {
    throw null;
  }

  @SubscribeMessage('async')
  async asyncFailure(): Promise<never> {
    await sleep(1);
    throw new OperatedException(AppError.PRODUCT_SOLD_OUT);
  }

  @SubscribeMessage('async-secret')
  async asyncSecret(): Promise<never> {
    await sleep(1);
    throw new Error(SECRET);
  }

  @SubscribeMessage('observable')
  observable(): Observable<never> {
    return timer(5).pipe(
      map(() => {
        throw new Error(`stream broke: ${SECRET}`);
      }),
    );
  }

  @SubscribeMessage('stock')
  stock(): never {
    throw new StockError('sku-1 is gone');
  }

  @SubscribeMessage('last-item')
  lastItem(): never {
    throw new LastItemError('sku-3 had one left');
  }

  @SubscribeMessage('method-stock')
  @OnError(StockError, ErrorCode.CONFLICT)
  methodStock(): never {
    throw new StockError('sku-2 is gone');
  }

  /** Fails after the client's next message went through the guard. */
  @SubscribeMessage('slow-method-stock')
  @OnError(StockError, ErrorCode.CONFLICT)
  async slowMethodStock(): Promise<never> {
    await sleep(50);
    throw new StockError('sku-4 is gone');
  }

  @SubscribeMessage('order')
  order(@MessageBody() order: OrderDto) {
    return { event: 'ordered', data: order };
  }

  @SubscribeMessage('guarded')
  @UseGuards(DenyGuard)
  guarded() {
    return { event: 'never', data: null };
  }
}

@WebSocketGateway()
class HostileGateway {
  @SubscribeMessage('proxy')
  proxy(): never {
    throw hostileProxy();
  }

  @SubscribeMessage('getters')
  getters(): never {
    const thrown = {};
    for (const key of ['message', 'name', 'stack', 'cause', 'status', 'response', 'getError', 'constructor']) {
      Object.defineProperty(thrown, key, {
        enumerable: true,
        get() {
          throw new Error(`getter ${key}: ${SECRET}`);
        },
      });
    }
    throw thrown;
  }

  @SubscribeMessage('cause-cycle')
  causeCycle(): never {
    const first = new Error(`first: ${SECRET}`);
    const second = new Error('second', { cause: first });
    first.cause = second;
    throw first;
  }

  @SubscribeMessage('huge-details')
  hugeDetails(): never {
    throw new OperatedException(ErrorCode.INVALID_INPUT, 'Too much to say', {
      details: Array.from({ length: 50_000 }, (_, index) => ({ index, note: 'x'.repeat(20) })),
    });
  }
}

/** Answers one class itself, as a user's own gateway filter would. */
@Catch(HandledByUserFilterError)
class UserGatewayFilter extends BaseWsExceptionFilter {
  catch(exception: HandledByUserFilterError, host: ArgumentsHost): void {
    this.emitMessage(host.switchToWs().getClient(), 'user-filter', { message: exception.message });
  }
}

@WebSocketGateway()
@UseFilters(OperatedExceptionFilter)
class ExplicitlyFilteredGateway {
  @SubscribeMessage('explicit')
  explicit(): never {
    throw new OperatedException(ErrorCode.CONFLICT, 'Already booked');
  }
}

@WebSocketGateway()
@UseFilters(UserGatewayFilter)
class UserFilteredGateway {
  @SubscribeMessage('user-filtered')
  userFiltered(): never {
    throw new HandledByUserFilterError('the user filter answers this');
  }

  @SubscribeMessage('user-filtered-other')
  other(): never {
    throw new Error(SECRET);
  }
}

/** Gateways of a feature module reach the module's filter too. */
@Module({ providers: [ExplicitlyFilteredGateway, UserFilteredGateway] })
class ExtrasModule {}

// nestjs-pino builds its pino-http instance once per process: one capture serves every app here.
const capture = new LogCapture();

async function createWsApp(platform: WsPlatform, options: ErrorHandlingModuleOptions): Promise<INestApplication> {
  const app = await createApp(
    'express',
    {
      imports: [
        LoggerModule.forRoot({ pinoHttp: [{ level: 'trace' }, capture] }),
        ErrorHandlingModule.forRoot({ codes: AppError, validation: true, ...options }),
        ExtrasModule,
      ],
      providers: [ShopGateway, HostileGateway],
    },
    { bufferLogs: true },
    (created) => {
      created.useWebSocketAdapter(platform.adapter(created));
      // Nest's own logs go to pino too, so a second error line from Nest would be caught here.
      created.useLogger(created.get(Logger));
    },
  );
  await app.listen(0, '127.0.0.1');
  return app;
}

const portOf = (app: INestApplication): number => app.getHttpServer().address().port;

type Envelope = Record<string, unknown> & { requestId: string };

/** The one `exception` event a message gets; fails on none (within 2 s) or on more than one. */
async function exceptionOf(client: WsTestClient, pattern: string, data: unknown = {}): Promise<Envelope> {
  client.clear();
  client.send(pattern, data);
  const events = await eventsOf(client, 'exception');
  expect(events).toHaveLength(1);
  return events[0] as Envelope;
}

/** The normal reply of a good message: the app keeps serving. */
async function expectServing(client: WsTestClient): Promise<void> {
  client.clear();
  client.send('ping', { n: 1 });
  expect(await eventsOf(client, 'pong', { settleMs: 0 })).toEqual([{ n: 1 }]);
  expect(client.received.filter(({ event }) => event === 'exception')).toEqual([]);
}

const atLeastWarn = (lines: LogLine[]) => lines.filter((line) => line.level >= WARN);

describe.each(WS_PLATFORMS)('WebSocket gateways on $name', (platform) => {
  const unhandled = collectUnhandledRejections();

  describe('in production mode', () => {
    let app: INestApplication;
    let client: WsTestClient;

    beforeAll(async () => {
      app = await createWsApp(platform, { mode: 'production' });
      client = await platform.connect(portOf(app));
    });
    afterAll(async () => {
      await client?.close();
      await app?.close();
    });
    beforeEach(() => capture.clear());
    afterEach(async () => {
      await expectServing(client);
      expect(unhandled).toEqual([]);
    });

    it('answers an OperatedException with the envelope, its details and the pattern', async () => {
      expect(await exceptionOf(client, 'operated')).toEqual({
        code: 4001,
        reason: 'RESOURCE_NOT_FOUND',
        status: 404,
        message: 'Product not found',
        details: { productId: 99 },
        requestId: expect.stringMatching(UUID),
        pattern: 'operated',
      });
    });

    it('answers a Nest HttpException with the entry of its status', async () => {
      expect(await exceptionOf(client, 'nest-404')).toMatchObject({
        code: 4001,
        status: 404,
        message: 'No such order',
        pattern: 'nest-404',
      });
    });

    it('masks a 5xx WsException object: neither its message nor its other fields reach the client', async () => {
      expect(await exceptionOf(client, 'ws-500-object')).toEqual({
        code: 9000,
        reason: 'UNEXPECTED_ERROR',
        status: 500,
        message: 'Unexpected error',
        requestId: expect.any(String),
        pattern: 'ws-500-object',
      });
    });

    it('keeps a WsException string as the message and an object’s other fields as details', async () => {
      expect(await exceptionOf(client, 'ws-string')).toEqual({
        code: 1100,
        reason: 'INVALID_INPUT',
        status: 400,
        message: 'Not allowed here',
        requestId: expect.any(String),
        pattern: 'ws-string',
      });
      expect(await exceptionOf(client, 'ws-object')).toEqual({
        code: 4090,
        reason: 'CONFLICT',
        status: 409,
        message: 'Seat taken',
        details: { field: 'seat' },
        requestId: expect.any(String),
        pattern: 'ws-object',
      });
      expect(await exceptionOf(client, 'ws-object-no-status')).toMatchObject({
        code: 1100,
        status: 400,
        message: 'Seat unknown',
        details: { field: 'seat' },
      });
    });

    it.each(['query-failed', 'string', 'throw-null', 'async-secret', 'observable'])(
      'masks %s as a 500 envelope that carries nothing of the thrown value',
      async (pattern) => {
        const envelope = await exceptionOf(client, pattern);
        expect(envelope).toEqual({
          code: 9000,
          reason: 'UNEXPECTED_ERROR',
          status: 500,
          message: 'Unexpected error',
          requestId: expect.stringMatching(UUID),
          pattern,
        });
        expect(JSON.stringify(envelope)).not.toContain('hunter2');
      },
    );

    it('answers an async handler’s rejection', async () => {
      expect(await exceptionOf(client, 'async')).toMatchObject({ code: 4101, status: 409, pattern: 'async' });
    });

    it('answers a guard’s error', async () => {
      expect(await exceptionOf(client, 'guarded')).toMatchObject({
        code: 4010,
        status: 401,
        message: 'No token on this socket',
        pattern: 'guarded',
      });
    });

    it('applies @OnError on the gateway, on the method over it, and the nearest class first', async () => {
      expect(await exceptionOf(client, 'stock')).toMatchObject({
        code: 4101,
        reason: 'PRODUCT_SOLD_OUT',
        message: 'sku-1 is gone',
      });
      expect(await exceptionOf(client, 'method-stock')).toMatchObject({ code: 4090, reason: 'CONFLICT' });
      expect(await exceptionOf(client, 'last-item')).toMatchObject({ code: 4100, reason: 'GONE' });
    });

    it('keeps the route of each message apart while another message of the client runs', async () => {
      client.clear();
      client.send('slow-method-stock');
      client.send('ping', { n: 2 });
      const [envelope] = (await eventsOf(client, 'exception')) as Envelope[];
      expect(envelope).toMatchObject({ code: 4090, reason: 'CONFLICT', pattern: 'slow-method-stock' });
    });

    it('gives message body validation failures field details', async () => {
      expect(await exceptionOf(client, 'order', { sku: 5, quantity: 0 })).toMatchObject({
        code: 1100,
        reason: 'INVALID_INPUT',
        status: 400,
        pattern: 'order',
        details: [
          expect.objectContaining({ field: 'sku' }),
          expect.objectContaining({ field: 'quantity', constraints: { min: expect.any(String) } }),
        ],
      });
      client.clear();
      client.send('order', { sku: 'a', quantity: 1 });
      expect(await eventsOf(client, 'ordered', { settleMs: 0 })).toEqual([{ sku: 'a', quantity: 1 }]);
    });

    it('takes a well-formed requestId the message carries, else a new one per failure', async () => {
      expect(await exceptionOf(client, 'operated', { requestId: 'client-req.1' })).toMatchObject({
        requestId: 'client-req.1',
      });
      const malformed = await exceptionOf(client, 'operated', { requestId: 'no spaces\nor newlines' });
      expect(malformed.requestId).toMatch(UUID);
      const first = await exceptionOf(client, 'operated');
      const second = await exceptionOf(client, 'operated');
      expect(first.requestId).not.toBe(second.requestId);
    });

    it('answers through @UseFilters(OperatedExceptionFilter) on a gateway once, not twice', async () => {
      expect(await exceptionOf(client, 'explicit')).toMatchObject({
        code: 4090,
        message: 'Already booked',
        pattern: 'explicit',
      });
      expect(atLeastWarn(capture.lines)).toHaveLength(1);
    });

    it('lets a gateway’s own filter answer its class, and the module answer the rest', async () => {
      client.clear();
      client.send('user-filtered');
      expect(await eventsOf(client, 'user-filter')).toEqual([{ message: 'the user filter answers this' }]);
      expect(client.received.filter(({ event }) => event === 'exception')).toEqual([]);
      expect(atLeastWarn(capture.lines)).toEqual([]);
      expect(await exceptionOf(client, 'user-filtered-other')).toMatchObject({ code: 9000, status: 500 });
    });

    describe('records', () => {
      it('writes one warn record per 4xx, with transport, pattern, client id and the envelope’s request id', async () => {
        const envelope = await exceptionOf(client, 'operated');
        const lines = atLeastWarn(capture.lines);
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatchObject({
          level: WARN,
          context: 'ErrorHandling',
          transport: 'ws',
          pattern: 'operated',
          clientId: platform.name === 'socket.io' ? client.id : expect.stringMatching(UUID),
          requestId: envelope.requestId,
          status: 404,
          reason: 'RESOURCE_NOT_FOUND',
          details: { productId: 99 },
        });
        expect(lines[0].req).toBeUndefined();
        expect(lines[0].err).not.toHaveProperty('stack');
      });

      it('writes one error record with the stack per 5xx, and no line of Nest’s own handler', async () => {
        const envelope = await exceptionOf(client, 'query-failed');
        const lines = atLeastWarn(capture.lines);
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatchObject({
          level: 50,
          transport: 'ws',
          pattern: 'query-failed',
          requestId: envelope.requestId,
          status: 500,
          message: `select failed: ${SECRET}`,
          err: { type: 'Error', stack: expect.stringContaining('queryFailed') },
        });
        expect(JSON.stringify(lines[0])).not.toContain('parameters');
        expect(capture.lines.filter((line) => line.context === 'WsExceptionsHandler')).toEqual([]);
      });

      it('keeps one client id per connection, and another for another connection', async () => {
        await exceptionOf(client, 'operated');
        await exceptionOf(client, 'nest-404');
        const other = await platform.connect(portOf(app));
        try {
          await exceptionOf(other, 'operated');
        } finally {
          await other.close();
        }
        const ids = atLeastWarn(capture.lines).map((line) => line.clientId);
        expect(ids).toHaveLength(3);
        expect(ids[0]).toBe(ids[1]);
        expect(ids[2]).not.toBe(ids[0]);
        expect(typeof ids[2]).toBe('string');
      });
    });

    describe('hostile throwables', () => {
      it.each(['proxy', 'getters', 'cause-cycle'])(
        'answers %s with a valid 500 envelope in bounded time',
        async (pattern) => {
          const started = Date.now();
          const envelope = await exceptionOf(client, pattern);
          expect(Date.now() - started).toBeLessThan(1_000);
          expect(envelope).toMatchObject({
            code: 9000,
            reason: 'UNEXPECTED_ERROR',
            status: 500,
            message: 'Unexpected error',
            requestId: expect.stringMatching(UUID),
            pattern,
          });
          expect(JSON.stringify(envelope)).not.toContain('hunter2');
          expect(atLeastWarn(capture.lines).length).toBeGreaterThanOrEqual(1);
        },
      );

      it('replaces huge details by a note of their size', async () => {
        const envelope = await exceptionOf(client, 'huge-details');
        expect(envelope).toMatchObject({
          code: 1100,
          status: 400,
          message: 'Too much to say',
          details: { omitted: true, length: expect.any(Number) },
        });
        expect(JSON.stringify(envelope).length).toBeLessThan(1_000);
      });
    });
  });

  describe('in development mode', () => {
    let app: INestApplication;
    let client: WsTestClient;

    beforeAll(async () => {
      app = await createWsApp(platform, { mode: 'development' });
      client = await platform.connect(portOf(app));
    });
    afterAll(async () => {
      await client?.close();
      await app?.close();
    });
    afterEach(() => expectServing(client));

    it('shows the thrown message and the stack, from this app’s filter', async () => {
      expect(await exceptionOf(client, 'query-failed')).toMatchObject({
        code: 9000,
        status: 500,
        message: `select failed: ${SECRET}`,
        stack: expect.any(String),
        pattern: 'query-failed',
      });
    });
  });

  describe('with two apps of the same gateways alive in one process', () => {
    it('answers each app’s clients with that app’s own options', async () => {
      const production = await createWsApp(platform, { mode: 'production' });
      const development = await createWsApp(platform, { mode: 'development' });
      const clients = await Promise.all([production, development].map((app) => platform.connect(portOf(app))));
      try {
        const [masked, shown] = await Promise.all(clients.map((client) => exceptionOf(client, 'query-failed')));
        expect(masked).toMatchObject({ status: 500, message: 'Unexpected error' });
        expect(masked).not.toHaveProperty('stack');
        expect(shown).toMatchObject({ status: 500, message: `select failed: ${SECRET}` });
        expect(await exceptionOf(clients[0], 'explicit')).toMatchObject({ code: 4090 });
      } finally {
        await Promise.all(clients.map((client) => client.close()));
        await Promise.all([production.close(), development.close()]);
      }
    });
  });
});
