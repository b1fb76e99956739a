import { Injectable, UseGuards, type CanActivate, type ExecutionContext, type INestApplication } from '@nestjs/common';
import { MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { Logger, LoggerModule } from 'nestjs-pino';
import { ErrorHandlingModule } from '../../src/index.js';
import { ANY_ENVELOPE, assertSafeAnswers, expectErrorStatus, FUZZ_SEED, thrownFor } from '../support/fuzz-property.js';
import { LogCapture } from '../support/log-capture.js';
import { createApp } from '../support/platforms.js';
import { collectUnhandledRejections } from '../support/unhandled-rejections.js';
import { eventsOf, WS_PLATFORMS, type WsTestClient } from '../support/ws-clients.js';

const RUNS_PER_SITE = 40;

interface FuzzCall {
  site: 'handler' | 'guard';
  id: string;
}

@Injectable()
class ThrowingGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const { site, id } = context.switchToWs().getData<FuzzCall>();
    if (site === 'guard') throw thrownFor(id);
    return true;
  }
}

@WebSocketGateway()
@UseGuards(ThrowingGuard)
class FuzzGateway {
  @SubscribeMessage('fuzz')
  fuzz(@MessageBody() { id }: FuzzCall): never {
    throw thrownFor(id);
  }

  /** Breaks `instanceof`, so the module's own pipeline fails and its fixed answer goes out. */
  @SubscribeMessage('unresolvable')
  unresolvable(): never {
    throw new Proxy(new Error('unresolvable'), {
      getPrototypeOf: () => {
        throw new Error('trap');
      },
    });
  }

  @SubscribeMessage('ping')
  ping() {
    return { event: 'pong', data: 'alive' };
  }
}

const capture = new LogCapture();

/** Every event the client got for one message: exactly one `exception`, and nothing else. */
async function answerOf(client: WsTestClient, call: FuzzCall) {
  client.clear();
  client.send('fuzz', call);
  await eventsOf(client, 'exception', { withinMs: 2_000, settleMs: 20 });
  return [...client.received];
}

describe.each(WS_PLATFORMS)('fuzzing thrown values over a WebSocket gateway on $name', (platform) => {
  const unhandled = collectUnhandledRejections();
  let app: INestApplication;
  let client: WsTestClient;

  beforeAll(async () => {
    app = await createApp(
      'express',
      {
        imports: [
          LoggerModule.forRoot({ pinoHttp: [{ level: 'trace' }, capture] }),
          ErrorHandlingModule.forRoot({ mode: 'production' }),
        ],
        providers: [FuzzGateway],
      },
      { bufferLogs: true },
      (created) => {
        created.useWebSocketAdapter(platform.adapter(created));
        created.useLogger(created.get(Logger));
      },
    );
    await app.listen(0, '127.0.0.1');
    client = await platform.connect(app.getHttpServer().address().port);
  });
  afterAll(async () => {
    await client?.close();
    await app?.close();
  });

  it('records a failure its own pipeline could not answer with the request id and transport of the fixed answer', async () => {
    capture.clear();
    client.clear();
    client.send('unresolvable', {});
    const [envelope] = (await eventsOf(client, 'exception')) as Array<{ requestId: string }>;
    expect(envelope).toEqual({ ...ANY_ENVELOPE, status: 500, pattern: 'unresolvable' });
    expect(capture.lines.filter((line) => line.requestId === envelope.requestId)).toEqual([
      expect.objectContaining({ transport: 'ws', msg: expect.stringContaining('Error handling failed (trap)') }),
    ]);
  });

  it.each(['handler', 'guard'] as const)(
    `answers ${RUNS_PER_SITE} generated values thrown from a %s with one safe exception event (seed ${FUZZ_SEED})`,
    async (site) => {
      await assertSafeAnswers({
        numRuns: RUNS_PER_SITE,
        call: (id) => {
          capture.clear();
          return answerOf(client, { site, id });
        },
        check: (received) => {
          expect(received).toEqual([{ event: 'exception', data: { ...ANY_ENVELOPE, pattern: 'fuzz' } }]);
          const envelope = received[0].data as { status: number; requestId: string };
          expectErrorStatus(envelope.status);
          // One record per failure, found by the request id the client got (it keeps the thrown
          // message for the operator: the client does not get it).
          const records = capture.lines.filter((line) => line.requestId === envelope.requestId);
          expect(records).toEqual([expect.objectContaining({ transport: 'ws', level: 50 })]);
        },
      });
      client.clear();
      client.send('ping', {});
      expect(await eventsOf(client, 'pong', { settleMs: 0 })).toEqual(['alive']);
      expect(unhandled).toEqual([]);
    },
  );
});
