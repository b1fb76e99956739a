import {
  BadRequestException,
  ConflictException,
  Controller,
  Get,
  HttpException,
  type INestApplication,
  InternalServerErrorException,
  NotFoundException,
  RequestMethod,
} from '@nestjs/common';
import { Logger, LoggerModule } from 'nestjs-pino';
import request from 'supertest';
import {
  createPinoHttpOptions,
  defineErrorCodes,
  ErrorCode,
  ErrorHandlingModule,
  type ErrorHandlingModuleOptions,
} from '../../src/index.js';
import { LogCapture, type LogLine, WARN } from '../support/log-capture.js';
import { createApp, type Platform, PLATFORMS } from '../support/platforms.js';

const AppError = defineErrorCodes({
  ...ErrorCode,
  PRODUCT_SOLD_OUT: { code: 4101, status: 409, message: 'Product is sold out' },
  PRODUCT_GONE: { code: 4102, status: 410, message: 'Product is gone' },
  STOCK_RESERVED: { code: 4103, status: 409, message: 'Stock is reserved' },
});

@Controller('answers')
class AnswersController {
  @Get('custom-object')
  customObject(): never {
    throw new HttpException({ status: 403, error: 'Custom message', hint: 'x' }, 403);
  }

  @Get('message-and-field')
  messageAndField(): never {
    throw new BadRequestException({ message: 'Bad sku', field: 'sku' });
  }

  @Get('message-and-error')
  messageAndError(): never {
    throw new BadRequestException({ message: 'Bad sku', error: 'SKU_FORMAT', statusCode: 400, field: 'sku' });
  }

  @Get('nest-default')
  nestDefault(): never {
    throw new NotFoundException('Nope');
  }

  @Get('list')
  list(): never {
    throw new BadRequestException(['name should not be empty']);
  }

  @Get('error-as-response')
  errorAsResponse(): never {
    const clientError = Object.assign(new Error('Upstream said no'), { config: { headers: { auth: 'Bearer X' } } });
    throw new BadRequestException(clientError);
  }

  @Get('internal-5xx-list')
  internal5xxList(): never {
    throw new InternalServerErrorException(['db password=secret']);
  }

  @Get('internal-5xx')
  internal5xx(): never {
    throw new InternalServerErrorException({ message: 'secret', token: 'secret', table: 'users' });
  }

  @Get('sold-out')
  soldOut(): never {
    throw new ConflictException('Sold out', { errorCode: 'PRODUCT_SOLD_OUT' });
  }

  @Get('sold-out-empty')
  soldOutEmpty(): never {
    throw new HttpException('', 409, { errorCode: 'PRODUCT_SOLD_OUT' });
  }

  @Get('gone-as-404')
  goneAs404(): never {
    throw new NotFoundException('No such product', { errorCode: 'PRODUCT_GONE' });
  }

  @Get('unknown-code')
  unknownCode(): never {
    throw new ConflictException('Sold out', { errorCode: 'NOT_IN_CATALOGUE' });
  }

  @Get('unknown-code-string')
  unknownCodeString(): never {
    throw new HttpException('Locked for now', 423, { errorCode: 'STOCK_LOCKED' });
  }

  @Get('unknown-code-5xx')
  unknownCode5xx(): never {
    throw new InternalServerErrorException('db down', { errorCode: 'DB_DOWN' });
  }
}

const ALL_ROUTES = [{ path: '{*splat}', method: RequestMethod.ALL }];

// nestjs-pino builds its pino-http instance once per process: one capture serves every app here.
const capture = new LogCapture();
const pinoHttp = createPinoHttpOptions({ level: 'trace' });

async function createLoggedApp(platform: Platform, options: ErrorHandlingModuleOptions): Promise<INestApplication> {
  const app = await createApp(
    platform,
    {
      imports: [
        LoggerModule.forRoot({ forRoutes: ALL_ROUTES, pinoHttp: [pinoHttp, capture] }),
        ErrorHandlingModule.forRoot({ codes: AppError, ...options }),
      ],
      controllers: [AnswersController],
    },
    { bufferLogs: true },
  );
  app.useLogger(app.get(Logger));
  return app;
}

/** The module's one record of the request (>= warn), once pino-http wrote its own line. */
async function recordOf(requestId: string): Promise<LogLine> {
  await vi.waitFor(() => expect(capture.linesOf(requestId).some((line) => line.res !== undefined)).toBe(true));
  const records = capture.linesOf(requestId).filter((line) => line.level >= WARN);
  expect(records).toHaveLength(1);
  return records[0];
}

describe.each(PLATFORMS)('what HTTP clients read on %s', (platform) => {
  let app: INestApplication;
  const get = (path: string) => request(app.getHttpServer()).get(path);

  beforeAll(async () => {
    app = await createLoggedApp(platform, { mode: 'production' });
  });
  afterAll(() => app.close());
  beforeEach(() => capture.clear());

  describe('object responses', () => {
    it("answers Nest's documented idiom with its error as message and its other fields as details", async () => {
      const response = await get('/answers/custom-object').expect(403);
      expect(response.body).toEqual({
        code: 2004,
        reason: 'DENIED_PERMISSION',
        message: 'Custom message',
        details: { hint: 'x' },
        requestId: response.body.requestId,
      });
      const record = await recordOf(response.body.requestId);
      expect(record).toMatchObject({ message: 'Custom message', details: { hint: 'x' } });
      expect(record.msg).toContain('Custom message');
    });

    it('keeps the fields beside a message, and an error that is not the status phrase', async () => {
      const field = await get('/answers/message-and-field').expect(400);
      expect(field.body).toMatchObject({ code: 1100, message: 'Bad sku', details: { field: 'sku' } });
      expect((await recordOf(field.body.requestId)).details).toEqual({ field: 'sku' });

      const both = await get('/answers/message-and-error').expect(400);
      expect(both.body).toMatchObject({ message: 'Bad sku', details: { field: 'sku' } });
    });

    it("adds no details to Nest's own { statusCode, message, error } shape nor to validation lists", async () => {
      const plain = await get('/answers/nest-default').expect(404);
      expect(plain.body).toEqual({
        code: 4001,
        reason: 'RESOURCE_NOT_FOUND',
        message: 'Nope',
        requestId: plain.body.requestId,
      });
      expect(await recordOf(plain.body.requestId)).not.toHaveProperty('details');

      const list = await get('/answers/list').expect(400);
      expect(list.body.details).toEqual(['name should not be empty']);
    });

    it('never copies the enumerable fields of an Error given as response', async () => {
      const response = await get('/answers/error-as-response').expect(400);
      expect(response.body).not.toHaveProperty('details');
      expect(response.text).not.toContain('Bearer');
      const record = await recordOf(response.body.requestId);
      expect(JSON.stringify(record)).not.toContain('Bearer');
    });

    it('sends nothing of a 5xx list of messages in production; the record keeps it', async () => {
      const response = await get('/answers/internal-5xx-list').expect(500);
      expect(response.body).toEqual({
        code: 9000,
        reason: 'UNEXPECTED_ERROR',
        message: 'Unexpected error',
        requestId: response.body.requestId,
      });
      const record = await recordOf(response.body.requestId);
      expect(record.details).toEqual({ message: ['db password=secret'] });
    });

    it('sends nothing of a 5xx object response in production; the record keeps it, redacted', async () => {
      const response = await get('/answers/internal-5xx').expect(500);
      expect(response.body).toEqual({
        code: 9000,
        reason: 'UNEXPECTED_ERROR',
        message: 'Unexpected error',
        requestId: response.body.requestId,
      });
      expect(response.text).not.toContain('secret');
      expect(response.text).not.toContain('users');
      const record = await recordOf(response.body.requestId);
      expect(record).toMatchObject({
        message: 'secret',
        details: { token: '[Redacted]', table: 'users' },
        err: { type: 'InternalServerErrorException', message: 'secret' },
      });
    });
  });

  describe("Nest 12's errorCode", () => {
    it('selects the catalogue entry it names: its code and reason, the exception message', async () => {
      const response = await get('/answers/sold-out').expect(409);
      expect(response.body).toEqual({
        code: 4101,
        reason: 'PRODUCT_SOLD_OUT',
        message: 'Sold out',
        requestId: response.body.requestId,
      });
      expect(await recordOf(response.body.requestId)).toMatchObject({
        code: 4101,
        reason: 'PRODUCT_SOLD_OUT',
        status: 409,
        message: 'Sold out',
      });
      expect((await get('/answers/sold-out-empty').expect(409)).body.message).toBe('Product is sold out');
    });

    it("keeps the exception's status when the entry names another", async () => {
      const response = await get('/answers/gone-as-404').expect(404);
      expect(response.body).toMatchObject({ code: 4102, reason: 'PRODUCT_GONE', message: 'No such product' });
      expect(await recordOf(response.body.requestId)).toMatchObject({ status: 404, reason: 'PRODUCT_GONE' });
    });

    it('puts an errorCode that names no entry in details, in body and record', async () => {
      const response = await get('/answers/unknown-code').expect(409);
      expect(response.body).toMatchObject({
        code: 4090,
        reason: 'CONFLICT',
        message: 'Sold out',
        details: { errorCode: 'NOT_IN_CATALOGUE' },
      });
      expect((await recordOf(response.body.requestId)).details).toEqual({ errorCode: 'NOT_IN_CATALOGUE' });

      const stringResponse = await get('/answers/unknown-code-string').expect(423);
      expect(stringResponse.body).toMatchObject({ reason: 'LOCKED', details: { errorCode: 'STOCK_LOCKED' } });
    });

    it('masks an unknown errorCode of a 5xx in production like its message, and records it', async () => {
      const response = await get('/answers/unknown-code-5xx').expect(500);
      expect(response.body).not.toHaveProperty('details');
      expect(response.text).not.toContain('DB_DOWN');
      expect((await recordOf(response.body.requestId)).details).toEqual({ errorCode: 'DB_DOWN' });
    });
  });

  describe('unknown routes', () => {
    it('never echoes the query string, in the body or anywhere in the record', async () => {
      const response = await get('/nope?access_token=SECRET&page=2').expect(404);
      expect(response.body).toMatchObject({ code: 4001, message: 'Cannot GET /nope' });
      expect(response.text).not.toContain('SECRET');
      const record = await recordOf(response.body.requestId);
      expect(record).toMatchObject({
        message: 'Cannot GET /nope',
        err: { message: 'Cannot GET /nope' },
        req: { url: '/nope?access_token=[Redacted]&page=2' },
      });
      expect(record.msg).toBe('GET /nope?access_token=[Redacted]&page=2 -> 404 RESOURCE_NOT_FOUND: Cannot GET /nope');
      for (const line of capture.raw) expect(line).not.toContain('SECRET');
    });

    it('keeps the path of an unknown route without a query as it is', async () => {
      const response = await request(app.getHttpServer()).delete('/nowhere/at-all').expect(404);
      expect(response.body.message).toBe('Cannot DELETE /nowhere/at-all');
    });
  });
});

describe.each(PLATFORMS)('object responses in other modes and formats on %s', (platform) => {
  it('sends a 5xx object response in development, and problem details carry fields as errors', async () => {
    const development = await createLoggedApp(platform, { mode: 'development' });
    const problem = await createLoggedApp(platform, { mode: 'production', format: 'problem' });
    try {
      const shown = await request(development.getHttpServer()).get('/answers/internal-5xx').expect(500);
      expect(shown.body).toMatchObject({ message: 'secret', details: { token: 'secret', table: 'users' } });

      const custom = await request(problem.getHttpServer()).get('/answers/custom-object').expect(403);
      expect(custom.body).toMatchObject({
        detail: 'Custom message',
        reason: 'DENIED_PERMISSION',
        errors: { hint: 'x' },
      });
      const soldOut = await request(problem.getHttpServer()).get('/answers/sold-out').expect(409);
      expect(soldOut.body).toMatchObject({ status: 409, code: 4101, reason: 'PRODUCT_SOLD_OUT', detail: 'Sold out' });
      expect(soldOut.body).not.toHaveProperty('errors');
      const masked = await request(problem.getHttpServer()).get('/answers/internal-5xx').expect(500);
      expect(masked.text).not.toContain('secret');
      expect(masked.body).not.toHaveProperty('errors');
    } finally {
      await development.close();
      await problem.close();
    }
  });

  it('lets an errorCode that names an entry beat a module status handler, which still maps the rest', async () => {
    const app = await createLoggedApp(platform, { mode: 'production', handlers: [[409, AppError.STOCK_RESERVED]] });
    try {
      const named = await request(app.getHttpServer()).get('/answers/sold-out').expect(409);
      expect(named.body).toMatchObject({ code: 4101, reason: 'PRODUCT_SOLD_OUT', message: 'Sold out' });
      const unnamed = await request(app.getHttpServer()).get('/answers/unknown-code').expect(409);
      expect(unnamed.body).toMatchObject({ code: 4103, reason: 'STOCK_RESERVED', message: 'Sold out' });
    } finally {
      await app.close();
    }
  });
});
