import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { LoggerModule } from 'nestjs-pino';
import request from 'supertest';
import { ErrorCode, ErrorHandlingModule } from '../../src/index.js';
import { LogCapture } from '../support/log-capture.js';
import { PLATFORMS } from '../support/platforms.js';
import { ServiceA, startServiceChain, type ServiceChain } from '../support/service-chain.js';

const MARKER = 'hunter2';

@Controller()
class ServiceWithSecret {
  @MessagePattern('find')
  find(): never {
    throw new Error(`db password=${MARKER}`);
  }
}

/** Every error A's call to B ended with, as A's code received it. */
const receivedByA: unknown[] = [];

@Controller()
class ServiceCapturingA extends ServiceA {
  @MessagePattern('find')
  async find(): Promise<unknown> {
    try {
      return await super.find();
    } catch (error) {
      receivedByA.push(error);
      throw error;
    }
  }
}

const capture = new LogCapture();
const logger = LoggerModule.forRoot({ pinoHttp: [{ level: 'trace' }, capture] });

describe.each(PLATFORMS)('a secret in an unexpected error two hops away, edge on %s, production mode', (platform) => {
  let chain: ServiceChain;

  beforeAll(async () => {
    chain = await startServiceChain(platform, [logger, ErrorHandlingModule.forRoot({ mode: 'production' })], [], {
      controllers: { a: ServiceCapturingA, b: ServiceWithSecret },
    });
  });

  afterAll(() => chain?.close());

  it('answers 500 UNEXPECTED_ERROR, and the marker reaches neither A nor the edge nor the client', async () => {
    receivedByA.length = 0;
    capture.clear();
    const requestId = `secret-${platform}`;
    const response = await request(chain.edge.getHttpServer())
      .get('/products')
      .set('X-Request-Id', requestId)
      .expect(500);

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
