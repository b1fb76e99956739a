import {
  CanActivate,
  Controller,
  ExecutionContext,
  Injectable,
  UseGuards,
  type INestMicroservice,
} from '@nestjs/common';
import { MessagePattern, Payload, Transport, type ClientProxy } from '@nestjs/microservices';
import fc from 'fast-check';
import { firstValueFrom } from 'rxjs';
import { ErrorHandlingModule } from '../../src/index.js';
import { MARKER, thrownValue } from '../support/hostile-values.js';
import { callerError, createClient, createMicroservice, freePort } from '../support/microservices.js';

const SEED = 20261202;
const RUNS_PER_SITE = 200;
const TIME_BOUND_MS = 2_000;

/** The value each call throws, by case id in its payload, so a generated value can cross the transport. */
const cases = new Map<string, unknown>();

@Injectable()
class ThrowingGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const { site, id } = context.switchToRpc().getData<{ site: string; id: string }>();
    if (site === 'guard') throw cases.get(id);
    return true;
  }
}

@Controller()
@UseGuards(ThrowingGuard)
class FuzzController {
  @MessagePattern('fuzz')
  fuzz(@Payload() { id }: { id: string }): never {
    throw cases.get(id);
  }

  @MessagePattern('alive')
  alive(): string {
    return 'alive';
  }
}

describe('fuzzing thrown values over an RPC transport (TCP)', () => {
  let service: INestMicroservice;
  let client: ClientProxy;

  beforeAll(async () => {
    const options = { host: '127.0.0.1', port: await freePort() };
    service = await createMicroservice(
      { imports: [ErrorHandlingModule.forRoot({ mode: 'production' })], controllers: [FuzzController] },
      { transport: Transport.TCP, options },
    );
    client = await createClient({ transport: Transport.TCP, options });
  });

  afterAll(async () => {
    await client?.close();
    await service?.close();
  });

  it.each(['handler', 'guard'])(
    `answers ${RUNS_PER_SITE} generated values thrown from a %s with a safe envelope (seed ${SEED})`,
    async (site) => {
      let counter = 0;
      await fc.assert(
        fc.asyncProperty(thrownValue, async (build) => {
          const id = `c${(counter += 1)}`;
          cases.set(id, build());
          try {
            const started = Date.now();
            const error = await callerError(client, 'fuzz', { site, id });
            expect(Date.now() - started).toBeLessThan(TIME_BOUND_MS);
            expect(error).toEqual({
              code: expect.any(Number),
              reason: expect.any(String),
              status: expect.any(Number),
              message: expect.any(String),
              requestId: expect.any(String),
            });
            const { status } = error as { status: number };
            expect(status).toBeGreaterThanOrEqual(400);
            expect(status).toBeLessThanOrEqual(599);
            expect(JSON.stringify(error)).not.toContain(MARKER);
            expect(JSON.stringify(error)).not.toContain('/srv/app');
          } finally {
            cases.delete(id);
          }
        }),
        { seed: SEED, numRuns: RUNS_PER_SITE },
      );
      expect(counter).toBeGreaterThanOrEqual(RUNS_PER_SITE);
      expect(await firstValueFrom(client.send('alive', {}))).toBe('alive');
    },
  );
});
