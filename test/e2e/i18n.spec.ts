import { Body, Controller, Get, type INestApplication, Module, Post } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { IsInt } from 'class-validator';
import { AcceptLanguageResolver, I18nModule, QueryResolver } from 'nestjs-i18n';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, ErrorHandlingModule, type ErrorHandlingModuleOptions, OperatedException } from '../../src/index.js';
import { createApp, type Platform, PLATFORMS } from '../support/platforms.js';

const TRANSLATIONS = fileURLToPath(new URL('./fixtures/i18n/', import.meta.url));

class OrderDto {
  @IsInt()
  quantity: number;
}

@Controller()
class I18nController {
  @Get('empty')
  empty(): never {
    throw new OperatedException(ErrorCode.RESOURCE_NOT_FOUND);
  }

  @Get('own')
  own(): never {
    throw new OperatedException(ErrorCode.RESOURCE_NOT_FOUND, 'Order 7 is gone');
  }

  @Get('crash')
  crash(): never {
    throw new Error('database password is hunter2');
  }

  @Get('untranslated')
  untranslated(): never {
    throw new OperatedException(ErrorCode.DENIED_PERMISSION);
  }

  @Post('orders')
  order(@Body() _order: OrderDto): string {
    return 'ok';
  }
}

const i18nModule = I18nModule.forRoot({
  fallbackLanguage: 'en',
  loaderOptions: { path: TRANSLATIONS },
  resolvers: [{ use: QueryResolver, options: ['lang'] }, AcceptLanguageResolver],
  logging: false,
});

function appOf(platform: Platform, options: ErrorHandlingModuleOptions): Promise<INestApplication> {
  return createApp(platform, {
    imports: [i18nModule, ErrorHandlingModule.forRoot({ mode: 'production', validation: true, ...options })],
    controllers: [I18nController],
  });
}

describe.each(PLATFORMS)('i18n on %s', (platform) => {
  let app: INestApplication;
  beforeAll(async () => {
    app = await appOf(platform, { i18n: true });
  });
  afterAll(() => app.close());

  it('answers an empty-message exception with errors.<REASON> in the Accept-Language', async () => {
    const response = await request(app.getHttpServer()).get('/empty').set('Accept-Language', 'de');
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ reason: 'RESOURCE_NOT_FOUND', message: 'Ressource nicht gefunden' });
  });

  it('takes the language from the query resolver the app configured', async () => {
    const response = await request(app.getHttpServer()).get('/empty?lang=de').set('Accept-Language', 'en');
    expect(response.body.message).toBe('Ressource nicht gefunden');
  });

  it('translates the masked message of a 500 in production, never the thrown one', async () => {
    const response = await request(app.getHttpServer()).get('/crash').set('Accept-Language', 'de');
    expect(response.status).toBe(500);
    expect(response.body).toMatchObject({ reason: 'UNEXPECTED_ERROR', message: 'Unerwarteter Fehler' });
    expect(JSON.stringify(response.body)).not.toContain('hunter2');
  });

  it('translates the message of a validation failure', async () => {
    const response = await request(app.getHttpServer())
      .post('/orders')
      .set('Accept-Language', 'de')
      .send({ quantity: 'many' });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ reason: 'INVALID_INPUT', message: 'Ungültige Eingabe' });
    expect(response.body.details).toEqual([
      expect.objectContaining({ field: 'quantity', messages: ['quantity must be an integer number'] }),
    ]);
  });

  it('keeps a message the thrower chose', async () => {
    const response = await request(app.getHttpServer()).get('/own').set('Accept-Language', 'de');
    expect(response.body.message).toBe('Order 7 is gone');
  });

  it('falls back to the catalogue message when the key is missing', async () => {
    const response = await request(app.getHttpServer()).get('/untranslated').set('Accept-Language', 'de');
    expect(response.status).toBe(403);
    expect(response.body.message).toBe('Permission denied');
  });

  it('answers an unknown language in the fallback language', async () => {
    const response = await request(app.getHttpServer()).get('/empty').set('Accept-Language', 'xx');
    expect(response.body.message).toBe('Resource not found');
  });
});

describe.each(PLATFORMS)('i18n off on %s', (platform) => {
  let app: INestApplication;
  beforeAll(async () => {
    app = await appOf(platform, {});
  });
  afterAll(() => app.close());

  it('answers the catalogue message whatever the language', async () => {
    const response = await request(app.getHttpServer()).get('/empty').set('Accept-Language', 'de');
    expect(response.body.message).toBe('Resource not found');
  });
});

describe('i18n at startup', () => {
  it('stops the app when I18nModule is not imported, naming the fix', async () => {
    @Module({ imports: [ErrorHandlingModule.forRoot({ i18n: true })] })
    class AppModule {}
    await expect(Test.createTestingModule({ imports: [AppModule] }).compile()).rejects.toThrow(
      /`i18n: true` needs I18nModule\.forRoot/,
    );
  });

  it('rejects an i18n option that is not a boolean', async () => {
    await expect(
      Test.createTestingModule({
        imports: [ErrorHandlingModule.forRoot({ i18n: 'yes' as unknown as boolean })],
      }).compile(),
    ).rejects.toThrow(/`i18n` must be true or false/);
  });
});
