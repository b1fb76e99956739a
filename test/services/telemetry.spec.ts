import { Controller, Get, UseInterceptors, type INestApplication, type INestMicroservice } from '@nestjs/common';
import { ApplicationConfig } from '@nestjs/core';
import { ClientsModule, MessagePattern, Transport, type ClientProxy } from '@nestjs/microservices';
import { Field, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { Test } from '@nestjs/testing';
import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { ErrorCode, ErrorHandlingModule, OperatedException } from '../../src/index.js';
import { RpcServerSpanInterceptor } from '../../src/telemetry/rpc-server-span.interceptor.js';
import { TELEMETRY } from '../../src/telemetry/telemetry.constants.js';
import { GRAPHQL_DRIVERS, postGraphql } from '../support/graphql.js';
import { createApp, PLATFORMS } from '../support/platforms.js';
import { useBroker } from '../support/brokers.js';
import { callerError, createClient, createMicroservice, freePort } from '../support/microservices.js';
import {
  brokerHop,
  EdgeController,
  registerClient,
  SERVICE_SECRET,
  ServiceA,
  ServiceB,
  startServiceChain,
  type ServiceChain,
} from '../support/service-chain.js';
import { HttpServerSpansModule, spanNamed, Tracing, WsMessageSpanInterceptor } from '../support/tracing.js';
import { eventsOf, WS_PLATFORMS } from '../support/ws-clients.js';

@Controller()
class FailingController {
  @Get('missing')
  missing(): never {
    throw new OperatedException(ErrorCode.RESOURCE_NOT_FOUND, 'Product 7 not found');
  }

  @Get('boom')
  async boom(): Promise<never> {
    await Promise.resolve();
    throw new Error(`connection to ${SERVICE_SECRET} refused`);
  }
}

/** What a failure records on its span, in the shape the tests compare. */
function recorded(span: ReadableSpan) {
  return {
    events: span.events.map(({ name, attributes }) => ({ name, ...attributes })),
    attributes: span.attributes,
    status: span.status,
  };
}

const tracing = new Tracing();
beforeAll(() => tracing.install());
afterAll(() => tracing.uninstall());
afterEach(() => tracing.clear());

describe.each(PLATFORMS)('failures on the active span, %s', (platform) => {
  let app: INestApplication;
  let untraced: INestApplication;

  beforeAll(async () => {
    const imports = [HttpServerSpansModule];
    app = await createApp(platform, {
      imports: [...imports, ErrorHandlingModule.forRoot({ opentelemetry: true })],
      controllers: [FailingController],
    });
    untraced = await createApp(platform, {
      imports: [...imports, ErrorHandlingModule.forRoot()],
      controllers: [FailingController],
    });
  });

  afterAll(async () => {
    await app?.close();
    await untraced?.close();
  });

  it('records a 404 as an exception event with its reason, code and request id, leaving the status unset', async () => {
    await request(app.getHttpServer()).get('/missing').set('X-Request-Id', 'otel-404').expect(404);
    const span = spanNamed(await tracing.spans(1), 'GET /missing');
    expect(recorded(span)).toEqual({
      events: [
        { name: 'exception', 'exception.type': 'OperatedException', 'exception.message': 'Product 7 not found' },
      ],
      attributes: { 'error.type': 'RESOURCE_NOT_FOUND', 'app.error.code': 4001, 'app.request_id': 'otel-404' },
      status: { code: SpanStatusCode.UNSET },
    });
  });

  it('sets status ERROR on an unexpected 500, with the stack the log record has too', async () => {
    const response = await request(app.getHttpServer()).get('/boom').set('X-Request-Id', 'otel-500').expect(500);
    expect(response.text).not.toContain(SERVICE_SECRET);
    const span = spanNamed(await tracing.spans(1), 'GET /boom');
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'UNEXPECTED_ERROR' });
    expect(span.attributes).toEqual({
      'error.type': 'UNEXPECTED_ERROR',
      'app.error.code': 9000,
      'app.request_id': 'otel-500',
    });
    const [event] = span.events;
    expect(event.name).toBe('exception');
    expect(event.attributes).toMatchObject({
      'exception.type': 'Error',
      'exception.message': `connection to ${SERVICE_SECRET} refused`,
    });
    expect(event.attributes?.['exception.stacktrace']).toMatch(/^Error: connection to .*\n\s+at /);
  });

  it('records nothing and loads no OpenTelemetry piece with the option off', async () => {
    await request(untraced.getHttpServer()).get('/missing').expect(404);
    await request(untraced.getHttpServer()).get('/boom').expect(500);
    const spans = await tracing.spans(2);
    expect(spans.map(recorded)).toEqual([
      { events: [], attributes: {}, status: { code: SpanStatusCode.UNSET } },
      { events: [], attributes: {}, status: { code: SpanStatusCode.UNSET } },
    ]);
    expect(untraced.get(TELEMETRY)).toBeUndefined();
    const interceptors = untraced.get(ApplicationConfig).getGlobalInterceptors();
    expect(interceptors.filter((interceptor) => interceptor instanceof RpcServerSpanInterceptor)).toEqual([]);
  });
});

describe.each(PLATFORMS)('one trace through every hop, edge on %s', (platform) => {
  let chain: ServiceChain;

  beforeAll(async () => {
    chain = await startServiceChain(
      platform,
      [ErrorHandlingModule.forRoot({ opentelemetry: true })],
      [HttpServerSpansModule],
    );
  });

  afterAll(() => chain?.close());

  /** The edge's span, then A's (its child), then B's (A's child): one trace. */
  async function hopsOf(route: string, clientSpanId?: string): Promise<ReadableSpan[]> {
    const spans = await tracing.spans(3);
    const edgeSpan = spanNamed(spans, `GET ${route}`);
    const childOf = (parent: ReadableSpan) => {
      const children = spans.filter((span) => span.parentSpanContext?.spanId === parent.spanContext().spanId);
      expect(children).toHaveLength(1);
      return children[0];
    };
    const aSpan = childOf(edgeSpan);
    const hops = [edgeSpan, aSpan, childOf(aSpan)];
    expect(edgeSpan.parentSpanContext?.spanId).toBe(clientSpanId);
    expect(hops.map((span) => [span.name, span.kind])).toEqual([
      [`GET ${route}`, SpanKind.SERVER],
      [route === '/crash' ? 'crash' : 'find', SpanKind.SERVER],
      [route === '/crash' ? 'crash' : 'find', SpanKind.SERVER],
    ]);
    const [traceId] = hops.map((span) => span.spanContext().traceId);
    expect(hops.map((span) => span.spanContext().traceId)).toEqual([traceId, traceId, traceId]);
    return hops;
  }

  it("answers B's 404 at the edge, and every hop's span holds the failure under one trace", async () => {
    const response = await request(chain.edge.getHttpServer())
      .get('/products')
      .set('X-Request-Id', 'client-otel-1')
      .expect(404);
    expect(response.body).toMatchObject({ code: 4001, reason: 'RESOURCE_NOT_FOUND', requestId: 'client-otel-1' });
    const [edgeSpan, aSpan, bSpan] = await hopsOf('/products');
    const attributes = {
      'error.type': 'RESOURCE_NOT_FOUND',
      'app.error.code': 4001,
      'app.request_id': 'client-otel-1',
    };
    expect(recorded(bSpan)).toEqual({
      events: [{ name: 'exception', 'exception.type': 'OperatedException', 'exception.message': 'Product not found' }],
      attributes,
      status: { code: SpanStatusCode.UNSET },
    });
    for (const span of [aSpan, edgeSpan]) {
      expect(recorded(span)).toMatchObject({ attributes, status: { code: SpanStatusCode.UNSET } });
      expect(span.events.map(({ name }) => name)).toEqual(['exception']);
      expect(span.events[0].attributes).toMatchObject({ 'exception.message': 'Product not found' });
    }
  });

  it("keeps B's secret on B's own span: the hops before it record the masked answer", async () => {
    const response = await request(chain.edge.getHttpServer())
      .get('/crash')
      .set('X-Request-Id', 'client-otel-2')
      .expect(500);
    expect(response.text).not.toContain(SERVICE_SECRET);
    const [edgeSpan, aSpan, bSpan] = await hopsOf('/crash');
    for (const span of [edgeSpan, aSpan, bSpan]) {
      expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'UNEXPECTED_ERROR' });
      expect(span.attributes).toEqual({
        'error.type': 'UNEXPECTED_ERROR',
        'app.error.code': 9000,
        'app.request_id': 'client-otel-2',
      });
    }
    expect(bSpan.events[0].attributes?.['exception.message']).toBe(`connection to ${SERVICE_SECRET} refused`);
    expect(JSON.stringify(recorded(aSpan))).not.toContain(SERVICE_SECRET);
    expect(JSON.stringify(recorded(edgeSpan))).not.toContain(SERVICE_SECRET);
  });

  it("continues the client's trace to B, tracestate included", async () => {
    const [traceId, clientSpanId] = ['4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7'];
    await request(chain.edge.getHttpServer())
      .get('/products')
      .set('traceparent', `00-${traceId}-${clientSpanId}-01`)
      .set('tracestate', 'shop=edge1')
      .expect(404);
    const hops = await hopsOf('/products', clientSpanId);
    expect(hops.map((span) => span.spanContext().traceId)).toEqual([traceId, traceId, traceId]);
    expect(hops.map((span) => span.spanContext().traceState?.serialize())).toEqual([
      'shop=edge1',
      'shop=edge1',
      'shop=edge1',
    ]);
  });

  it('serves calls in its span interceptor on the message handlers of every service, client or not, global nowhere', () => {
    const spanInterceptors = (app: INestApplication | INestMicroservice) =>
      app
        .get(ApplicationConfig)
        .getGlobalInterceptors()
        .filter((interceptor) => interceptor instanceof RpcServerSpanInterceptor).length;
    expect([spanInterceptors(chain.edge), spanInterceptors(chain.a), spanInterceptors(chain.b)]).toEqual([0, 0, 0]);
    const on = (method: Function) =>
      ((Reflect.getMetadata('__interceptors__', method) ?? []) as unknown[]).filter(
        (interceptor) => interceptor instanceof RpcServerSpanInterceptor,
      ).length;
    expect([on(EdgeController.prototype.find), on(ServiceA.prototype.find), on(ServiceB.prototype.find)]).toEqual([
      0, 1, 1,
    ]);
  });
});

// NATS has no packet metadata: the trace context travels as message headers.
describe.each(['redis', 'nats'] as const)('one trace over %s', (kind) => {
  const broker = useBroker(kind);
  let service: INestMicroservice;
  let edge: INestApplication;

  beforeAll(async () => {
    const hop = brokerHop(broker());
    const traced = ErrorHandlingModule.forRoot({ opentelemetry: true });
    service = await createMicroservice({ imports: [traced], controllers: [ServiceB] }, hop.server);
    edge = await createApp('express', {
      imports: [HttpServerSpansModule, traced, registerClient('A', hop)],
      controllers: [EdgeController],
    });
  });

  afterAll(async () => {
    await edge?.close();
    await service?.close();
  });

  it("serves the call in a span continuing the edge's, where the failure is recorded", async () => {
    await request(edge.getHttpServer()).get('/products').set('X-Request-Id', `otel-${kind}`).expect(404);
    const spans = await tracing.spans(2);
    const edgeSpan = spanNamed(spans, 'GET /products');
    const serviceSpan = spanNamed(spans, 'find');
    expect(serviceSpan.spanContext().traceId).toBe(edgeSpan.spanContext().traceId);
    expect(serviceSpan.parentSpanContext?.spanId).toBe(edgeSpan.spanContext().spanId);
    expect(recorded(serviceSpan)).toEqual({
      events: [{ name: 'exception', 'exception.type': 'OperatedException', 'exception.message': 'Product not found' }],
      attributes: { 'error.type': 'RESOURCE_NOT_FOUND', 'app.error.code': 4001, 'app.request_id': `otel-${kind}` },
      status: { code: SpanStatusCode.UNSET },
    });
  });
});

class StockError extends Error {}

@Controller()
class StockService {
  @MessagePattern('reserve')
  reserve(): never {
    throw new StockError('Out of stock');
  }
}

/** Resolves later, as a handler target that looks something up does. */
async function conflictLater(): Promise<OperatedException> {
  await new Promise((resolve) => setImmediate(resolve));
  return new OperatedException(ErrorCode.CONFLICT, 'Reserved meanwhile');
}

describe.each([
  ['the span interceptor', { opentelemetry: true }, []],
  [
    'the request-context interceptor',
    {},
    [ClientsModule.register([{ name: 'X', transport: Transport.TCP, options: { host: '127.0.0.1', port: 9 } }])],
  ],
] as const)('an async handler target behind %s', (_name, options, imports) => {
  let service: INestMicroservice;
  let client: ClientProxy;

  beforeAll(async () => {
    const tcp = { transport: Transport.TCP, options: { host: '127.0.0.1', port: await freePort() } } as const;
    service = await createMicroservice(
      {
        imports: [...imports, ErrorHandlingModule.forRoot({ ...options, handlers: [[StockError, conflictLater]] })],
        controllers: [StockService],
      },
      tcp,
    );
    client = await createClient(tcp);
  });

  afterAll(async () => {
    await client?.close();
    await service?.close();
  });

  it('answers the entry it resolves to, not a success', async () => {
    expect(await callerError(client, 'reserve')).toMatchObject({ code: 4090, reason: 'CONFLICT', status: 409 });
  });
});

@ObjectType()
class Product {
  @Field()
  name: string;
}

@Resolver(() => Product)
class ProductResolver {
  @Query(() => Product)
  product(): never {
    throw new OperatedException(ErrorCode.RESOURCE_NOT_FOUND, 'Product 9 not found');
  }
}

const NOT_FOUND_ON_SPAN = {
  events: [{ name: 'exception', 'exception.type': 'OperatedException', 'exception.message': 'Product 9 not found' }],
  attributes: { 'error.type': 'RESOURCE_NOT_FOUND', 'app.error.code': 4001 },
  status: { code: SpanStatusCode.UNSET },
};

describe.each(GRAPHQL_DRIVERS)('a GraphQL failure on the active span, $name', (driver) => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await createApp(driver.platform, {
      imports: [HttpServerSpansModule, ErrorHandlingModule.forRoot({ opentelemetry: true }), driver.module()],
      providers: [ProductResolver],
    });
  });

  afterAll(() => app?.close());

  it("records the resolver's failure on the request's span", async () => {
    const response = await postGraphql(app, '{ product { name } }', { headers: { 'X-Request-Id': 'otel-gql' } });
    expect(response.errors[0].extensions).toMatchObject({ code: 4001, reason: 'RESOURCE_NOT_FOUND' });
    const span = spanNamed(await tracing.spans(1), 'POST /graphql');
    expect(recorded(span)).toEqual({
      ...NOT_FOUND_ON_SPAN,
      attributes: { ...NOT_FOUND_ON_SPAN.attributes, 'app.request_id': 'otel-gql' },
    });
  });
});

@WebSocketGateway()
@UseInterceptors(WsMessageSpanInterceptor)
class ProductGateway {
  @SubscribeMessage('product')
  product(): never {
    throw new OperatedException(ErrorCode.RESOURCE_NOT_FOUND, 'Product 9 not found');
  }
}

describe('a WebSocket failure on the active span', () => {
  const [socketIo] = WS_PLATFORMS;
  let app: INestApplication;

  beforeAll(async () => {
    app = await createApp(
      'express',
      { imports: [ErrorHandlingModule.forRoot({ opentelemetry: true })], providers: [ProductGateway] },
      {},
      (created) => created.useWebSocketAdapter(socketIo.adapter(created)),
    );
    await app.listen(0, '127.0.0.1');
  });

  afterAll(() => app?.close());

  it("records the handler's failure on the message's span", async () => {
    const client = await socketIo.connect(app.getHttpServer().address().port);
    try {
      client.send('product', {});
      const [envelope] = (await eventsOf(client, 'exception')) as Array<{ requestId: string }>;
      expect(envelope).toMatchObject({ code: 4001, reason: 'RESOURCE_NOT_FOUND' });
      const span = spanNamed(await tracing.spans(1), 'ws product');
      expect(recorded(span)).toEqual({
        ...NOT_FOUND_ON_SPAN,
        attributes: { ...NOT_FOUND_ON_SPAN.attributes, 'app.request_id': envelope.requestId },
      });
    } finally {
      await client.close();
    }
  });
});

describe('the opentelemetry option', () => {
  it('rejects a value that is not a boolean at startup', async () => {
    await expect(
      Test.createTestingModule({
        imports: [ErrorHandlingModule.forRoot({ opentelemetry: 'yes' as unknown as boolean })],
      }).compile(),
    ).rejects.toThrow(/`opentelemetry` must be true or false/);
  });

  it('is the only way src/ loads @opentelemetry/api: one dynamic import, made when the option is on', () => {
    const src = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');
    const mentions = readdirSync(src, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts'))
      .flatMap((file) =>
        readFileSync(join(src, file), 'utf8')
          .split('\n')
          .filter((line) => line.includes("'@opentelemetry/api'"))
          .map((line) => `${file}: ${line.trim()}`),
      );
    expect(mentions).toEqual([
      "telemetry/telemetry.ts: import type { Tracer } from '@opentelemetry/api';",
      "telemetry/telemetry.ts: type OpenTelemetryApi = typeof import('@opentelemetry/api');",
      "telemetry/telemetry.ts: return new Telemetry(await import('@opentelemetry/api'));",
    ]);
  });
});
