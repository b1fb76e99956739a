import { ArgumentsHost, Catch, Controller, ExceptionFilter, Get, Module } from '@nestjs/common';
import { APP_FILTER, HttpAdapterHost } from '@nestjs/core';
import request from 'supertest';
import { ErrorHandlingModule } from '../../src/index.js';
import { createApp, PLATFORMS } from '../support/platforms.js';

class PaymentError extends Error {}

/** A user's own global filter that answers in its own words. */
@Catch(PaymentError)
class PaymentFilter implements ExceptionFilter {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(_exception: PaymentError, host: ArgumentsHost) {
    this.adapterHost.httpAdapter.reply(host.getArgByIndex(1), { payment: 'declined' }, 402);
  }
}

@Controller()
class PaymentController {
  @Get('pay')
  pay() {
    throw new PaymentError('card declined');
  }

  @Get('other')
  other() {
    throw new Error('other');
  }
}

@Module({ providers: [{ provide: APP_FILTER, useClass: PaymentFilter }] })
class PaymentsModule {}

@Module({ imports: [ErrorHandlingModule.forRoot(), PaymentsModule], controllers: [PaymentController] })
class FeatureFilterApp {}

@Module({
  imports: [ErrorHandlingModule.forRoot()],
  controllers: [PaymentController],
  providers: [{ provide: APP_FILTER, useClass: PaymentFilter }],
})
class RootFilterApp {}

describe.each(PLATFORMS)('user global filters beside the catch-all on %s', (platform) => {
  it('an APP_FILTER of a module imported after ErrorHandlingModule answers its own errors; the catch-all the rest', async () => {
    const app = await createApp(platform, { imports: [FeatureFilterApp] });
    const server = app.getHttpServer();
    const paid = await request(server).get('/pay');
    expect(paid.status).toBe(402);
    expect(paid.body).toEqual({ payment: 'declined' });
    const other = await request(server).get('/other');
    expect(other.status).toBe(500);
    expect(other.body).toMatchObject({ code: 9000 });
    await app.close();
  });

  it('app.useGlobalFilters() answers its own errors; the catch-all answers the rest', async () => {
    const app = await createApp(
      platform,
      { imports: [ErrorHandlingModule.forRoot()], controllers: [PaymentController] },
      {},
      (created) => created.useGlobalFilters(new PaymentFilter(created.get(HttpAdapterHost))),
    );
    expect((await request(app.getHttpServer()).get('/pay')).status).toBe(402);
    expect((await request(app.getHttpServer()).get('/other')).body).toMatchObject({ code: 9000 });
    await app.close();
  });

  it('an APP_FILTER of the root module is tried after the catch-all, and a startup warning says so', async () => {
    const warnings: string[] = [];
    const logger = { log() {}, error() {}, warn: (message: string) => warnings.push(message) };
    const app = await createApp(platform, { imports: [RootFilterApp] }, { logger });
    expect(warnings).toContainEqual(
      expect.stringContaining('PaymentFilter (APP_FILTER in RootFilterApp) is scanned before ErrorHandlingModule'),
    );
    expect((await request(app.getHttpServer()).get('/pay')).body).toMatchObject({ code: 9000 });
    await app.close();
  });
});
