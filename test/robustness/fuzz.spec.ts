import {
  CanActivate,
  Controller,
  ExecutionContext,
  Get,
  Injectable,
  INestApplication,
  Param,
  PipeTransform,
  UseGuards,
} from '@nestjs/common';
import request from 'supertest';
import { ErrorHandlingModule } from '../../src/index.js';
import { assertSafeAnswers, expectErrorStatus, thrownFor, TIME_BOUND_MS } from '../support/fuzz-property.js';
import { MARKER } from '../support/hostile-values.js';
import { createApp, PLATFORMS } from '../support/platforms.js';

// The HTTP suite keeps the seed it was written with; the transports' suites share FUZZ_SEED.
const SEED = 20261123;
const RUNS_PER_SITE = 300;

@Injectable()
class ThrowingGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (context.switchToHttp().getRequest().url.includes('/guard'))
      throw thrownFor(context.switchToHttp().getRequest().headers['x-case']);
    return true;
  }
}

@Injectable()
class ThrowingPipe implements PipeTransform {
  transform(value: string): never {
    throw thrownFor(value);
  }
}

@Controller('fuzz')
@UseGuards(ThrowingGuard)
class FuzzController {
  @Get('handler/:id')
  handler(@Param('id') id: string) {
    throw thrownFor(id);
  }

  @Get('guard/:id')
  guard() {}

  @Get('pipe/:id')
  pipe(@Param('id', ThrowingPipe) _id: string) {}

  @Get('alive')
  alive() {
    return 'alive';
  }
}

describe.each(PLATFORMS)('fuzzing thrown values on %s', (platform) => {
  let app: INestApplication;
  beforeAll(async () => {
    app = await createApp(platform, {
      imports: [ErrorHandlingModule.forRoot({ mode: 'production' })],
      controllers: [FuzzController],
    });
  });
  afterAll(() => app.close());

  it.each(['handler', 'guard', 'pipe'])(
    `answers ${RUNS_PER_SITE} generated values thrown from a %s with a safe envelope (seed ${SEED})`,
    async (site) => {
      const server = app.getHttpServer();
      const counter = await assertSafeAnswers({
        numRuns: RUNS_PER_SITE,
        seed: SEED,
        call: async (id) => {
          const response = await request(server).get(`/fuzz/${site}/${id}`).set('X-Case', id).timeout(TIME_BOUND_MS);
          const { status, text, headers } = response;
          return { status, text, contentType: headers['content-type'], requestId: headers['x-request-id'] };
        },
        check: ({ status, text, contentType, requestId }) => {
          expectErrorStatus(status);
          expect(contentType).toBe('application/json; charset=utf-8');
          expect(JSON.parse(text)).toEqual({
            code: expect.any(Number),
            reason: expect.any(String),
            message: expect.any(String),
            requestId,
          });
          expect(text).not.toContain(MARKER);
          expect(text).not.toContain('/srv/app');
        },
      });
      console.log(`fuzz ${platform} ${site}: ${counter} generated values, seed ${SEED}`);
      expect(counter).toBeGreaterThanOrEqual(RUNS_PER_SITE);
      expect((await request(server).get('/fuzz/alive')).text).toBe('alive');
    },
  );
});
