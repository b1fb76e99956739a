import type { INestApplication, INestMicroservice } from '@nestjs/common';
import { ApplicationConfig } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import request from 'supertest';
import { ErrorHandlingModule } from '../../src/index.js';
import { RequestContext } from '../../src/services/request-context.js';
import { RequestContextInterceptor } from '../../src/services/request-context.interceptor.js';
import { LogCapture } from '../support/log-capture.js';
import { callerError, createClient } from '../support/microservices.js';
import { PLATFORMS } from '../support/platforms.js';
import { EdgeController, ServiceA, ServiceB, startServiceChain, type ServiceChain } from '../support/service-chain.js';

const capture = new LogCapture();
const logger = LoggerModule.forRoot({ pinoHttp: [{ level: 'trace' }, capture] });

describe.each(PLATFORMS)('one request id through every hop, edge on %s', (platform) => {
  let chain: ServiceChain;

  beforeAll(async () => {
    chain = await startServiceChain(platform, [logger, ErrorHandlingModule.forRoot()]);
  });

  afterAll(() => chain?.close());

  afterEach(() => capture.clear());

  it("answers B's 404 at the edge, and every hop's record carries the client's X-Request-Id", async () => {
    const response = await request(chain.edge.getHttpServer())
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
    const caller = await createClient(chain.toA);
    try {
      const error = (await callerError(caller, 'find')) as { requestId: string };
      const records = capture.lines.filter((line) => line.reason === 'RESOURCE_NOT_FOUND');
      expect(records.map((line) => line.requestId)).toEqual([error.requestId, error.requestId]);
    } finally {
      await caller.close();
    }
  });

  it('enters a request context only in apps that declare a ClientProxy', () => {
    expect(chain.edge.get(RequestContext)).toBeInstanceOf(RequestContext);
    expect(chain.a.get(RequestContext)).toBeInstanceOf(RequestContext);
    expect(chain.b.get(RequestContext)).toBeNull();
  });

  it('puts its interceptor on the message handlers of apps that declare a ClientProxy, and is global nowhere', () => {
    const globalIn = (app: INestApplication | INestMicroservice) =>
      app
        .get(ApplicationConfig)
        .getGlobalInterceptors()
        .some((interceptor) => interceptor instanceof RequestContextInterceptor);
    expect([globalIn(chain.edge), globalIn(chain.a), globalIn(chain.b)]).toEqual([false, false, false]);
    const on = (method: Function) =>
      ((Reflect.getMetadata('__interceptors__', method) ?? []) as unknown[]).some(
        (interceptor) => interceptor instanceof RequestContextInterceptor,
      );
    // A's message handlers; not B's (no client), nor the edge's HTTP routes (the hook enters the context).
    expect([on(ServiceA.prototype.find), on(ServiceB.prototype.find), on(EdgeController.prototype.find)]).toEqual([
      true,
      false,
      false,
    ]);
  });
});
