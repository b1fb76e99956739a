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
import fc from 'fast-check';
import request from 'supertest';
import { ErrorHandlingModule } from '../../src/index.js';
import { MARKER, thrownValue } from '../support/hostile-values.js';
import { createApp, PLATFORMS } from '../support/platforms.js';

const SEED = 20261123;
const RUNS_PER_SITE = 300;
const TIME_BOUND_MS = 2_000;

/** The value each request throws, by case id (a header), so a generated value can cross HTTP. */
const cases = new Map<string, unknown>();
const thrownFor = (id: string | undefined): unknown => cases.get(id ?? '');

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
      let counter = 0;
      await fc.assert(
        fc.asyncProperty(thrownValue, async (build) => {
          const id = `c${(counter += 1)}`;
          cases.set(id, build());
          try {
            const started = Date.now();
            const response = await request(server).get(`/fuzz/${site}/${id}`).set('X-Case', id).timeout(TIME_BOUND_MS);
            expect(Date.now() - started).toBeLessThan(TIME_BOUND_MS);
            expect(response.status).toBeGreaterThanOrEqual(400);
            expect(response.status).toBeLessThanOrEqual(599);
            expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
            const body = JSON.parse(response.text);
            expect(body).toEqual({
              code: expect.any(Number),
              reason: expect.any(String),
              message: expect.any(String),
              requestId: response.headers['x-request-id'],
            });
            expect(response.text).not.toContain(MARKER);
            expect(response.text).not.toContain('/srv/app');
          } finally {
            cases.delete(id);
          }
        }),
        { seed: SEED, numRuns: RUNS_PER_SITE },
      );
      console.log(`fuzz ${platform} ${site}: ${counter} generated values, seed ${SEED}`);
      expect(counter).toBeGreaterThanOrEqual(RUNS_PER_SITE);
      expect((await request(server).get('/fuzz/alive')).text).toBe('alive');
    },
  );
});
