import {
  CanActivate,
  Controller,
  ExecutionContext,
  Injectable,
  UseGuards,
  type INestMicroservice,
} from '@nestjs/common';
import { MessagePattern, Payload, Transport, type ClientProxy } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';
import { ErrorHandlingModule } from '../../src/index.js';
import { ANY_ENVELOPE, assertSafeAnswers, expectErrorStatus, FUZZ_SEED, thrownFor } from '../support/fuzz-property.js';
import { callerError, createClient, createMicroservice, freePort } from '../support/microservices.js';

const RUNS_PER_SITE = 200;

@Injectable()
class ThrowingGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const { site, id } = context.switchToRpc().getData<{ site: string; id: string }>();
    if (site === 'guard') throw thrownFor(id);
    return true;
  }
}

@Controller()
@UseGuards(ThrowingGuard)
class FuzzController {
  @MessagePattern('fuzz')
  fuzz(@Payload() { id }: { id: string }): never {
    throw thrownFor(id);
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
    `answers ${RUNS_PER_SITE} generated values thrown from a %s with a safe envelope (seed ${FUZZ_SEED})`,
    async (site) => {
      await assertSafeAnswers({
        numRuns: RUNS_PER_SITE,
        call: (id) => callerError(client, 'fuzz', { site, id }),
        check: (error) => {
          expect(error).toEqual(ANY_ENVELOPE);
          expectErrorStatus((error as { status: number }).status);
        },
      });
      expect(await firstValueFrom(client.send('alive', {}))).toBe('alive');
    },
  );
});
