import { Controller, Get, Param, RequestMethod, type INestApplication } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import request from 'supertest';
import {
  defineErrorCodes,
  ErrorCode,
  ErrorHandlingModule,
  OperatedException,
  type ErrorHandlingModuleOptions,
  type ErrorLogContext,
} from '../../src/index.js';
import { LogCapture, type LogLine } from '../support/log-capture.js';
import { createApp, PLATFORMS, type Platform } from '../support/platforms.js';

const AppError = defineErrorCodes({
  ...ErrorCode,
  QUIET_NOT_FOUND: { code: 4102, status: 404, message: 'Nothing here', log: false },
  LOUD_CONFLICT: { code: 4103, status: 409, message: 'Someone was first', log: 'error', report: true },
  KNOWN_OUTAGE: { code: 5101, status: 503, message: 'Down for maintenance', report: false },
});

class ExpectedError extends Error {}

@Controller('policy')
class PolicyController {
  @Get('quiet')
  quiet(): never {
    throw new OperatedException(AppError.QUIET_NOT_FOUND);
  }

  @Get('loud')
  loud(): never {
    throw new OperatedException(AppError.LOUD_CONFLICT);
  }

  @Get('outage')
  outage(): never {
    throw new OperatedException(AppError.KNOWN_OUTAGE);
  }

  @Get('flood/:id')
  flood(@Param('id') id: string): never {
    throw new OperatedException(ErrorCode.RESOURCE_NOT_FOUND, `no product ${id}`);
  }

  @Get('crash')
  crash(): never {
    throw new ExpectedError('crash');
  }
}

// nestjs-pino builds its pino-http instance once per process: one capture serves every app here.
const capture = new LogCapture();
const records = (): LogLine[] => capture.lines.filter((line) => line.context === 'ErrorHandling');
const ALL_ROUTES = [{ path: '{*splat}', method: RequestMethod.ALL }];

describe.each(PLATFORMS)('per-entry log and report policy, and throttled records, on %s', (platform: Platform) => {
  let app: INestApplication;
  const reports: ErrorLogContext[] = [];

  async function boot(options: ErrorHandlingModuleOptions = {}): Promise<void> {
    app = await createApp(platform, {
      imports: [
        LoggerModule.forRoot({ forRoutes: ALL_ROUTES, pinoHttp: [{ level: 'trace' }, capture] }),
        ErrorHandlingModule.forRoot({
          codes: AppError,
          reporters: [{ report: (_error, context) => void reports.push(context) }],
          ...options,
        }),
      ],
      controllers: [PolicyController],
    });
  }

  afterEach(async () => {
    await app?.close();
    capture.clear();
    reports.length = 0;
  });

  describe('entries that say how they are logged and reported', () => {
    beforeEach(() => boot());

    it('writes no record for an entry with `log: false`', async () => {
      expect((await request(app.getHttpServer()).get('/policy/quiet')).status).toBe(404);
      expect(records()).toEqual([]);
    });

    it('logs an entry with `log: "error"` at error and reports it for `report: true`, though it is a 4xx', async () => {
      expect((await request(app.getHttpServer()).get('/policy/loud')).status).toBe(409);
      expect(records()).toEqual([expect.objectContaining({ level: 50, reason: 'LOUD_CONFLICT' })]);
      await vi.waitFor(() => expect(reports).toEqual([expect.objectContaining({ reason: 'LOUD_CONFLICT' })]));
    });

    it('never reports an entry with `report: false`, though it is a 5xx, and still logs it', async () => {
      expect((await request(app.getHttpServer()).get('/policy/outage')).status).toBe(503);
      expect(records()).toEqual([expect.objectContaining({ level: 50, reason: 'KNOWN_OUTAGE' })]);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(reports).toEqual([]);
    });
  });

  it('lets `logging.classLevels` beat the entry’s own `log`', async () => {
    await boot({ logging: { classLevels: [[OperatedException, 'info']] } });
    await request(app.getHttpServer()).get('/policy/loud');
    expect(records()).toEqual([expect.objectContaining({ level: 30, reason: 'LOUD_CONFLICT' })]);
  });

  it('lets `logging.levels` decide for entries that say nothing', async () => {
    await boot({ logging: { levels: { '4xx': false } } });
    await request(app.getHttpServer()).get('/policy/flood/1');
    await request(app.getHttpServer()).get('/policy/loud');
    expect(records().map((line) => line.reason)).toEqual(['LOUD_CONFLICT']);
  });

  describe('with logging.throttle', () => {
    it('writes at most `limit` records per window for one kind, and the next one says how many were left out', async () => {
      await boot({ logging: { throttle: { windowMs: 300, limit: 2 } } });
      const server = app.getHttpServer();
      for (let id = 0; id < 6; id += 1) expect((await request(server).get(`/policy/flood/${id}`)).status).toBe(404);
      expect(records()).toHaveLength(2);
      await new Promise((resolve) => setTimeout(resolve, 350));
      await request(server).get('/policy/flood/last');
      const [, , next] = records();
      expect(next).toMatchObject({ reason: 'RESOURCE_NOT_FOUND', suppressed: 4, message: 'no product last' });
    });

    it('counts each kind (reason, route, error class) on its own', async () => {
      await boot({ logging: { throttle: { windowMs: 60_000, limit: 1 } } });
      const server = app.getHttpServer();
      for (const path of ['/policy/flood/1', '/policy/flood/2', '/policy/loud', '/policy/loud', '/nope', '/nope/2']) {
        await request(server).get(path);
      }
      expect(records().map((line) => line.reason)).toEqual([
        'RESOURCE_NOT_FOUND',
        'LOUD_CONFLICT',
        'RESOURCE_NOT_FOUND',
      ]);
    });

    it('throttles reporters alike', async () => {
      await boot({ logging: { throttle: { windowMs: 60_000, limit: 3 } } });
      for (let count = 0; count < 10; count += 1) await request(app.getHttpServer()).get('/policy/crash');
      await vi.waitFor(() => expect(reports).toHaveLength(3));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(reports).toHaveLength(3);
    });

    it('keeps 2,000 distinct unknown URLs, query strings included, to the limit of their one kind', async () => {
      await boot({ logging: { throttle: { windowMs: 60_000, limit: 5 } } });
      // One listening server and keep-alive connections, 50 at a time: a server per request
      // (supertest's way) made this test a timing flake on a loaded machine.
      await app.listen(0, '127.0.0.1');
      const base = await app.getUrl();
      const statuses: number[] = [];
      for (let batch = 0; batch < 2_000; batch += 50) {
        const ids = Array.from({ length: 50 }, (_, offset) => batch + offset);
        const answers = await Promise.all(ids.map((id) => fetch(`${base}/unknown/${id}?q=${id}`)));
        for (const answer of answers) {
          statuses.push(answer.status);
          await answer.arrayBuffer();
        }
      }
      expect(statuses.filter((status) => status === 404)).toHaveLength(2_000);
      expect(records()).toHaveLength(5);
    }, 90_000);
  });
});
