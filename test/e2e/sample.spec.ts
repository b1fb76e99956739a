import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import request from 'supertest';
import { createApp, PLATFORMS } from '../support/platforms.js';

// The sample logs through nestjs-pino; keep the test output quiet.
process.env.LOG_LEVEL = 'silent';
const { AppModule } = await import('../../sample/app.module.js');

describe.each(PLATFORMS)('the sample app on %s answers as its README lines say', (platform) => {
  let app: INestApplication;
  beforeAll(async () => {
    app = await createApp(platform, { imports: [AppModule] });
  });
  afterAll(() => app.close());

  it.each([
    ['get', '/products/1', 200, undefined],
    ['get', '/products/99', 404, 'RESOURCE_NOT_FOUND'],
    ['get', '/products/abc', 400, 'INVALID_INPUT'],
    ['post', '/products/2/buy', 409, 'PRODUCT_SOLD_OUT'],
    ['get', '/products/1/recommendations', 504, 'MODEL_TIMEOUT'],
    ['get', '/products/1/price', 500, 'UNEXPECTED_ERROR'],
    ['get', '/nowhere', 404, 'RESOURCE_NOT_FOUND'],
  ] as const)('%s %s → %i %s', async (method, path, status, reason) => {
    const response = await request(app.getHttpServer())[method](path);
    expect(response.status).toBe(status);
    if (reason) expect(response.body.reason).toBe(reason);
    expect(response.text).not.toContain('hunter2');
  });

  it('lists field errors for an invalid product', async () => {
    const response = await request(app.getHttpServer())
      .post('/products')
      .send({ name: '', stock: -1, price: { cents: 0 } });
    expect(response.status).toBe(400);
    expect(response.body.details.map((detail: { field: string }) => detail.field)).toEqual([
      'name',
      'stock',
      'price.cents',
      'price.currency',
    ]);
  });

  it('documents its error responses for the Swagger UI at /docs', () => {
    const document = SwaggerModule.createDocument(app, new DocumentBuilder().build());
    const responses = document.paths['/products/{id}'].get!.responses as Record<
      string,
      { content?: Record<string, { examples?: object }> }
    >;
    expect(Object.keys(responses)).toEqual(['200', '400', '404', '500']);
    expect(Object.keys(responses['404'].content!['application/json'].examples!)).toEqual(['RESOURCE_NOT_FOUND']);
  });
});
