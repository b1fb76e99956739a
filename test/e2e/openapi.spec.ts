import { Controller, Delete, Get, HttpCode, type INestApplication, Post } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  ApiNotFoundResponse,
  DECORATORS,
  DocumentBuilder,
  SwaggerModule,
  type OpenAPIObject,
  type SchemaObject,
} from '@nestjs/swagger';
import {
  ApiErrorResponses,
  defineErrorCodes,
  ErrorCode,
  ErrorHandlingModule,
  type ErrorHandlingModuleOptions,
  OnError,
  OperatedException,
  Timeout,
} from '../../src/index.js';
import { SWAGGER_API_RESPONSE_METADATA } from '../../src/openapi/error-responses.documenter.js';
import { createApp, PLATFORMS, type Platform } from '../support/platforms.js';

const AppError = defineErrorCodes({
  ...ErrorCode,
  PRODUCT_SOLD_OUT: { code: 4101, status: 409, message: 'Product is sold out' },
  PRODUCT_WITHDRAWN: { code: 4102, status: 404, message: 'Product was withdrawn' },
});

class ProductNotFoundError extends Error {}
class StockError extends Error {}

@Controller('products')
@OnError(ProductNotFoundError, AppError.RESOURCE_NOT_FOUND)
@ApiErrorResponses(AppError.INVALID_INPUT)
class ProductsController {
  @Get(':id')
  find() {}

  @Post(':id/buy')
  @ApiErrorResponses(AppError.PRODUCT_SOLD_OUT, AppError.PRODUCT_WITHDRAWN)
  @OnError(StockError, (error: StockError) => new OperatedException(AppError.PRODUCT_SOLD_OUT, error.message))
  buy() {}

  @Get(':id/recommendations')
  @Timeout(200)
  recommendations() {}

  @Delete(':id')
  @ApiNotFoundResponse({ description: 'No such product' })
  remove() {}
}

@Controller('health')
class HealthController {
  @Get()
  @HttpCode(203)
  check() {}
}

async function documentOf(platform: Platform, options: ErrorHandlingModuleOptions): Promise<OpenAPIObject> {
  const app: INestApplication = await createApp(platform, {
    imports: [ErrorHandlingModule.forRoot({ codes: AppError, ...options })],
    controllers: [ProductsController, HealthController],
  });
  const document = SwaggerModule.createDocument(app, new DocumentBuilder().setTitle('test').build());
  await app.close();
  return document;
}

type Responses = Record<
  string,
  {
    description: string;
    content?: Record<string, { schema: SchemaObject; examples: Record<string, { summary: string; value: unknown }> }>;
  }
>;

const responsesOf = (document: OpenAPIObject, path: string, method: 'get' | 'post' | 'delete'): Responses =>
  document.paths[path][method]!.responses as Responses;

const envelopeExample = (entry: { code: number; reason: string; message: string }) => ({
  summary: `${entry.code} ${entry.reason}`,
  value: { code: entry.code, reason: entry.reason, message: entry.message, requestId: expect.any(String) },
});

describe.each(PLATFORMS)('OpenAPI error responses with openapi: true on %s', (platform) => {
  let document: OpenAPIObject;
  beforeAll(async () => {
    document = await documentOf(platform, { openapi: true });
  });

  it("documents a route's @OnError entry, its controller's @ApiErrorResponses and the 500 beside the success response", () => {
    const responses = responsesOf(document, '/products/{id}', 'get');
    expect(Object.keys(responses)).toEqual(['200', '400', '404', '500']);
    expect(responses['404'].description).toBe('`RESOURCE_NOT_FOUND` (4001): Resource not found');
    const media = responses['404'].content!['application/json'];
    expect(media.examples).toEqual({ RESOURCE_NOT_FOUND: envelopeExample(ErrorCode.RESOURCE_NOT_FOUND) });
    expect(media.schema).toMatchObject({
      type: 'object',
      required: ['code', 'reason', 'message', 'requestId'],
      properties: {
        code: { type: 'integer' },
        reason: { type: 'string' },
        message: { type: 'string' },
        requestId: { type: 'string' },
      },
    });
    expect(responses['400'].content!['application/json'].examples).toEqual({
      INVALID_INPUT: envelopeExample(ErrorCode.INVALID_INPUT),
    });
    expect(responses['500'].content!['application/json'].examples).toEqual({
      UNEXPECTED_ERROR: envelopeExample(ErrorCode.UNEXPECTED_ERROR),
    });
  });

  it('groups the entries of one status in one response, one example each, and skips function targets', () => {
    const responses = responsesOf(document, '/products/{id}/buy', 'post');
    expect(Object.keys(responses)).toEqual(['201', '400', '404', '409', '500']);
    expect(responses['404'].description).toBe(
      '`PRODUCT_WITHDRAWN` (4102): Product was withdrawn\n\n`RESOURCE_NOT_FOUND` (4001): Resource not found',
    );
    expect(responses['404'].content!['application/json'].examples).toEqual({
      PRODUCT_WITHDRAWN: envelopeExample(AppError.PRODUCT_WITHDRAWN),
      RESOURCE_NOT_FOUND: envelopeExample(ErrorCode.RESOURCE_NOT_FOUND),
    });
    expect(responses['409'].content!['application/json'].examples).toEqual({
      PRODUCT_SOLD_OUT: envelopeExample(AppError.PRODUCT_SOLD_OUT),
    });
  });

  it('documents the @Timeout entry', () => {
    const responses = responsesOf(document, '/products/{id}/recommendations', 'get');
    expect(responses['504'].content!['application/json'].examples).toEqual({
      MODEL_TIMEOUT: envelopeExample(ErrorCode.MODEL_TIMEOUT),
    });
  });

  it('keeps a status the route documents itself with @ApiResponse', () => {
    const responses = responsesOf(document, '/products/{id}', 'delete');
    // As with @ApiResponse alone, a route that documents responses gets no default success one.
    expect(Object.keys(responses)).toEqual(['400', '404', '500']);
    expect(responses['404']).toEqual({ description: 'No such product' });
  });

  it('documents the 500 beside the @HttpCode success status of a route without any mapping', () => {
    const responses = responsesOf(document, '/health', 'get');
    expect(Object.keys(responses)).toEqual(['203', '500']);
  });
});

describe('OpenAPI error responses per module options', () => {
  it('without openapi, documents @ApiErrorResponses only, and a later app undoes an earlier one', async () => {
    await documentOf('express', { openapi: true });
    const document = await documentOf('express', {});
    expect(Object.keys(responsesOf(document, '/products/{id}', 'get'))).toEqual(['200', '400', '500']);
    expect(Object.keys(responsesOf(document, '/products/{id}/recommendations', 'get'))).toEqual(['200', '400', '500']);
    expect(responsesOf(document, '/health', 'get')).toEqual({ '203': { description: '' } });
    expect(responsesOf(document, '/products/{id}', 'delete')).toEqual({
      '404': { description: 'No such product' },
      '400': expect.any(Object),
      '500': expect.any(Object),
    });
  });

  it('documents problem+json bodies with the problem schema when the format is problem', async () => {
    const document = await documentOf('express', {
      openapi: true,
      format: 'problem',
      problemTypeBaseUrl: 'https://errors.example.com/',
    });
    const responses = responsesOf(document, '/products/{id}', 'get');
    expect(Object.keys(responses['404'].content!)).toEqual(['application/problem+json']);
    const media = responses['404'].content!['application/problem+json'];
    expect(media.schema.required).toEqual(['type', 'title', 'status', 'detail', 'code', 'reason', 'requestId']);
    expect(Object.keys(media.schema.properties!)).toEqual([
      'type',
      'title',
      'status',
      'detail',
      'instance',
      'code',
      'reason',
      'requestId',
      'errors',
    ]);
    expect(media.examples.RESOURCE_NOT_FOUND.value).toEqual({
      type: 'https://errors.example.com/resource-not-found',
      title: 'Resource not found',
      status: 404,
      detail: 'Resource not found',
      code: 4001,
      reason: 'RESOURCE_NOT_FOUND',
      requestId: expect.any(String),
    });
  });

  it("shows a custom formatter's own body as the example", async () => {
    const document = await documentOf('express', {
      openapi: true,
      format: (info) => ({ error: { id: info.code, text: info.message } }),
    });
    const media = responsesOf(document, '/products/{id}', 'get')['404'].content!['application/json'];
    expect(media.schema).toEqual({ type: 'object' });
    expect(media.examples.RESOURCE_NOT_FOUND.value).toEqual({ error: { id: 4001, text: 'Resource not found' } });
  });

  it('documents the entry statusCodes gives 500', async () => {
    const InternalError = { ...ErrorCode.UNEXPECTED_ERROR, code: 9999, reason: 'INTERNAL', message: 'Internal' };
    const document = await documentOf('express', { openapi: true, statusCodes: { 500: InternalError } });
    expect(Object.keys(responsesOf(document, '/health', 'get')['500'].content!['application/json'].examples)).toEqual([
      'INTERNAL',
    ]);
  });

  it('is written when the app is created, before app.init(), where main.ts calls SwaggerModule', async () => {
    await documentOf('express', {});
    const moduleRef = await Test.createTestingModule({
      imports: [ErrorHandlingModule.forRoot({ openapi: true })],
      controllers: [HealthController],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    const document = SwaggerModule.createDocument(app, new DocumentBuilder().build());
    expect(Object.keys(responsesOf(document, '/health', 'get'))).toEqual(['203', '500']);
    await app.close();
  });

  it("writes the metadata @nestjs/swagger's @ApiResponse writes", () => {
    expect(SWAGGER_API_RESPONSE_METADATA).toBe(DECORATORS.API_RESPONSE);
  });

  it('rejects what is not a catalogue entry where it is declared', () => {
    expect(() => ApiErrorResponses(ErrorCode.CONFLICT, { code: 1 } as never)).toThrow(
      '@ApiErrorResponses: argument 2 is not a catalogue entry',
    );
  });
});
