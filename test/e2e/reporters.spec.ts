import {
  BadRequestException,
  ConflictException,
  Controller,
  Get,
  type INestApplication,
  type LoggerService,
} from '@nestjs/common';
import request from 'supertest';
import {
  ErrorHandlingModule,
  type ErrorHandlingModuleOptions,
  type ErrorLogContext,
  type ErrorReporter,
} from '../../src/index.js';
import { createApp, PLATFORMS } from '../support/platforms.js';

@Controller('orders')
class OrdersController {
  @Get('crash')
  crash(): never {
    throw new Error('Ledger unavailable');
  }

  @Get('invalid')
  invalid(): never {
    throw new BadRequestException('Bad order');
  }

  @Get('conflict')
  conflict(): never {
    throw new ConflictException('Already paid');
  }
}

/** Records what it is given; `behaviour` decides how it settles. */
class RecordingReporter implements ErrorReporter {
  readonly reports: Array<{ error: unknown; context: ErrorLogContext }> = [];
  settled = false;

  constructor(private readonly behaviour: () => void | Promise<void> = () => undefined) {}

  async report(error: unknown, context: ErrorLogContext): Promise<void> {
    this.reports.push({ error, context });
    await this.behaviour();
    this.settled = true;
  }
}

class WarningsLogger implements LoggerService {
  readonly warnings: unknown[][] = [];
  log(): void {}
  error(): void {}
  warn(...args: unknown[]): void {
    this.warnings.push(args);
  }
}

const never = () => new Promise<void>(() => undefined);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe.each(PLATFORMS)('reporters on %s', (platform) => {
  let app: INestApplication | undefined;
  let logger: WarningsLogger;

  async function start(options: ErrorHandlingModuleOptions): Promise<INestApplication> {
    logger = new WarningsLogger();
    app = await createApp(
      platform,
      { imports: [ErrorHandlingModule.forRoot(options)], controllers: [OrdersController] },
      { logger },
    );
    return app;
  }

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('reports every 5xx once, with the error and the context the log has', async () => {
    const reporter = new RecordingReporter();
    const server = (await start({ reporters: [reporter] })).getHttpServer();
    const response = await request(server).get('/orders/crash?page=2').expect(500);
    await vi.waitFor(() => expect(reporter.settled).toBe(true));
    expect(reporter.reports).toHaveLength(1);
    const [{ error, context }] = reporter.reports;
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('Ledger unavailable');
    expect(context).toMatchObject({
      status: 500,
      code: 9000,
      reason: 'UNEXPECTED_ERROR',
      message: 'Ledger unavailable',
      requestId: response.body.requestId,
      req: {
        id: response.body.requestId,
        method: 'GET',
        url: '/orders/crash?page=2',
        route: '/orders/crash',
        query: { page: '2' },
      },
    });
  });

  it('reports a 5xx with its full context even when 5xx records are not logged', async () => {
    const reporter = new RecordingReporter();
    const server = (await start({ reporters: [reporter], logging: { levels: { '5xx': false } } })).getHttpServer();
    const response = await request(server).get('/orders/crash').expect(500);
    await vi.waitFor(() => expect(reporter.settled).toBe(true));
    expect(reporter.reports).toHaveLength(1);
    expect(reporter.reports[0].context).toMatchObject({
      status: 500,
      requestId: response.body.requestId,
      req: { route: '/orders/crash' },
    });
  });

  it('does not report 4xx, except the classes opted in', async () => {
    const reporter = new RecordingReporter();
    const server = (await start({ reporters: [reporter], reportClasses: [ConflictException] })).getHttpServer();
    await request(server).get('/orders/invalid').expect(400);
    await request(server).get('/orders/conflict').expect(409);
    await vi.waitFor(() => expect(reporter.settled).toBe(true));
    expect(reporter.reports.map(({ context }) => context.status)).toEqual([409]);
  });

  it.each([
    [
      'throws',
      () => {
        throw new Error('Tracker misconfigured');
      },
      'Tracker misconfigured',
    ],
    ['rejects', () => Promise.reject(new Error('Tracker unreachable')), 'Tracker unreachable'],
  ])(
    'answers as usual when a reporter %s, logs the failure and still calls the others',
    async (_case, behaviour, failure) => {
      const baseline = await request((await start({})).getHttpServer())
        .get('/orders/crash')
        .set('X-Request-Id', 'same-id');
      await app?.close();
      const healthy = new RecordingReporter();
      const server = (await start({ reporters: [{ report: behaviour }, healthy] })).getHttpServer();
      const response = await request(server).get('/orders/crash').set('X-Request-Id', 'same-id');
      expect(response.status).toBe(baseline.status);
      expect(response.text).toBe(baseline.text);
      await vi.waitFor(() => expect(logger.warnings).toHaveLength(1));
      expect(String(logger.warnings[0][0])).toContain(failure);
      expect(logger.warnings[0][1]).toMatchObject({ requestId: 'same-id', err: { message: failure } });
      expect(healthy.reports).toHaveLength(1);
    },
  );

  it('never delays the response for a reporter that hangs, and gives up on it after reporterTimeout', async () => {
    const hanging = new RecordingReporter(never);
    const server = (await start({ reporters: [hanging], reporterTimeout: 200 })).getHttpServer();
    await request(server).get('/orders/crash').expect(500);
    // The response is in while the reporter is still running.
    expect(hanging.reports).toHaveLength(1);
    expect(hanging.settled).toBe(false);
    expect(logger.warnings).toEqual([]);
    await vi.waitFor(() => expect(logger.warnings).toHaveLength(1));
    expect(logger.warnings[0][1]).toMatchObject({ err: { type: 'ReporterTimeoutError' } });
  });

  it('lets the reports still running finish when the app closes', async () => {
    const slow = new RecordingReporter(() => sleep(150));
    const closing = await start({ reporters: [slow] });
    await request(closing.getHttpServer()).get('/orders/crash').expect(500);
    expect(slow.settled).toBe(false);
    await closing.close();
    app = undefined;
    expect(slow.settled).toBe(true);
  });
});
