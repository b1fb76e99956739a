import { Controller, Get, Injectable, Module, UnauthorizedException } from '@nestjs/common';
import request from 'supertest';
import {
  defineErrorCodes,
  ErrorCode,
  ErrorHandlingModule,
  OperatedException,
  type ErrorHandlingModuleOptions,
} from '../../src/index.js';
import { createApp, PLATFORMS } from '../support/platforms.js';

const AppError = defineErrorCodes({
  ...ErrorCode,
  PRODUCT_SOLD_OUT: { code: 4101, status: 409, message: 'Product is sold out' },
});

@Controller()
class OptionsController {
  @Get('unauthorized')
  unauthorized() {
    throw new UnauthorizedException();
  }

  @Get('sold-out')
  soldOut() {
    throw new OperatedException(AppError.PRODUCT_SOLD_OUT, undefined, { details: { productId: 7 } });
  }

  @Get('boom')
  boom() {
    throw new Error('password=hunter2');
  }
}

@Injectable()
class ConfigService {
  readonly mode = 'development' as const;
}

@Module({ providers: [ConfigService], exports: [ConfigService] })
class ConfigModule {}

@Injectable()
class OptionsFactory {
  createErrorHandlingOptions(): ErrorHandlingModuleOptions {
    return { statusCodes: { 401: ErrorCode.EMPTY_TOKEN } };
  }
}

describe.each(PLATFORMS)('module options on %s', (platform) => {
  const boot = (imports: unknown[]) =>
    createApp(platform, { imports: imports as never[], controllers: [OptionsController] });

  it('forRootAsync takes a factory with injected dependencies', async () => {
    const app = await boot([
      ErrorHandlingModule.forRootAsync({
        imports: [ConfigModule],
        inject: [ConfigService],
        useFactory: (config: ConfigService) => ({ mode: config.mode }),
      }),
    ]);
    const response = await request(app.getHttpServer()).get('/boom');
    expect(response.status).toBe(500);
    expect(response.body.message).toBe('password=hunter2');
    expect(response.body.stack).toEqual(expect.any(String));
    await app.close();
  });

  it('forRootAsync takes an options class', async () => {
    const app = await boot([ErrorHandlingModule.forRootAsync({ useClass: OptionsFactory })]);
    const response = await request(app.getHttpServer()).get('/unauthorized');
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ code: 2001, reason: 'EMPTY_TOKEN' });
    await app.close();
  });

  it('maps a status to the entry named in statusCodes, and answers app catalogue entries', async () => {
    const app = await boot([
      ErrorHandlingModule.forRoot({ codes: AppError, statusCodes: { 401: AppError.EMPTY_TOKEN } }),
    ]);
    const server = app.getHttpServer();
    expect((await request(server).get('/unauthorized')).body).toMatchObject({
      code: 2001,
      reason: 'EMPTY_TOKEN',
      message: 'Unauthorized',
    });
    const soldOut = await request(server).get('/sold-out');
    expect(soldOut.status).toBe(409);
    expect(soldOut.body).toEqual({
      code: 4101,
      reason: 'PRODUCT_SOLD_OUT',
      message: 'Product is sold out',
      details: { productId: 7 },
      requestId: expect.any(String),
    });
    await app.close();
  });

  it('passes the description to a custom formatter and masks 5xx before it', async () => {
    const app = await boot([
      ErrorHandlingModule.forRoot({
        mode: 'production',
        format: (info) => ({
          error: { id: info.code, text: info.message, status: info.status, trace: info.requestId },
        }),
      }),
    ]);
    const response = await request(app.getHttpServer()).get('/boom').set('X-Request-Id', 'trace-1');
    expect(response.status).toBe(500);
    expect(response.body).toEqual({ error: { id: 9000, text: 'Unexpected error', status: 500, trace: 'trace-1' } });
    await app.close();
  });

  it('reads and writes the header named by requestIdHeader', async () => {
    const app = await boot([ErrorHandlingModule.forRoot({ requestIdHeader: 'X-Correlation-Id' })]);
    const response = await request(app.getHttpServer()).get('/boom').set('X-Correlation-Id', 'corr-9');
    expect(response.headers['x-correlation-id']).toBe('corr-9');
    expect(response.body.requestId).toBe('corr-9');
    await app.close();
  });
});

describe('bad configuration stops the app at startup with a clear message', () => {
  it.each<[string, ErrorHandlingModuleOptions, RegExp]>([
    ['an unknown mode', { mode: 'prod' as never }, /mode "prod" is neither/],
    ['an unknown format', { format: 'xml' as never }, /format "xml" is neither/],
    ['a status key outside 400–599', { statusCodes: { 200: ErrorCode.INVALID_INPUT } }, /statusCodes key 200/],
    [
      'a status mapped to a non-entry',
      { statusCodes: { 401: { code: 1 } as never } },
      /statusCodes\[401\] is not a catalogue entry/,
    ],
    ['a malformed handler pair', { handlers: [[Error] as never] }, /handlers\[0\]: expected a pair/],
    ['a handler with a bad target', { handlers: [[Error, 'nope' as never]] }, /handlers\[0\]: the target must be/],
    [
      'a handler keyed by a bad status',
      { handlers: [[302, ErrorCode.INVALID_INPUT]] },
      /handlers\[0\]: 302 is neither/,
    ],
    ['an invalid request id header', { requestIdHeader: 'bad header' }, /requestIdHeader "bad header"/],
    ['a catalogue that is not one', { codes: { X: 1 } as never }, /`codes` must be a catalogue/],
  ])('rejects %s', async (_case, options, message) => {
    await expect(
      createApp('express', { imports: [ErrorHandlingModule.forRoot(options)], controllers: [OptionsController] }),
    ).rejects.toThrow(message);
  });
});
