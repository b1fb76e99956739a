import { Controller, InternalServerErrorException, NotFoundException, type INestMicroservice } from '@nestjs/common';
import {
  EventPattern,
  MessagePattern,
  NatsRecordBuilder,
  Payload,
  RpcException,
  Transport,
  type ClientOptions,
  type ClientProxy,
  type MicroserviceOptions,
} from '@nestjs/microservices';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { IsInt, IsString, Min } from 'class-validator';
import { LoggerModule } from 'nestjs-pino';
import { setTimeout as sleep } from 'node:timers/promises';
import { firstValueFrom } from 'rxjs';
import {
  defineErrorCodes,
  ErrorCode,
  ErrorHandlingModule,
  OnError,
  OperatedException,
  type ErrorHandlingModuleOptions,
  type ErrorLogContext,
} from '../../src/index.js';
import { useBroker, type Broker, type BrokerKind } from '../support/brokers.js';
import { LogCapture } from '../support/log-capture.js';
import { callerError, createClient, createMicroservice, freePort } from '../support/microservices.js';

const AppError = defineErrorCodes({
  ...ErrorCode,
  PRODUCT_SOLD_OUT: { code: 4101, status: 409, message: 'Product is sold out' },
});

class StockError extends Error {}

class OrderDto {
  @IsString()
  sku: string;

  @IsInt()
  @Min(1)
  quantity: number;
}

const SECRET = 'db password=hunter2';

@Controller()
@OnError(StockError, AppError.PRODUCT_SOLD_OUT)
class OrdersController {
  @MessagePattern('find')
  find(): never {
    throw new OperatedException(ErrorCode.RESOURCE_NOT_FOUND, 'Product not found', { details: { productId: 99 } });
  }

  @MessagePattern('nest-404')
  nest404(): never {
    throw new NotFoundException('No such order');
  }

  @MessagePattern('query-failed')
  queryFailed(): never {
    throw Object.assign(new Error(`select failed: ${SECRET}`), {
      query: `SELECT * WHERE p='${SECRET}'`,
      parameters: [SECRET],
    });
  }

  @MessagePattern('internal')
  internal(): never {
    throw new InternalServerErrorException(SECRET);
  }

  @MessagePattern('string')
  string(): never {
    throw SECRET;
  }

  @MessagePattern('throw-null')
  throwNull(): never {
    throw null;
  }

  @MessagePattern('rpc-string')
  rpcString(): never {
    throw new RpcException('Not allowed here');
  }

  @MessagePattern('rpc-object')
  rpcObject(): never {
    throw new RpcException({ status: 404, message: 'Order gone', orderId: 7 });
  }

  @MessagePattern('rpc-500-object')
  rpc500Object(): never {
    throw new RpcException({ status: 503, message: `pool exhausted: ${SECRET}`, dsn: `postgres://${SECRET}@db` });
  }

  @MessagePattern('stock')
  stock(): never {
    throw new StockError('sku-1 is gone');
  }

  @MessagePattern('method-stock')
  @OnError(StockError, ErrorCode.CONFLICT)
  methodStock(): never {
    throw new StockError('sku-2 is gone');
  }

  @MessagePattern('order')
  order(@Payload() order: OrderDto): OrderDto {
    return order;
  }

  @MessagePattern('async')
  async asyncFailure(): Promise<never> {
    await sleep(1);
    throw new OperatedException(AppError.PRODUCT_SOLD_OUT);
  }

  @EventPattern('order-placed')
  orderPlaced(@Payload() order: { id: number }): void {
    throw new Error(`event handler failed for order ${order.id}: ${SECRET}`);
  }

  @MessagePattern('ok')
  ok(): string {
    return 'ok';
  }
}

interface RpcTransport {
  name: string;
  /** The real broker the transport needs, started once per describe; TCP needs none. */
  broker?: BrokerKind;
  options(broker: Broker | undefined): Promise<{ server: MicroserviceOptions; client: ClientOptions }>;
  /** Sends `pattern` with `requestId` where this transport carries one, and answers the caller's error. */
  callWithRequestId(client: ClientProxy, pattern: string, requestId: string): Promise<unknown>;
}

/** TCP and Redis carry a request id in the packet metadata, which `setOnDispatchHook` adds. */
function callWithMetadata(client: ClientProxy, pattern: string, requestId: string): Promise<unknown> {
  client.setOnDispatchHook((packet) => {
    packet.metadata = { ...packet.metadata, 'x-request-id': requestId };
  });
  return callerError(client, pattern);
}

/** Broker clients that give up at once when their broker is gone, so a dead broker fails a test fast. */
const NO_RECONNECT = { redis: { retryAttempts: 0, maxRetriesPerRequest: 0 }, nats: { reconnect: false } } as const;

/** The RPC transports whose real brokers or sockets the tests run over. */
const TRANSPORTS: RpcTransport[] = [
  {
    name: 'TCP',
    options: async () => {
      const port = await freePort();
      const options = { host: '127.0.0.1', port };
      return { server: { transport: Transport.TCP, options }, client: { transport: Transport.TCP, options } };
    },
    callWithRequestId: callWithMetadata,
  },
  {
    name: 'Redis',
    broker: 'redis',
    options: async (broker) => {
      const options = { host: broker!.host, port: broker!.port, ...NO_RECONNECT.redis };
      return { server: { transport: Transport.REDIS, options }, client: { transport: Transport.REDIS, options } };
    },
    callWithRequestId: callWithMetadata,
  },
  {
    name: 'NATS',
    broker: 'nats',
    options: async (broker) => {
      const options = { servers: broker!.url, ...NO_RECONNECT.nats };
      return { server: { transport: Transport.NATS, options }, client: { transport: Transport.NATS, options } };
    },
    // NATS has no packet metadata (its context has getHeaders, not getMetadata): a request id
    // travels as a message header, which a NatsRecord sets.
    callWithRequestId: (client, pattern, requestId) => {
      const headers = natsHeaders();
      headers.set('x-request-id', requestId);
      return callerError(client, pattern, new NatsRecordBuilder({}).setHeaders(headers).build());
    },
  },
];

// One capture for the file: nestjs-pino builds its pino-http instance (and so its destination) once
// per process, on first use, and every later LoggerModule.forRoot writes through that one.
const capture = new LogCapture();

describe.each(TRANSPORTS)('RPC over $name', ({ broker: brokerKind, options, callWithRequestId }) => {
  const broker = brokerKind === undefined ? () => undefined : useBroker(brokerKind);
  let service: INestMicroservice;
  let client: ClientProxy;
  const reports: Array<{ error: unknown; context: ErrorLogContext }> = [];

  async function boot(moduleOptions: ErrorHandlingModuleOptions): Promise<void> {
    const { server, client: clientOptions } = await options(broker());
    service = await createMicroservice(
      {
        imports: [
          LoggerModule.forRoot({ pinoHttp: [{ level: 'trace' }, capture] }),
          ErrorHandlingModule.forRoot({
            codes: AppError,
            validation: true,
            reporters: [{ report: (error, context) => void reports.push({ error, context }) }],
            ...moduleOptions,
          }),
        ],
        controllers: [OrdersController],
      },
      server,
    );
    client = await createClient(clientOptions);
  }

  afterEach(async () => {
    await client?.close();
    await service?.close();
    capture.clear();
    reports.length = 0;
  });

  describe('in production mode', () => {
    beforeEach(() => boot({ mode: 'production' }));

    it('answers an OperatedException with the envelope object, its details and a request id', async () => {
      const error = (await callerError(client, 'find')) as Record<string, unknown>;
      expect(error).toEqual({
        code: 4001,
        reason: 'RESOURCE_NOT_FOUND',
        status: 404,
        message: 'Product not found',
        details: { productId: 99 },
        requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      });
    });

    it('answers a Nest HttpException with the entry of its status', async () => {
      expect(await callerError(client, 'nest-404')).toMatchObject({
        code: 4001,
        status: 404,
        message: 'No such order',
      });
    });

    it.each(['query-failed', 'internal', 'string'])(
      'masks %s as a 500 envelope that carries nothing of the thrown value',
      async (pattern) => {
        const error = await callerError(client, pattern);
        expect(error).toEqual({
          code: 9000,
          reason: 'UNEXPECTED_ERROR',
          status: 500,
          message: 'Unexpected error',
          requestId: expect.any(String),
        });
        expect(JSON.stringify(error)).not.toContain('hunter2');
      },
    );

    it('answers `throw null` with a 500 envelope, not a completed stream', async () => {
      expect(await callerError(client, 'throw-null')).toMatchObject({ code: 9000, status: 500 });
    });

    it('keeps an RpcException string as the message and an object’s other fields as details', async () => {
      expect(await callerError(client, 'rpc-string')).toMatchObject({
        code: 1100,
        reason: 'INVALID_INPUT',
        status: 400,
        message: 'Not allowed here',
      });
      expect(await callerError(client, 'rpc-object')).toMatchObject({
        code: 4001,
        status: 404,
        message: 'Order gone',
        details: { orderId: 7 },
      });
    });

    it('masks a 5xx RpcException object: neither its message nor its other fields reach the caller', async () => {
      const error = (await callerError(client, 'rpc-500-object')) as { requestId: string };
      expect(error).toEqual({
        code: 5030,
        reason: 'SERVICE_UNAVAILABLE',
        status: 503,
        message: 'Service unavailable',
        requestId: expect.any(String),
      });
      expect(JSON.stringify(error)).not.toContain('hunter2');
      const [record] = capture.lines.filter((line) => line.requestId === error.requestId);
      expect(record).toMatchObject({ status: 503, details: { dsn: expect.stringContaining('@db') } });
    });

    it('applies @OnError on the controller and, more specific, on the method', async () => {
      expect(await callerError(client, 'stock')).toMatchObject({
        code: 4101,
        reason: 'PRODUCT_SOLD_OUT',
        message: 'sku-1 is gone',
      });
      expect(await callerError(client, 'method-stock')).toMatchObject({ code: 4090, reason: 'CONFLICT' });
    });

    it('gives payload validation failures field details', async () => {
      expect(await callerError(client, 'order', { sku: 5, quantity: 0 })).toMatchObject({
        code: 1100,
        status: 400,
        details: [
          expect.objectContaining({ field: 'sku' }),
          expect.objectContaining({ field: 'quantity', constraints: { min: expect.any(String) } }),
        ],
      });
      expect(await firstValueFrom(client.send('order', { sku: 'a', quantity: 1 }))).toEqual({ sku: 'a', quantity: 1 });
    });

    it('answers asynchronous failures too, and keeps serving', async () => {
      expect(await callerError(client, 'async')).toMatchObject({ code: 4101, status: 409 });
      expect(await firstValueFrom(client.send('ok', {}))).toBe('ok');
    });

    it('writes one record per failure with transport and pattern, and reports 5xx', async () => {
      const error = (await callerError(client, 'query-failed')) as { requestId: string };
      const records = capture.lines.filter((line) => line.requestId === error.requestId);
      expect(records).toHaveLength(1);
      expect(records[0]).toMatchObject({
        level: 50,
        transport: 'rpc',
        pattern: 'query-failed',
        status: 500,
        reason: 'UNEXPECTED_ERROR',
        err: { type: 'Error', stack: expect.any(String) },
      });
      expect(records[0].req).toBeUndefined();
      expect(JSON.stringify(records[0])).not.toContain('parameters');
      expect(reports).toHaveLength(1);
      expect(reports[0].context).toMatchObject({
        transport: 'rpc',
        pattern: 'query-failed',
        requestId: error.requestId,
      });
    });

    it('logs and reports a failing event handler once, though nobody is waiting for it', async () => {
      await firstValueFrom(client.emit('order-placed', { id: 1 }));
      await vi.waitFor(() => expect(capture.lines.some((line) => line.pattern === 'order-placed')).toBe(true));
      await sleep(50);
      const records = capture.lines.filter((line) => line.pattern === 'order-placed');
      expect(records).toHaveLength(1);
      expect(records[0]).toMatchObject({ level: 50, transport: 'rpc', status: 500 });
      expect(reports).toHaveLength(1);
    });

    it('takes the request id the caller sent as the envelope’s and the record’s', async () => {
      const error = (await callWithRequestId(client, 'query-failed', 'order-7.retry_2')) as { requestId: string };
      expect(error).toMatchObject({ code: 9000, requestId: 'order-7.retry_2' });
      const records = capture.lines.filter((line) => line.pattern === 'query-failed');
      expect(records).toHaveLength(1);
      expect(records[0].requestId).toBe('order-7.retry_2');
      expect(reports[0].context.requestId).toBe('order-7.retry_2');
    });

    it.each([
      ['200 characters long', 'a'.repeat(200)],
      ['containing a space', 'order 7'],
    ])('replaces an ill-formed request id (%s) with a new UUID', async (_, sent) => {
      const error = (await callWithRequestId(client, 'find', sent)) as { requestId: string };
      expect(error.requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      const records = capture.lines.filter((line) => line.pattern === 'find');
      expect(records).toHaveLength(1);
      expect(records[0].requestId).toBe(error.requestId);
    });

    // NATS keeps header names as the sender wrote them and its `get` matches them exactly; the
    // responder finds the request id header whatever its case. Only NATS carries headers here.
    if (brokerKind === 'nats') {
      it('reads the request id header whatever its case', async () => {
        const headers = natsHeaders();
        headers.set('X-Request-Id', 'order-8');
        const error = await callerError(client, 'find', new NatsRecordBuilder({}).setHeaders(headers).build());
        expect(error).toMatchObject({ code: 4001, requestId: 'order-8' });
      });
    }
  });

  describe('in development mode', () => {
    beforeEach(() => boot({ mode: 'development' }));

    it('shows the thrown message, the stack and the cause chain', async () => {
      const error = (await callerError(client, 'internal')) as Record<string, unknown>;
      expect(error).toMatchObject({ code: 9000, status: 500, message: SECRET, stack: expect.any(String) });
    });
  });
});
