import { Controller, Get, Inject, Module, Param, type INestApplication, type INestMicroservice } from '@nestjs/common';
import { ClientsModule, Transport, type ClientProxy } from '@nestjs/microservices';
import { LoggerModule } from 'nestjs-pino';
import { firstValueFrom, timeout } from 'rxjs';
import request from 'supertest';
import { ErrorCode, ErrorHandlingModule, isUpstreamEnvelope } from '../../src/index.js';
import { LogCapture } from '../support/log-capture.js';
import { createMicroservice, freePort } from '../support/microservices.js';
import { createApp, PLATFORMS } from '../support/platforms.js';
import { ProductsService } from './fixtures/services.js';

@Controller()
class EdgeController {
  constructor(
    @Inject('PRODUCTS') private readonly products: ClientProxy,
    @Inject('NOWHERE') private readonly nowhere: ClientProxy,
  ) {}

  @Get('products/:pattern')
  call(@Param('pattern') pattern: string): Promise<unknown> {
    return firstValueFrom(this.products.send(pattern, {}).pipe(timeout(pattern === 'slow' ? 100 : 5_000)));
  }

  @Get('unreachable')
  unreachable(): Promise<unknown> {
    return firstValueFrom(this.nowhere.send('find', {}));
  }

  @Get('lookalike')
  lookalike(): never {
    // An arbitrary object with a status and a message is not a service's envelope.
    throw { status: 404, message: 'looks like an answer' };
  }
}

const capture = new LogCapture();

describe.each(PLATFORMS)('the HTTP edge on %s answers what the service said', (platform) => {
  let service: INestMicroservice;
  let edge: INestApplication;

  beforeAll(async () => {
    const port = await freePort();
    const closedPort = await freePort();
    service = await createMicroservice(
      {
        imports: [
          LoggerModule.forRoot({ pinoHttp: [{ level: 'trace' }, capture] }),
          ErrorHandlingModule.forRoot({ mode: 'production' }),
        ],
        controllers: [ProductsService],
      },
      { transport: Transport.TCP, options: { host: '127.0.0.1', port } },
    );
    @Module({
      imports: [
        LoggerModule.forRoot({ pinoHttp: [{ level: 'trace' }, capture] }),
        ErrorHandlingModule.forRoot({ mode: 'production' }),
        ClientsModule.register([
          { name: 'PRODUCTS', transport: Transport.TCP, options: { host: '127.0.0.1', port } },
          { name: 'NOWHERE', transport: Transport.TCP, options: { host: '127.0.0.1', port: closedPort } },
        ]),
      ],
      controllers: [EdgeController],
    })
    class EdgeModule {}
    edge = await createApp(platform, { imports: [EdgeModule] });
  });

  afterAll(async () => {
    await edge?.close();
    await service?.close();
  });

  afterEach(() => capture.clear());

  it("answers a service's 404 envelope with its code, reason, message and details, and names it upstream", async () => {
    const response = await request(edge.getHttpServer()).get('/products/find').expect(404);
    expect(response.body).toEqual({
      code: 4001,
      reason: 'RESOURCE_NOT_FOUND',
      message: 'Product not found',
      details: { productId: 99 },
      requestId: response.headers['x-request-id'],
    });
    const serviceRecord = capture.lines.find((line) => line.transport === 'rpc');
    const edgeRecord = capture.lines.find((line) => line.transport === 'http' && line.reason);
    expect(serviceRecord).toMatchObject({ reason: 'RESOURCE_NOT_FOUND', pattern: 'find' });
    expect(edgeRecord).toMatchObject({
      status: 404,
      reason: 'RESOURCE_NOT_FOUND',
      requestId: response.body.requestId,
      upstream: { requestId: serviceRecord?.requestId, code: 4001, reason: 'RESOURCE_NOT_FOUND' },
    });
  });

  it("answers a service's unexpected error with 500 UNEXPECTED_ERROR, and the secret crosses no hop", async () => {
    const response = await request(edge.getHttpServer()).get('/products/crash').expect(500);
    expect(response.body).toEqual({
      code: 9000,
      reason: 'UNEXPECTED_ERROR',
      message: ErrorCode.UNEXPECTED_ERROR.message,
      requestId: response.headers['x-request-id'],
    });
    const edgeRecord = capture.lines.find((line) => line.transport === 'http' && line.reason);
    expect(edgeRecord?.upstream).toMatchObject({ code: 9000, reason: 'UNEXPECTED_ERROR' });
    expect(JSON.stringify(edgeRecord)).not.toContain('hunter2');
    expect(response.text).not.toContain('hunter2');
  });

  it('answers a call that cannot connect with 503 CONNECTION_ERROR', async () => {
    const response = await request(edge.getHttpServer()).get('/unreachable').expect(503);
    expect(response.body).toMatchObject({ code: 9001, reason: 'CONNECTION_ERROR' });
  });

  it('answers a call cut off by rxjs timeout() with 504 MODEL_TIMEOUT', async () => {
    const response = await request(edge.getHttpServer()).get('/products/slow').expect(504);
    expect(response.body).toMatchObject({ code: 9101, reason: 'MODEL_TIMEOUT' });
  });

  it('does not take an arbitrary object with a status for an envelope', async () => {
    const response = await request(edge.getHttpServer()).get('/lookalike').expect(500);
    expect(response.body).toMatchObject({ code: 9000, reason: 'UNEXPECTED_ERROR' });
    const edgeRecord = capture.lines.find((line) => line.transport === 'http' && line.reason);
    expect(edgeRecord?.upstream).toBeUndefined();
  });
});

describe('isUpstreamEnvelope', () => {
  const envelope = { code: 4001, reason: 'RESOURCE_NOT_FOUND', status: 404, message: 'x', requestId: 'r1' };

  it('recognises the envelope, with details and development fields', () => {
    expect(isUpstreamEnvelope(envelope)).toBe(true);
    expect(isUpstreamEnvelope({ ...envelope, details: [1], stack: 's', cause: [] })).toBe(true);
  });

  it.each([
    ['an object with only a status', { status: 404, message: 'x' }],
    ['an extra key', { ...envelope, statusCode: 404 }],
    ['a status outside 400–599', { ...envelope, status: 200 }],
    ['a lower-case reason', { ...envelope, reason: 'not found' }],
    ['a missing request id', { ...envelope, requestId: undefined }],
    ['an Error instance', Object.assign(new Error('x'), envelope)],
    ['null', null],
  ])('rejects %s', (_name, value) => {
    expect(isUpstreamEnvelope(value)).toBe(false);
  });
});
