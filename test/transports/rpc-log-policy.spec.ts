import { Controller, type INestMicroservice } from '@nestjs/common';
import { MessagePattern, Transport, type ClientProxy } from '@nestjs/microservices';
import { LoggerModule } from 'nestjs-pino';
import { defineErrorCodes, ErrorCode, ErrorHandlingModule, OperatedException } from '../../src/index.js';
import { LogCapture } from '../support/log-capture.js';
import { callerError, createClient, createMicroservice, freePort } from '../support/microservices.js';

const AppError = defineErrorCodes({
  ...ErrorCode,
  CACHE_MISS: { code: 4104, status: 404, message: 'Not cached', log: false },
});

@Controller()
class LookupController {
  @MessagePattern('miss')
  miss(): never {
    throw new OperatedException(AppError.CACHE_MISS);
  }

  @MessagePattern('lookup')
  lookup(): never {
    throw new OperatedException(ErrorCode.RESOURCE_NOT_FOUND);
  }
}

describe('per-entry policy and throttled records over RPC (TCP)', () => {
  const capture = new LogCapture();
  let service: INestMicroservice;
  let client: ClientProxy;

  beforeAll(async () => {
    const options = { host: '127.0.0.1', port: await freePort() };
    service = await createMicroservice(
      {
        imports: [
          LoggerModule.forRoot({ pinoHttp: [{ level: 'trace' }, capture] }),
          ErrorHandlingModule.forRoot({ codes: AppError, logging: { throttle: { windowMs: 60_000, limit: 2 } } }),
        ],
        controllers: [LookupController],
      },
      { transport: Transport.TCP, options },
    );
    client = await createClient({ transport: Transport.TCP, options });
  });

  afterAll(async () => {
    await client?.close();
    await service?.close();
  });

  it('answers every call but writes no record for `log: false` and at most `limit` for one pattern', async () => {
    for (let call = 0; call < 5; call += 1) {
      expect(await callerError(client, 'miss')).toMatchObject({ reason: 'CACHE_MISS' });
      expect(await callerError(client, 'lookup')).toMatchObject({ reason: 'RESOURCE_NOT_FOUND' });
    }
    const records = capture.lines.filter((line) => line.context === 'ErrorHandling');
    expect(records.map((line) => [line.transport, line.pattern, line.reason])).toEqual([
      ['rpc', 'lookup', 'RESOURCE_NOT_FOUND'],
      ['rpc', 'lookup', 'RESOURCE_NOT_FOUND'],
    ]);
  });
});
