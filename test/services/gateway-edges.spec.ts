import { Inject, Module, type INestApplication, type INestMicroservice } from '@nestjs/common';
import { Args, Query, Resolver } from '@nestjs/graphql';
import { ClientsModule, Transport, type ClientProxy } from '@nestjs/microservices';
import { MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { LoggerModule } from 'nestjs-pino';
import { firstValueFrom, timeout } from 'rxjs';
import { ErrorCode, ErrorHandlingModule } from '../../src/index.js';
import { GRAPHQL_DRIVERS, postGraphql } from '../support/graphql.js';
import { LogCapture } from '../support/log-capture.js';
import { createMicroservice, freePort } from '../support/microservices.js';
import { createApp } from '../support/platforms.js';
import { eventsOf, WS_PLATFORMS, type WsTestClient } from '../support/ws-clients.js';
import { ProductsService } from './fixtures/services.js';

/** Calls the service with `pattern`; `unreachable` calls a client whose port nothing listens on. */
class ServiceCaller {
  constructor(
    private readonly products: ClientProxy,
    private readonly nowhere: ClientProxy,
  ) {}

  call(pattern: string): Promise<unknown> {
    if (pattern === 'unreachable') return firstValueFrom(this.nowhere.send('find', {}));
    return firstValueFrom(this.products.send(pattern, {}).pipe(timeout(pattern === 'slow' ? 100 : 5_000)));
  }
}

@WebSocketGateway()
class ShopGateway {
  private readonly caller: ServiceCaller;

  constructor(@Inject('PRODUCTS') products: ClientProxy, @Inject('NOWHERE') nowhere: ClientProxy) {
    this.caller = new ServiceCaller(products, nowhere);
  }

  @SubscribeMessage('call')
  call(@MessageBody() { pattern }: { pattern: string }): Promise<unknown> {
    return this.caller.call(pattern);
  }
}

@Resolver()
class ShopResolver {
  private readonly caller: ServiceCaller;

  constructor(@Inject('PRODUCTS') products: ClientProxy, @Inject('NOWHERE') nowhere: ClientProxy) {
    this.caller = new ServiceCaller(products, nowhere);
  }

  @Query(() => String, { nullable: true })
  call(@Args('pattern') pattern: string): Promise<unknown> {
    return this.caller.call(pattern);
  }
}

/** What each edge answers for each failure of the call, in the envelope's own fields. */
const CASES = [
  {
    pattern: 'find',
    answer: { code: 4001, reason: 'RESOURCE_NOT_FOUND', status: 404, message: 'Product not found' },
    details: { productId: 99 },
  },
  // The service answers with its message and stack (development): the edge masks the 5xx.
  {
    pattern: 'crash',
    answer: { code: 9000, reason: 'UNEXPECTED_ERROR', status: 500, message: ErrorCode.UNEXPECTED_ERROR.message },
  },
  {
    pattern: 'slow',
    answer: { code: 9101, reason: 'MODEL_TIMEOUT', status: 504, message: ErrorCode.MODEL_TIMEOUT.message },
  },
  {
    pattern: 'unreachable',
    answer: { code: 9001, reason: 'CONNECTION_ERROR', status: 503 },
  },
];

const MARKER = 'hunter2';
const capture = new LogCapture();
const socketIo = WS_PLATFORMS.find(({ name }) => name === 'socket.io')!;
const apollo = GRAPHQL_DRIVERS.find(({ name }) => name === 'Apollo')!;

describe('WebSocket (socket.io) and GraphQL (Apollo on express) edges answer what the service said, production mode', () => {
  let service: INestMicroservice;
  let edge: INestApplication;
  let client: WsTestClient;

  beforeAll(async () => {
    const [port, closedPort] = [await freePort(), await freePort()];
    const logger = LoggerModule.forRoot({ pinoHttp: [{ level: 'trace' }, capture] });
    // In development mode: its envelopes carry the thrown message and its stack.
    service = await createMicroservice(
      { imports: [logger, ErrorHandlingModule.forRoot({ mode: 'development' })], controllers: [ProductsService] },
      { transport: Transport.TCP, options: { host: '127.0.0.1', port } },
    );
    @Module({
      imports: [
        logger,
        ErrorHandlingModule.forRoot({ mode: 'production' }),
        apollo.module(),
        ClientsModule.register([
          { name: 'PRODUCTS', transport: Transport.TCP, options: { host: '127.0.0.1', port } },
          { name: 'NOWHERE', transport: Transport.TCP, options: { host: '127.0.0.1', port: closedPort } },
        ]),
      ],
      providers: [ShopGateway, ShopResolver],
    })
    class EdgeModule {}
    edge = await createApp(apollo.platform, { imports: [EdgeModule] }, {}, (created) =>
      created.useWebSocketAdapter(socketIo.adapter(created)),
    );
    await edge.listen(0, '127.0.0.1');
    client = await socketIo.connect(edge.getHttpServer().address().port);
  });

  afterAll(async () => {
    await client?.close();
    await edge?.close();
    await service?.close();
  });

  beforeEach(() => {
    client.clear();
    capture.clear();
  });

  /** The edge's record of the failure on `transport`. */
  const edgeRecord = (transport: 'ws' | 'graphql') =>
    capture.lines.find((line) => line.transport === transport && line.reason !== undefined);

  describe.each(CASES)('the call fails with $pattern', ({ pattern, answer, details }) => {
    it('the WebSocket edge emits the exception event with it', async () => {
      client.send('call', { pattern, requestId: `ws-${pattern}` });
      const [event] = await eventsOf(client, 'exception');
      expect(event).toEqual({
        ...answer,
        message: answer.message ?? expect.any(String),
        ...(details !== undefined && { details }),
        requestId: `ws-${pattern}`,
        pattern: 'call',
      });
      expect(JSON.stringify(client.received)).not.toContain(MARKER);
      expect(JSON.stringify(client.received)).not.toContain('    at ');
    });

    it('the GraphQL edge answers an error with it in its extensions', async () => {
      const response = await postGraphql(edge, 'query Call($pattern: String!) { call(pattern: $pattern) }', {
        variables: { pattern },
        headers: { 'X-Request-Id': `gql-${pattern}` },
      });
      expect(response.data).toEqual({ call: null });
      expect(response.errors).toHaveLength(1);
      const [error] = response.errors;
      const { message, ...codes } = answer;
      if (message !== undefined) expect(error.message).toBe(message);
      expect(error.extensions).toEqual({
        ...codes,
        requestId: `gql-${pattern}`,
        ...(details !== undefined && { details }),
      });
      expect(response.text).not.toContain(MARKER);
      expect(response.text).not.toContain('    at ');
    });
  });

  it("names the service's answer upstream in the edges' records, under the edge call's request id", async () => {
    client.send('call', { pattern: 'find', requestId: 'ws-upstream' });
    await eventsOf(client, 'exception');
    await postGraphql(edge, '{ call(pattern: "find") }', { headers: { 'X-Request-Id': 'gql-upstream' } });
    const serviceIds = capture.lines.filter((line) => line.transport === 'rpc').map((line) => line.requestId);
    expect(serviceIds).toEqual(['ws-upstream', 'gql-upstream']);
    expect(edgeRecord('ws')).toMatchObject({
      requestId: 'ws-upstream',
      upstream: { requestId: 'ws-upstream', code: 4001, reason: 'RESOURCE_NOT_FOUND' },
    });
    expect(edgeRecord('graphql')).toMatchObject({
      requestId: 'gql-upstream',
      upstream: { requestId: 'gql-upstream', code: 4001, reason: 'RESOURCE_NOT_FOUND' },
    });
  });

  it('gives a message without a request id one id, at the edge and at the service', async () => {
    client.send('call', { pattern: 'find' });
    const [event] = (await eventsOf(client, 'exception')) as Array<{ requestId: string }>;
    const serviceRecord = capture.lines.find((line) => line.transport === 'rpc');
    expect(serviceRecord?.requestId).toBe(event.requestId);
    expect(edgeRecord('ws')?.upstream).toMatchObject({ requestId: event.requestId });
  });
});
