import { Controller, Get, Inject, Module, type INestApplication, type INestMicroservice } from '@nestjs/common';
import { ClientsModule, MessagePattern, Transport, type ClientProxy } from '@nestjs/microservices';
import { ApplicationConfig } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { firstValueFrom } from 'rxjs';
import request from 'supertest';
import { ErrorCode, ErrorHandlingModule, OperatedException } from '../../src/index.js';
import { RequestContext } from '../../src/services/request-context.js';
import { RequestContextInterceptor } from '../../src/services/request-context.interceptor.js';
import { LogCapture } from '../support/log-capture.js';
import { callerError, createClient, createMicroservice, freePort } from '../support/microservices.js';
import { createApp, PLATFORMS } from '../support/platforms.js';

@Controller()
class ServiceB {
  @MessagePattern('find')
  find(): never {
    throw new OperatedException(ErrorCode.RESOURCE_NOT_FOUND, 'Product not found');
  }
}

@Controller()
class ServiceA {
  constructor(@Inject('B') private readonly b: ClientProxy) {}

  @MessagePattern('find')
  find(): Promise<unknown> {
    return firstValueFrom(this.b.send('find', {}));
  }
}

@Controller()
class EdgeController {
  constructor(@Inject('A') private readonly a: ClientProxy) {}

  @Get('products')
  find(): Promise<unknown> {
    return firstValueFrom(this.a.send('find', {}));
  }

  @Get('alone')
  alone(): never {
    throw new OperatedException(ErrorCode.RESOURCE_NOT_FOUND);
  }
}

const capture = new LogCapture();
const logger = LoggerModule.forRoot({ pinoHttp: [{ level: 'trace' }, capture] });

describe.each(PLATFORMS)('one request id through every hop, edge on %s', (platform) => {
  let a: INestMicroservice;
  let b: INestMicroservice;
  let edge: INestApplication;
  let portA: number;

  beforeAll(async () => {
    portA = await freePort();
    const portB = await freePort();
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
      { transport: Transport.TCP, options: { host: '127.0.0.1', port: portA } },
    );
    @Module({
      imports: [
        logger,
        ErrorHandlingModule.forRoot(),
        ClientsModule.register([{ name: 'A', transport: Transport.TCP, options: { host: '127.0.0.1', port: portA } }]),
      ],
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

  it("answers B's 404 at the edge, and every hop's record carries the client's X-Request-Id", async () => {
    const response = await request(edge.getHttpServer())
      .get('/products')
      .set('X-Request-Id', 'client-id-1')
      .expect(404);
    expect(response.body).toEqual({
      code: 4001,
      reason: 'RESOURCE_NOT_FOUND',
      message: 'Product not found',
      requestId: 'client-id-1',
    });
    const records = capture.lines.filter((line) => line.reason === 'RESOURCE_NOT_FOUND');
    expect(records.map((line) => [line.transport, line.requestId])).toEqual([
      ['rpc', 'client-id-1'],
      ['rpc', 'client-id-1'],
      ['http', 'client-id-1'],
    ]);
    expect(records[2].upstream).toEqual({ requestId: 'client-id-1', code: 4001, reason: 'RESOURCE_NOT_FOUND' });
  });

  it('gives a call that came without an id one id, in the hop it makes and in its own record', async () => {
    const caller = await createClient({ transport: Transport.TCP, options: { host: '127.0.0.1', port: portA } });
    try {
      const error = (await callerError(caller, 'find')) as { requestId: string };
      const records = capture.lines.filter((line) => line.reason === 'RESOURCE_NOT_FOUND');
      expect(records.map((line) => line.requestId)).toEqual([error.requestId, error.requestId]);
    } finally {
      await caller.close();
    }
  });

  it('enters a request context only in apps that hold a ClientProxy', () => {
    expect(edge.get(RequestContext)).toBeInstanceOf(RequestContext);
    expect(a.get(RequestContext)).toBeInstanceOf(RequestContext);
    expect(b.get(RequestContext)).toBeNull();
  });

  it('makes its interceptor global only in apps that declare a ClientProxy', () => {
    const globalIn = (app: INestApplication | INestMicroservice) =>
      app
        .get(ApplicationConfig)
        .getGlobalInterceptors()
        .some((interceptor) => interceptor instanceof RequestContextInterceptor);
    expect([globalIn(edge), globalIn(a), globalIn(b)]).toEqual([true, true, false]);
  });
});
