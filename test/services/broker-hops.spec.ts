import { headers as natsHeaders, type MsgHdrs } from '@nats-io/transport-node';
import { Controller, Get, Inject, Module, type INestApplication, type INestMicroservice } from '@nestjs/common';
import {
  ClientsModule,
  Ctx,
  MessagePattern,
  NatsContext,
  NatsRecordBuilder,
  Transport,
  type ClientProxy,
  type ClientProviderOptions,
  type MicroserviceOptions,
} from '@nestjs/microservices';
import { LoggerModule } from 'nestjs-pino';
import { firstValueFrom } from 'rxjs';
import request from 'supertest';
import { ErrorCode, ErrorHandlingModule, OperatedException } from '../../src/index.js';
import { useBroker, type Broker, type BrokerKind } from '../support/brokers.js';
import { LogCapture } from '../support/log-capture.js';
import { createMicroservice, freePort } from '../support/microservices.js';
import { createApp, PLATFORMS } from '../support/platforms.js';

/** The headers a NATS record of the edge's carries: one object, shared by every call that sends it. */
const sharedHeaders: MsgHdrs = natsHeaders();
sharedHeaders.set('X-Tenant', 'tenant-7');

@Controller()
class ServiceB {
  @MessagePattern('find')
  find(): never {
    throw new OperatedException(ErrorCode.RESOURCE_NOT_FOUND, 'Product not found', { details: { productId: 99 } });
  }
}

@Controller()
class ServiceA {
  constructor(@Inject('B') private readonly b: ClientProxy) {}

  @MessagePattern('find')
  find(): Promise<unknown> {
    return firstValueFrom(this.b.send('find', {}));
  }

  /** What a NATS message reached A with: its header names and values. */
  @MessagePattern('headers')
  headers(@Ctx() context: NatsContext): Record<string, string> {
    const headers = context.getHeaders();
    return Object.fromEntries((headers?.keys() ?? []).map((key: string) => [key, headers!.get(key)]));
  }
}

@Controller()
class EdgeController {
  constructor(@Inject('A') private readonly a: ClientProxy) {}

  @Get('products')
  find(): Promise<unknown> {
    return firstValueFrom(this.a.send('find', {}));
  }

  @Get('headers')
  headers(): Promise<unknown> {
    return firstValueFrom(this.a.send('headers', new NatsRecordBuilder({}).setHeaders(sharedHeaders).build()));
  }
}

/** How the edge reaches A over each broker, and how A listens. */
function brokerOptions(
  kind: BrokerKind,
  broker: Broker,
): { server: MicroserviceOptions; client: ClientProviderOptions } {
  if (kind === 'nats') {
    const options = { servers: broker.url, reconnect: false };
    return {
      server: { transport: Transport.NATS, options },
      client: { name: 'A', transport: Transport.NATS, options },
    };
  }
  const options = { host: broker.host, port: broker.port, retryAttempts: 0, maxRetriesPerRequest: 0 };
  return {
    server: { transport: Transport.REDIS, options },
    client: { name: 'A', transport: Transport.REDIS, options },
  };
}

// One capture for the file: nestjs-pino makes its pino instance once per process.
const capture = new LogCapture();
const logger = LoggerModule.forRoot({ pinoHttp: [{ level: 'trace' }, capture] });

describe.each(['nats', 'redis'] as const)('edge → %s → service A → TCP → service B', (kind) => {
  const broker = useBroker(kind);

  describe.each(PLATFORMS)('edge on %s', (platform) => {
    let a: INestMicroservice;
    let b: INestMicroservice;
    let edge: INestApplication;

    beforeAll(async () => {
      const portB = await freePort();
      const { server, client } = brokerOptions(kind, broker());
      b = await createMicroservice(
        { imports: [logger, ErrorHandlingModule.forRoot()], controllers: [ServiceB] },
        { transport: Transport.TCP, options: { host: '127.0.0.1', port: portB } },
      );
      a = await createMicroservice(
        {
          imports: [
            logger,
            ErrorHandlingModule.forRoot(),
            ClientsModule.register([
              { name: 'B', transport: Transport.TCP, options: { host: '127.0.0.1', port: portB } },
            ]),
          ],
          controllers: [ServiceA],
        },
        server,
      );
      @Module({
        imports: [logger, ErrorHandlingModule.forRoot(), ClientsModule.register([client])],
        controllers: [EdgeController],
      })
      class EdgeModule {}
      edge = await createApp(platform, { imports: [EdgeModule] });
    });

    afterAll(async () => {
      await edge?.close();
      await a?.close();
      await b?.close();
    });

    afterEach(() => capture.clear());

    it("answers B's 404 envelope at the edge, and all three records carry the client's X-Request-Id", async () => {
      const response = await request(edge.getHttpServer())
        .get('/products')
        .set('X-Request-Id', `hop-${kind}-${platform}`)
        .expect(404);
      expect(response.body).toEqual({
        code: 4001,
        reason: 'RESOURCE_NOT_FOUND',
        message: 'Product not found',
        details: { productId: 99 },
        requestId: `hop-${kind}-${platform}`,
      });
      const records = capture.lines.filter((line) => line.reason === 'RESOURCE_NOT_FOUND');
      // B's record, then A's (the envelope it received), then the edge's.
      expect(records.map((line) => [line.transport, line.requestId])).toEqual([
        ['rpc', `hop-${kind}-${platform}`],
        ['rpc', `hop-${kind}-${platform}`],
        ['http', `hop-${kind}-${platform}`],
      ]);
      expect(records[2].upstream).toEqual({
        requestId: `hop-${kind}-${platform}`,
        code: 4001,
        reason: 'RESOURCE_NOT_FOUND',
      });
    });

    if (kind === 'nats') {
      it("adds the request id to a NatsRecord's headers on the wire, keeping its own and leaving it unchanged", async () => {
        const response = await request(edge.getHttpServer()).get('/headers').set('X-Request-Id', 'with-record');
        expect(response.body).toEqual({ 'X-Tenant': 'tenant-7', 'x-request-id': 'with-record' });
        // The next call sends the same record with its own id: the shared headers never kept one.
        expect(sharedHeaders.keys()).toEqual(['X-Tenant']);
        const next = await request(edge.getHttpServer()).get('/headers').set('X-Request-Id', 'with-record-2');
        expect(next.body).toEqual({ 'X-Tenant': 'tenant-7', 'x-request-id': 'with-record-2' });
      });

      it('keeps a request id header the record set itself, whatever its case', async () => {
        sharedHeaders.set('X-Request-Id', 'set-by-the-caller');
        try {
          const response = await request(edge.getHttpServer()).get('/headers').set('X-Request-Id', 'from-the-edge');
          expect(response.body).toEqual({ 'X-Tenant': 'tenant-7', 'X-Request-Id': 'set-by-the-caller' });
        } finally {
          sharedHeaders.delete('X-Request-Id');
        }
      });
    }
  });
});
