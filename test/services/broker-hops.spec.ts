import { headers as natsHeaders, type MsgHdrs } from '@nats-io/transport-node';
import { Controller, Get } from '@nestjs/common';
import { Ctx, EventPattern, MessagePattern, NatsContext, NatsRecordBuilder } from '@nestjs/microservices';
import { LoggerModule } from 'nestjs-pino';
import { firstValueFrom } from 'rxjs';
import request from 'supertest';
import { ErrorCode, ErrorHandlingModule, OperatedException } from '../../src/index.js';
import { useBroker } from '../support/brokers.js';
import { LogCapture } from '../support/log-capture.js';
import { PLATFORMS } from '../support/platforms.js';
import { brokerHop, EdgeController, ServiceA, startServiceChain, type ServiceChain } from '../support/service-chain.js';

/** The headers a NATS record of the edge's carries: one object, shared by every call that sends it. */
const sharedHeaders: MsgHdrs = natsHeaders();
sharedHeaders.set('X-Tenant', 'tenant-7');

@Controller()
class BrokerServiceA extends ServiceA {
  @EventPattern('audit')
  audit(_data: unknown): void {
    throw new OperatedException(ErrorCode.CONFLICT, 'Audit refused');
  }

  /** What a NATS message reached A with: its header names and values. */
  @MessagePattern('headers')
  headers(@Ctx() context: NatsContext): Record<string, string> {
    const headers = context.getHeaders();
    return Object.fromEntries((headers?.keys() ?? []).map((key: string) => [key, headers!.get(key)]));
  }
}

@Controller()
class BrokerEdge extends EdgeController {
  @Get('audit')
  audit(): string {
    this.a.emit('audit', {});
    return 'sent';
  }

  @Get('headers')
  headers(): Promise<unknown> {
    return firstValueFrom(this.a.send('headers', new NatsRecordBuilder({}).setHeaders(sharedHeaders).build()));
  }
}

// One capture for the file: nestjs-pino makes its pino instance once per process.
const capture = new LogCapture();
const logger = LoggerModule.forRoot({ pinoHttp: [{ level: 'trace' }, capture] });

describe.each(['nats', 'redis'] as const)('edge → %s → service A → TCP → service B', (kind) => {
  const broker = useBroker(kind);

  describe.each(PLATFORMS)('edge on %s', (platform) => {
    let chain: ServiceChain;

    beforeAll(async () => {
      chain = await startServiceChain(platform, [logger, ErrorHandlingModule.forRoot()], [], {
        controllers: { edge: BrokerEdge, a: BrokerServiceA },
        toA: brokerHop(broker()),
      });
    });

    afterAll(() => chain?.close());

    afterEach(() => capture.clear());

    it("answers B's 404 envelope at the edge, and all three records carry the client's X-Request-Id", async () => {
      const response = await request(chain.edge.getHttpServer())
        .get('/products')
        .set('X-Request-Id', `hop-${kind}-${platform}`)
        .expect(404);
      expect(response.body).toEqual({
        code: 4001,
        reason: 'RESOURCE_NOT_FOUND',
        message: 'Product not found',
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

    it("carries the request id on events too: A's record of a failing event names it", async () => {
      await request(chain.edge.getHttpServer()).get('/audit').set('X-Request-Id', `event-${kind}`).expect(200);
      await vi.waitFor(() => expect(capture.lines.some((line) => line.reason === 'CONFLICT')).toBe(true));
      expect(capture.lines.find((line) => line.reason === 'CONFLICT')).toMatchObject({
        transport: 'rpc',
        pattern: 'audit',
        requestId: `event-${kind}`,
      });
    });

    if (kind === 'nats') {
      it("adds the request id to a NatsRecord's headers on the wire, keeping its own and leaving it unchanged", async () => {
        const response = await request(chain.edge.getHttpServer()).get('/headers').set('X-Request-Id', 'with-record');
        expect(response.body).toEqual({ 'X-Tenant': 'tenant-7', 'x-request-id': 'with-record' });
        // The next call sends the same record with its own id: the shared headers never kept one.
        expect(sharedHeaders.keys()).toEqual(['X-Tenant']);
        const next = await request(chain.edge.getHttpServer()).get('/headers').set('X-Request-Id', 'with-record-2');
        expect(next.body).toEqual({ 'X-Tenant': 'tenant-7', 'x-request-id': 'with-record-2' });
      });

      it('keeps a request id header the record set itself, whatever its case', async () => {
        sharedHeaders.set('X-Request-Id', 'set-by-the-caller');
        try {
          const response = await request(chain.edge.getHttpServer())
            .get('/headers')
            .set('X-Request-Id', 'from-the-edge');
          expect(response.body).toEqual({ 'X-Tenant': 'tenant-7', 'X-Request-Id': 'set-by-the-caller' });
        } finally {
          sharedHeaders.delete('X-Request-Id');
        }
      });
    }
  });
});
