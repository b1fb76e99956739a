import {
  BadRequestException,
  Body,
  type CanActivate,
  Controller,
  Get,
  type INestApplication,
  Injectable,
  Module,
  Post,
  UseGuards,
} from '@nestjs/common';
import { APP_PIPE } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { Type } from 'class-transformer';
import { IsEmail, IsInt, IsNotEmpty, IsOptional, MaxLength, MinLength, ValidateNested } from 'class-validator';
import {
  AcceptLanguageResolver,
  I18nModule,
  I18nValidationPipe,
  i18nValidationMessage,
  QueryResolver,
} from 'nestjs-i18n';
import { LoggerModule } from 'nestjs-pino';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createPinoHttpOptions,
  ErrorCode,
  ErrorHandlingModule,
  type ErrorHandlingModuleOptions,
  OperatedException,
} from '../../src/index.js';
import { LogCapture, type LogLine, WARN } from '../support/log-capture.js';
import { createApp, type Platform, PLATFORMS } from '../support/platforms.js';

const TRANSLATIONS = fileURLToPath(new URL('./fixtures/i18n/', import.meta.url));

class AddressDto {
  @IsNotEmpty()
  city: string;
}

class OrderDto {
  @IsInt()
  quantity: number;

  @IsOptional()
  @MinLength(3)
  name?: string;

  @IsOptional()
  @MaxLength(5, { message: i18nValidationMessage('validation.NOTE_TOO_LONG', { hint: 'kurz' }) })
  note?: string;

  @IsOptional()
  @IsNotEmpty({ message: i18nValidationMessage('validation.NOT_IN_ANY_FILE') })
  @IsEmail()
  email?: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => AddressDto)
  address?: AddressDto;
}

@Injectable()
class TokenGuard implements CanActivate {
  canActivate(): boolean {
    throw new OperatedException(ErrorCode.EMPTY_TOKEN);
  }
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

  @Get('guarded')
  @UseGuards(TokenGuard)
  guarded(): string {
    return 'ok';
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

// nestjs-pino builds its pino-http instance once per process: one capture serves every app here.
const capture = new LogCapture();
const loggerModule = LoggerModule.forRoot({ pinoHttp: [createPinoHttpOptions(), capture] });

function appOf(
  platform: Platform,
  options: ErrorHandlingModuleOptions,
  i18n: typeof i18nModule = i18nModule,
): Promise<INestApplication> {
  return createApp(platform, {
    imports: [i18n, loggerModule, ErrorHandlingModule.forRoot({ mode: 'production', validation: true, ...options })],
    controllers: [I18nController],
  });
}

/** The module's one record of the request (>= warn). */
async function recordOf(requestId: string): Promise<LogLine> {
  await vi.waitFor(() => expect(capture.linesOf(requestId).some((line) => line.level >= WARN)).toBe(true));
  const records = capture.linesOf(requestId).filter((line) => line.level >= WARN);
  expect(records).toHaveLength(1);
  return records[0];
}

describe.each(PLATFORMS)('i18n on %s', (platform) => {
  let app: INestApplication;
  const order = (body: object, language = 'de') =>
    request(app.getHttpServer()).post('/orders').set('Accept-Language', language).send(body);
  beforeAll(async () => {
    app = await appOf(platform, { i18n: true });
  });
  afterAll(() => app.close());
  beforeEach(() => capture.clear());

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

  it('translates an error a guard throws', async () => {
    const response = await request(app.getHttpServer()).get('/guarded').set('Accept-Language', 'de');
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ reason: 'EMPTY_TOKEN', message: 'Das Anmeldetoken fehlt' });
  });

  it('translates the message and each field message of a validation failure as validation.<constraint>', async () => {
    const response = await order({ quantity: 'many', name: 'ab', address: { city: '' } });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ reason: 'INVALID_INPUT', message: 'Ungültige Eingabe' });
    expect(response.body.details).toEqual([
      {
        field: 'quantity',
        messages: ['quantity muss eine ganze Zahl sein, nicht „many“'],
        constraints: { isInt: 'quantity muss eine ganze Zahl sein, nicht „many“' },
      },
      {
        field: 'name',
        messages: ['name muss mindestens 3 Zeichen lang sein'],
        constraints: { minLength: 'name muss mindestens 3 Zeichen lang sein' },
      },
      {
        field: 'address.city',
        messages: ['city darf nicht leer sein'],
        constraints: { isNotEmpty: 'city darf nicht leer sein' },
      },
    ]);
  });

  it('takes the field messages language from the query resolver too', async () => {
    const response = await request(app.getHttpServer())
      .post('/orders?lang=de')
      .set('Accept-Language', 'en')
      .send({ quantity: 1, name: 'ab' });
    expect(response.body.details).toEqual([
      expect.objectContaining({ messages: ['name muss mindestens 3 Zeichen lang sein'] }),
    ]);
  });

  it("keeps class-validator's message where no language has the key", async () => {
    const response = await order({ quantity: 1, email: 'nope' });
    expect(response.body.details).toEqual([
      { field: 'email', messages: ['email must be an email'], constraints: { isEmail: 'email must be an email' } },
    ]);
  });

  it("answers another language from its own file, and class-validator's message where that file has no key", async () => {
    const response = await order({ quantity: 'many', name: 'ab' }, 'en');
    expect(response.body.message).toBe('Invalid input');
    expect(response.body.details.map((detail: { messages: string[] }) => detail.messages)).toEqual([
      ['quantity must be an integer number'],
      ['name needs 3 characters or more'],
    ]);
  });

  it("formats an i18nValidationMessage key with the decorator's arguments and its own", async () => {
    const response = await order({ quantity: 1, note: 'far too long' });
    expect(response.body.details).toEqual([
      {
        field: 'note',
        messages: ['note darf höchstens 5 Zeichen haben (kurz)'],
        constraints: { maxLength: 'note darf höchstens 5 Zeichen haben (kurz)' },
      },
    ]);
  });

  it('answers an i18nValidationMessage key that no file has with the key', async () => {
    const response = await order({ quantity: 1, email: '' });
    expect(response.body.details[0].constraints).toEqual({
      isNotEmpty: 'validation.NOT_IN_ANY_FILE',
      isEmail: 'email must be an email',
    });
  });

  it('puts the value in as text: no template, nested key or markup in it is interpreted', async () => {
    const hostile = '$t(errors.RESOURCE_NOT_FOUND) {property} {constraints.0} %s <script>alert(1)</script>';
    const response = await order({ quantity: hostile });
    expect(response.status).toBe(400);
    expect(response.body.details[0].messages).toEqual([`quantity muss eine ganze Zahl sein, nicht „${hostile}“`]);
  });

  it('keeps the untranslated messages, field messages included, in the record', async () => {
    const response = await order({ quantity: 'many' });
    expect(response.body.details[0].messages).toEqual(['quantity muss eine ganze Zahl sein, nicht „many“']);
    const record = await recordOf(response.body.requestId);
    expect(record.message).toBe('Invalid input');
    expect(record.details).toEqual([
      {
        field: 'quantity',
        messages: ['quantity must be an integer number'],
        constraints: { isInt: 'quantity must be an integer number' },
      },
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

  it("answers class-validator's field messages whatever the language", async () => {
    const response = await request(app.getHttpServer())
      .post('/orders')
      .set('Accept-Language', 'de')
      .send({ quantity: 'many' });
    expect(response.body.details).toEqual([
      expect.objectContaining({ messages: ['quantity must be an integer number'] }),
    ]);
  });
});

describe.each(PLATFORMS)('i18n with throwOnMissingKey, in development, on %s', (platform) => {
  let app: INestApplication;
  beforeAll(async () => {
    const strict = I18nModule.forRoot({
      fallbackLanguage: 'en',
      loaderOptions: { path: TRANSLATIONS },
      resolvers: [AcceptLanguageResolver],
      throwOnMissingKey: true,
      logging: false,
    });
    app = await appOf(platform, { i18n: true, mode: 'development' }, strict);
  });
  afterAll(() => app.close());

  it('answers a missing catalogue key with the catalogue message, not a failure', async () => {
    const response = await request(app.getHttpServer()).get('/untranslated').set('Accept-Language', 'de');
    expect(response.status).toBe(403);
    expect(response.body).toMatchObject({ reason: 'DENIED_PERMISSION', message: 'Permission denied' });
  });

  it('answers missing field keys with the field messages, not a failure', async () => {
    const response = await request(app.getHttpServer())
      .post('/orders')
      .set('Accept-Language', 'de')
      .send({ quantity: 'many', email: '' });
    expect(response.status).toBe(400);
    expect(response.body.details).toEqual([
      expect.objectContaining({ messages: ['quantity muss eine ganze Zahl sein, nicht „many“'] }),
      expect.objectContaining({
        constraints: { isNotEmpty: 'validation.NOT_IN_ANY_FILE', isEmail: 'email must be an email' },
      }),
    ]);
  });

  it('translates in development, and shows a 5xx its own message and stack untranslated', async () => {
    const empty = await request(app.getHttpServer()).get('/empty').set('Accept-Language', 'de');
    expect(empty.body.message).toBe('Ressource nicht gefunden');
    const crash = await request(app.getHttpServer()).get('/crash').set('Accept-Language', 'de');
    expect(crash.status).toBe(500);
    expect(crash.body.message).toBe('database password is hunter2');
    expect(crash.body.stack).toContain('database password is hunter2');
  });
});

describe.each(PLATFORMS)('i18n with an exceptionFactory of its own on %s', (platform) => {
  let app: INestApplication;
  beforeAll(async () => {
    const exceptionFactory = (errors: unknown[]) => new BadRequestException({ message: errors });
    app = await appOf(platform, { i18n: true, validation: { exceptionFactory } });
  });
  afterAll(() => app.close());

  it('translates the field errors of the class-validator errors its exception carries', async () => {
    const response = await request(app.getHttpServer())
      .post('/orders')
      .set('Accept-Language', 'de')
      .send({ quantity: 1, name: 'ab' });
    expect(response.status).toBe(400);
    expect(response.body.details).toEqual([
      {
        field: 'name',
        messages: ['name muss mindestens 3 Zeichen lang sein'],
        constraints: { minLength: 'name muss mindestens 3 Zeichen lang sein' },
      },
    ]);
  });
});

describe.each(PLATFORMS)("i18n with nestjs-i18n's own I18nValidationPipe on %s", (platform) => {
  let app: INestApplication;
  beforeAll(async () => {
    app = await createApp(platform, {
      imports: [i18nModule, loggerModule, ErrorHandlingModule.forRoot({ mode: 'production', i18n: true })],
      controllers: [I18nController],
      providers: [{ provide: APP_PIPE, useValue: new I18nValidationPipe({ validationError: { target: true } }) }],
    });
  });
  afterAll(() => app.close());

  it('answers its I18nValidationException with field details, translated', async () => {
    const response = await request(app.getHttpServer())
      .post('/orders')
      .set('Accept-Language', 'de')
      .send({ quantity: 1, name: 'ab' });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: 1100, reason: 'INVALID_INPUT' });
    expect(response.body.details).toEqual([
      {
        field: 'name',
        messages: ['name muss mindestens 3 Zeichen lang sein'],
        constraints: { minLength: 'name muss mindestens 3 Zeichen lang sein' },
      },
    ]);
  });
});

describe.each(PLATFORMS)('i18n with negotiated HTML pages on %s', (platform) => {
  let app: INestApplication;
  beforeAll(async () => {
    app = await appOf(platform, { i18n: true, format: 'negotiate' });
  });
  afterAll(() => app.close());

  it('escapes a value put into a translated field message', async () => {
    const response = await request(app.getHttpServer())
      .post('/orders')
      .set('Accept-Language', 'de')
      .set('Accept', 'text/html')
      .send({ quantity: '<script>alert(1)</script>' });
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.text).toContain(
      'quantity muss eine ganze Zahl sein, nicht „&lt;script&gt;alert(1)&lt;/script&gt;“',
    );
    expect(response.text).not.toContain('<script>alert(1)');
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
