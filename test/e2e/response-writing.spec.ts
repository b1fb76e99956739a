import { Controller, Get, type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import type { NextFunction, Response } from 'express';
import type { FastifyInstance } from 'fastify';
import request from 'supertest';
import { ErrorCode, ErrorHandlingModule, OperatedException } from '../../src/index.js';
import { createApp, PLATFORMS } from '../support/platforms.js';

@Controller('rooms')
class RoomsController {
  @Get('full')
  full(): never {
    throw new OperatedException(ErrorCode.CONFLICT, 'Salle pleine — réessayez ✓', {
      headers: { 'Retry-After': '120' },
    });
  }
}

@Module({ controllers: [RoomsController] })
class RoomsModule {}

describe.each(PLATFORMS)('the error response on the wire on %s', (platform) => {
  const boot = () => createApp(platform, { imports: [ErrorHandlingModule.forRoot(), RoomsModule] });

  it('has its status, headers and a Content-Length of the body in bytes', async () => {
    const app = await boot();
    const response = await request(app.getHttpServer()).get('/rooms/full').expect(409);
    await app.close();
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(response.headers['retry-after']).toBe('120');
    expect(response.headers['x-request-id']).toBe(response.body.requestId);
    expect(Number(response.headers['content-length'])).toBe(Buffer.byteLength(response.text));
    expect(response.body).toMatchObject({
      code: ErrorCode.CONFLICT.code,
      message: 'Salle pleine — réessayez ✓',
    });
  });

  it('answers a HEAD request with the headers and no body', async () => {
    const app = await boot();
    const get = await request(app.getHttpServer()).get('/rooms/full').expect(409);
    const head = await request(app.getHttpServer()).head('/rooms/full').expect(409);
    await app.close();
    expect(head.text ?? '').toBe('');
    expect(head.headers['content-length']).toBe(get.headers['content-length']);
    expect(head.headers['x-request-id']).toMatch(/\S/);
  });
});

describe('the error response on express', () => {
  it('carries no ETag: no client revalidates an error', async () => {
    const app = await createApp('express', { imports: [ErrorHandlingModule.forRoot(), RoomsModule] });
    const response = await request(app.getHttpServer()).get('/rooms/full').expect(409);
    await app.close();
    expect(response.headers.etag).toBeUndefined();
  });

  it('goes through res.send where the app wrapped it, as body-capturing middleware does', async () => {
    const sent: unknown[] = [];
    @Module({ imports: [RoomsModule] })
    class CapturingModule implements NestModule {
      configure(consumer: MiddlewareConsumer): void {
        consumer
          .apply((_request: unknown, response: Response, next: NextFunction) => {
            const send = response.send.bind(response);
            response.send = (body?: unknown) => {
              sent.push(body);
              return send(body);
            };
            next();
          })
          .forRoutes('*splat');
      }
    }
    const app = await createApp('express', { imports: [ErrorHandlingModule.forRoot(), CapturingModule] });
    const response = await request(app.getHttpServer()).get('/rooms/full').expect(409);
    await app.close();
    expect(sent).toEqual([response.text]);
  });
});

describe('the error response on fastify', () => {
  it("goes through the reply's onSend hooks and keeps the headers a plugin set on the reply", async () => {
    const payloads: unknown[] = [];
    const app = await createApp('fastify', { imports: [ErrorHandlingModule.forRoot(), RoomsModule] }, {}, (nest) => {
      const fastify = nest.getHttpAdapter().getInstance() as FastifyInstance;
      fastify.addHook('onRequest', async (_request, reply) => {
        void reply.header('X-Frame-Options', 'DENY');
      });
      fastify.addHook('onSend', async (_request, reply, payload) => {
        payloads.push(payload);
        void reply.header('X-Sent-Through', 'onSend');
        return payload;
      });
    });
    const response = await request(app.getHttpServer()).get('/rooms/full').expect(409);
    await app.close();
    expect(payloads).toEqual([response.text]);
    expect(response.headers['x-sent-through']).toBe('onSend');
    expect(response.headers['x-frame-options']).toBe('DENY');
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(response.headers['x-request-id']).toBe(response.body.requestId);
  });
});
