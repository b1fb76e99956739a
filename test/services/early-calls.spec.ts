import {
  Body,
  Controller,
  Inject,
  Injectable,
  Module,
  Post,
  UseGuards,
  type CanActivate,
  type ExecutionContext,
  type INestApplication,
  type INestMicroservice,
  type MiddlewareConsumer,
  type NestMiddleware,
  type NestModule,
} from '@nestjs/common';
import { ClientsModule, Ctx, MessagePattern, TcpContext, Transport, type ClientProxy } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';
import request from 'supertest';
import { ErrorHandlingModule } from '../../src/index.js';
import { createMicroservice, freePort } from '../support/microservices.js';
import { createApp, PLATFORMS } from '../support/platforms.js';

/** Answers with the request id the call's packet metadata carried (none: `null`). */
@Controller()
class WhoAmIService {
  @MessagePattern('whoami')
  whoami(@Ctx() context: TcpContext): string | null {
    return context.getMetadata()?.['x-request-id'] ?? null;
  }
}

/** What each stage's ClientProxy call reached the service with, written on the response. */
type Answered =
  { setHeader(name: string, value: string): void } | { raw: { setHeader(name: string, value: string): void } };

function tell(response: Answered, stage: string, seen: unknown): void {
  ('raw' in response ? response.raw : response).setHeader(`x-${stage}-saw`, String(seen));
}

@Injectable()
class CallingMiddleware implements NestMiddleware {
  constructor(@Inject('SERVICE') private readonly service: ClientProxy) {}

  async use(_request: unknown, response: Answered, next: () => void): Promise<void> {
    tell(response, 'middleware', await firstValueFrom(this.service.send('whoami', {})));
    next();
  }
}

@Injectable()
class CallingGuard implements CanActivate {
  constructor(@Inject('SERVICE') private readonly service: ClientProxy) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    tell(context.switchToHttp().getResponse(), 'guard', await firstValueFrom(this.service.send('whoami', {})));
    return true;
  }
}

@Controller()
class OrdersController {
  constructor(@Inject('SERVICE') private readonly service: ClientProxy) {}

  @Post('orders')
  @UseGuards(CallingGuard)
  async create(@Body() order: { sku: string }): Promise<unknown> {
    return { sku: order.sku, handlerSaw: await firstValueFrom(this.service.send('whoami', {})) };
  }
}

describe.each(PLATFORMS)('ClientProxy calls made in middleware and guards, on %s', (platform) => {
  let service: INestMicroservice;
  let edge: INestApplication;

  beforeAll(async () => {
    const port = await freePort();
    service = await createMicroservice(
      { controllers: [WhoAmIService] },
      { transport: Transport.TCP, options: { host: '127.0.0.1', port } },
    );
    @Module({
      imports: [
        ErrorHandlingModule.forRoot(),
        ClientsModule.register([{ name: 'SERVICE', transport: Transport.TCP, options: { host: '127.0.0.1', port } }]),
      ],
      controllers: [OrdersController],
      providers: [CallingGuard],
    })
    class EdgeModule implements NestModule {
      configure(consumer: MiddlewareConsumer): void {
        consumer.apply(CallingMiddleware).forRoutes('*path');
      }
    }
    edge = await createApp(platform, { imports: [EdgeModule] });
  });

  afterAll(async () => {
    await edge?.close();
    await service?.close();
  });

  it('carry the request id from the middleware, the guard (after the body is parsed) and the handler', async () => {
    const response = await request(edge.getHttpServer())
      .post('/orders')
      .set('X-Request-Id', `early-${platform}`)
      .send({ sku: 'sku-1' })
      .expect(201);
    expect(response.headers['x-middleware-saw']).toBe(`early-${platform}`);
    expect(response.headers['x-guard-saw']).toBe(`early-${platform}`);
    expect(response.body).toEqual({ sku: 'sku-1', handlerSaw: `early-${platform}` });
  });

  if (platform === 'fastify') {
    // inject() emits no server `request` event: the context is entered in an onRequest hook,
    // after middie's, so middleware calls carry no id there (docs/services.md).
    it('carry it from guards and handlers under fastify inject() too', async () => {
      const response = await edge
        .getHttpAdapter()
        .getInstance()
        .inject({ method: 'POST', url: '/orders', headers: { 'x-request-id': 'injected' }, payload: { sku: 'sku-3' } });
      expect([response.headers['x-guard-saw'], response.json().handlerSaw]).toEqual(['injected', 'injected']);
    });
  }

  it("keeps concurrent requests' ids apart", async () => {
    const ids = Array.from({ length: 8 }, (_, index) => `concurrent-${platform}-${index}`);
    const responses = await Promise.all(
      ids.map((id) => request(edge.getHttpServer()).post('/orders').set('X-Request-Id', id).send({ sku: id })),
    );
    for (const [index, response] of responses.entries()) {
      expect([response.headers['x-middleware-saw'], response.headers['x-guard-saw'], response.body.handlerSaw]).toEqual(
        [ids[index], ids[index], ids[index]],
      );
    }
  });

  it('gives a request without an incoming id its generated one, the one the response names', async () => {
    const response = await request(edge.getHttpServer()).post('/orders').send({ sku: 'sku-2' }).expect(201);
    const generated = response.headers['x-request-id'];
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
    expect([response.headers['x-middleware-saw'], response.headers['x-guard-saw'], response.body.handlerSaw]).toEqual([
      generated,
      generated,
      generated,
    ]);
  });
});
