import { Body, Controller, Get, type INestApplication, Post } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsInt, IsNotEmpty, Min, ValidateNested } from 'class-validator';
import request from 'supertest';
import {
  defineErrorCodes,
  ErrorCode,
  ErrorHandlingModule,
  type ErrorHandlingModuleOptions,
  OperatedException,
} from '../../src/index.js';
import { createApp, PLATFORMS } from '../support/platforms.js';

const AppError = defineErrorCodes({
  ...ErrorCode,
  PRODUCT_SOLD_OUT: { code: 4101, status: 409, message: 'Product is sold out' },
});

class PriceDto {
  @IsInt()
  @Min(1)
  cents: number;
}

class ProductDto {
  @IsNotEmpty()
  name: string;

  @ValidateNested()
  @Type(() => PriceDto)
  price: PriceDto;
}

@Controller('products')
class ProblemController {
  @Get('sold-out')
  soldOut() {
    throw new OperatedException(AppError.PRODUCT_SOLD_OUT, 'Mouse is sold out', { details: { productId: 2 } });
  }

  @Post()
  create(@Body() product: ProductDto) {
    return product;
  }

  @Get('boom')
  boom() {
    throw new Error('pricing database password=hunter2 rejected the query', {
      cause: new RangeError('pool exhausted'),
    });
  }
}

const BASE = 'https://errors.example.com/problems/';
const PROBLEM_JSON = 'application/problem+json; charset=utf-8';

describe.each(PLATFORMS)('RFC 9457 problem details on %s', (platform) => {
  const boot = (options: ErrorHandlingModuleOptions) =>
    createApp(platform, {
      imports: [ErrorHandlingModule.forRoot({ format: 'problem', codes: AppError, validation: true, ...options })],
      controllers: [ProblemController],
    });

  describe('with a type base URL, in production', () => {
    let app: INestApplication;
    beforeAll(async () => {
      app = await boot({ problemTypeBaseUrl: BASE, mode: 'production' });
    });
    afterAll(() => app.close());

    it('answers application/problem+json with a type URI per entry and the extension members', async () => {
      const response = await request(app.getHttpServer()).get('/products/sold-out?page=2');
      expect(response.status).toBe(409);
      expect(response.headers['content-type']).toBe(PROBLEM_JSON);
      expect(JSON.parse(response.text)).toEqual({
        type: 'https://errors.example.com/problems/product-sold-out',
        title: 'Product is sold out',
        status: 409,
        detail: 'Mouse is sold out',
        instance: '/products/sold-out',
        code: 4101,
        reason: 'PRODUCT_SOLD_OUT',
        requestId: response.headers['x-request-id'],
        errors: { productId: 2 },
      });
    });

    it('lists validation field errors in `errors`', async () => {
      const response = await request(app.getHttpServer())
        .post('/products')
        .send({ name: '', price: { cents: 0 } });
      expect(response.status).toBe(400);
      expect(response.headers['content-type']).toBe(PROBLEM_JSON);
      const body = JSON.parse(response.text);
      expect(body).toMatchObject({
        type: 'https://errors.example.com/problems/invalid-input',
        title: 'Invalid input',
        status: 400,
        code: 1100,
        reason: 'INVALID_INPUT',
        instance: '/products',
      });
      expect(body.errors).toEqual([
        {
          field: 'name',
          messages: ['name should not be empty'],
          constraints: { isNotEmpty: 'name should not be empty' },
        },
        {
          field: 'price.cents',
          messages: ['cents must not be less than 1'],
          constraints: { min: 'cents must not be less than 1' },
        },
      ]);
      expect(body).not.toHaveProperty('details');
    });

    it('masks a 5xx: the catalogue message as detail, no stack, cause or thrown text', async () => {
      const response = await request(app.getHttpServer()).get('/products/boom');
      expect(response.status).toBe(500);
      expect(response.headers['content-type']).toBe(PROBLEM_JSON);
      expect(JSON.parse(response.text)).toEqual({
        type: 'https://errors.example.com/problems/unexpected-error',
        title: 'Unexpected error',
        status: 500,
        detail: 'Unexpected error',
        instance: '/products/boom',
        code: 9000,
        reason: 'UNEXPECTED_ERROR',
        requestId: expect.any(String),
      });
      expect(response.text).not.toContain('hunter2');
    });

    it('answers an unknown route as a problem too', async () => {
      const response = await request(app.getHttpServer()).get('/nowhere');
      expect(response.status).toBe(404);
      expect(response.headers['content-type']).toBe(PROBLEM_JSON);
      expect(JSON.parse(response.text)).toMatchObject({
        type: `${BASE}resource-not-found`,
        reason: 'RESOURCE_NOT_FOUND',
        instance: '/nowhere',
      });
    });
  });

  it('shows the thrown message, stack and cause chain in development', async () => {
    const app = await boot({ problemTypeBaseUrl: 'https://errors.example.com', mode: 'development' });
    const response = await request(app.getHttpServer()).get('/products/boom');
    const body = JSON.parse(response.text);
    expect(body).toMatchObject({
      type: 'https://errors.example.com/unexpected-error',
      title: 'Unexpected error',
      detail: 'pricing database password=hunter2 rejected the query',
      cause: [{ name: 'RangeError', message: 'pool exhausted' }],
    });
    expect(body.stack).toContain('ProblemController.boom');
    await app.close();
  });

  it('keeps about:blank without a base URL, titled with the HTTP status phrase', async () => {
    const app = await boot({ mode: 'production' });
    const response = await request(app.getHttpServer()).get('/products/sold-out');
    expect(response.headers['content-type']).toBe(PROBLEM_JSON);
    expect(JSON.parse(response.text)).toMatchObject({
      type: 'about:blank',
      title: 'Conflict',
      detail: 'Mouse is sold out',
      reason: 'PRODUCT_SOLD_OUT',
    });
    await app.close();
  });
});

describe('problem and openapi options are checked at startup', () => {
  it.each<[string, ErrorHandlingModuleOptions, RegExp]>([
    [
      'a relative type base',
      { problemTypeBaseUrl: '/problems' },
      /problemTypeBaseUrl "\/problems" is not an absolute URL/,
    ],
    [
      'a type base with a query',
      { problemTypeBaseUrl: 'https://example.com/p?x=1' },
      /problemTypeBaseUrl .* without query or fragment/,
    ],
    ['a type base that is not a string', { problemTypeBaseUrl: 42 as never }, /problemTypeBaseUrl "42"/],
    ['a non-boolean openapi', { openapi: 'yes' as never }, /`openapi` must be true or false/],
  ])('rejects %s', async (_case, options, message) => {
    await expect(
      createApp('express', { imports: [ErrorHandlingModule.forRoot(options)], controllers: [ProblemController] }),
    ).rejects.toThrow(message);
  });
});
