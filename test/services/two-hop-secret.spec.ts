import { Controller, Get, Inject, Module, type INestApplication, type INestMicroservice } from '@nestjs/common';
import { ClientsModule, MessagePattern, Transport, type ClientProxy } from '@nestjs/microservices';
import { LoggerModule } from 'nestjs-pino';
import { firstValueFrom } from 'rxjs';
import request from 'supertest';
import { ErrorCode, ErrorHandlingModule } from '../../src/index.js';
import { LogCapture } from '../support/log-capture.js';
import { createMicroservice, freePort } from '../support/microservices.js';
import { createApp, PLATFORMS } from '../support/platforms.js';

const MARKER = 'hunter2';

@Controller()
class ServiceB {
  @MessagePattern('find')
  find(): never {
    throw new Error(`db password=${MARKER}`);
  }
}

/** Every error A's call to B ended with, as A's code received it. */
const receivedByA: unknown[] = [];

@Controller()
class ServiceA {
  constructor(@Inject('B') private readonly b: ClientProxy) {}

  @MessagePattern('find')
  async find(): Promise<unknown> {
    try {
      return await firstValueFrom(this.b.send('find', {}));
    } catch (error) {
      receivedByA.push(error);
      throw error;
    }
  }
}

@Controller()
class EdgeController {
  constructor(@Inject('A') private readonly a: ClientProxy) {}

  @Get('products')
  find(): Promise<unknown> {
    return firstValueFrom(this.a.send('find', {}));
  }
}

const capture = new LogCapture();
const logger = LoggerModule.forRoot({ pinoHttp: [{ level: 'trace' }, capture] });
const production = ErrorHandlingModule.forRoot({ mode: 'production' });

describe.each(PLATFORMS)('a secret in an unexpected error two hops away, edge on %s, production mode', (platform) => {
  let a: INestMicroservice;
  let b: INestMicroservice;
  let edge: INestApplication;

  beforeAll(async () => {
    const [portA, portB] = [await freePort(), await freePort()];
    b = await createMicroservice(
      { imports: [logger, production], controllers: [ServiceB] },
      { transport: Transport.TCP, options: { host: '127.0.0.1', port: portB } },
    );
    a = await createMicroservice(
      {
        imports: [
          logger,
          production,
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
        production,
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

  it('answers 500 UNEXPECTED_ERROR, and the marker reaches neither A nor the edge nor the client', async () => {
    receivedByA.length = 0;
    capture.clear();
    const requestId = `secret-${platform}`;
    const response = await request(edge.getHttpServer()).get('/products').set('X-Request-Id', requestId).expect(500);

    expect(response.body).toEqual({
      code: 9000,
      reason: 'UNEXPECTED_ERROR',
      message: ErrorCode.UNEXPECTED_ERROR.message,
      requestId,
    });
    expect(response.text).not.toContain(MARKER);
    expect(JSON.stringify(response.headers)).not.toContain(MARKER);

    // A received B's envelope, masked by B: the catalogue message, no stack, no cause, no own fields.
    expect(receivedByA).toEqual([
      { code: 9000, reason: 'UNEXPECTED_ERROR', status: 500, message: ErrorCode.UNEXPECTED_ERROR.message, requestId },
    ]);

    // B's record is B's log: the contract keeps the error's own message there (redaction goes by
    // field names, docs/logging.md#redaction), so the marker is in B's record and nowhere else.
    const records = capture.lines.filter((line) => line.reason === 'UNEXPECTED_ERROR');
    expect(records.map((line) => [line.transport, line.requestId, line.upstream?.reason])).toEqual([
      ['rpc', requestId, undefined],
      ['rpc', requestId, 'UNEXPECTED_ERROR'],
      ['http', requestId, 'UNEXPECTED_ERROR'],
    ]);
    const [recordOfB] = records;
    expect(recordOfB.err).toMatchObject({ type: 'Error', message: `db password=${MARKER}` });
    const rawLines = capture.raw.join('').split('\n').filter(Boolean);
    expect(rawLines.filter((line) => line.includes(MARKER))).toEqual([JSON.stringify(recordOfB)]);
  });
});
