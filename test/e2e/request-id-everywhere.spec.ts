import { Controller, Get, type INestApplication } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import request from 'supertest';
import { ErrorCode, ErrorHandlingModule, OperatedException } from '../../src/index.js';
import { createApp, PLATFORMS } from '../support/platforms.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ORIGIN = 'https://shop.example';

@Controller()
class HelloController {
  @Get('hello')
  hello() {
    return { hello: 'world' };
  }

  @Get('missing')
  missing(): never {
    throw new OperatedException(ErrorCode.RESOURCE_NOT_FOUND);
  }
}

/** A middleware registered as main.ts does, before routing, answering some requests itself. */
function earlyAnswer(req: IncomingMessage, res: ServerResponse, next: () => void): void {
  if (req.url === '/early') {
    res.statusCode = 200;
    res.end('answered early');
    return;
  }
  next();
}

describe.each(PLATFORMS)('the request id header on every response on %s', (platform) => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await createApp(
      platform,
      { imports: [ErrorHandlingModule.forRoot({ mode: 'production' })], controllers: [HelloController] },
      {},
      (nest) => {
        nest.enableCors({ origin: ORIGIN });
        nest.use(earlyAnswer);
      },
    );
  });

  afterAll(async () => {
    await app.close();
  });

  const preflight = () =>
    request(app.getHttpServer()).options('/hello').set('Origin', ORIGIN).set('Access-Control-Request-Method', 'GET');

  it('a CORS preflight gets a new id', async () => {
    const response = await preflight();
    expect(response.status).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(response.headers['x-request-id']).toMatch(UUID);
  });

  it('a CORS preflight echoes a well-formed incoming id', async () => {
    const response = await preflight().set('X-Request-Id', 'preflight-7.a_B');
    expect(response.status).toBe(204);
    expect(response.headers['x-request-id']).toBe('preflight-7.a_B');
  });

  it('a CORS preflight replaces a malformed incoming id', async () => {
    const response = await preflight().set('X-Request-Id', 'no spaces; allowed');
    expect(response.status).toBe(204);
    expect(response.headers['x-request-id']).toMatch(UUID);
  });

  it('an answer written by a middleware before routing gets a new id', async () => {
    const response = await request(app.getHttpServer()).get('/early');
    expect(response.status).toBe(200);
    expect(response.text).toBe('answered early');
    expect(response.headers['x-request-id']).toMatch(UUID);
  });

  it('an answer written by a middleware before routing echoes a well-formed incoming id', async () => {
    const response = await request(app.getHttpServer()).get('/early').set('X-Request-Id', 'early-1');
    expect(response.text).toBe('answered early');
    expect(response.headers['x-request-id']).toBe('early-1');
  });

  it('an answer written by a middleware before routing replaces an over-long incoming id', async () => {
    const response = await request(app.getHttpServer()).get('/early').set('X-Request-Id', 'a'.repeat(129));
    expect(response.text).toBe('answered early');
    expect(response.headers['x-request-id']).toMatch(UUID);
  });

  it('a success carries the id once, echoed', async () => {
    const response = await request(app.getHttpServer()).get('/hello').set('X-Request-Id', 'hello-1');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ hello: 'world' });
    expect(response.headers['x-request-id']).toBe('hello-1');
  });

  it('an error carries the same id in the header and the envelope', async () => {
    const response = await request(app.getHttpServer()).get('/missing');
    expect(response.status).toBe(404);
    expect(response.headers['x-request-id']).toMatch(UUID);
    expect(response.body.requestId).toBe(response.headers['x-request-id']);
  });

  it('two requests get two ids', async () => {
    const [first, second] = await Promise.all([
      request(app.getHttpServer()).get('/hello'),
      request(app.getHttpServer()).get('/hello'),
    ]);
    expect(first.headers['x-request-id']).toMatch(UUID);
    expect(second.headers['x-request-id']).toMatch(UUID);
    expect(first.headers['x-request-id']).not.toBe(second.headers['x-request-id']);
  });
});

describe('the request id header through fastify inject (no HTTP server event)', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await createApp('fastify', {
      imports: [ErrorHandlingModule.forRoot({ mode: 'production' })],
      controllers: [HelloController],
    });
  });

  afterAll(async () => {
    await app.close();
  });

  it('a success gets the id, echoed or new', async () => {
    const fastify = app.getHttpAdapter().getInstance();
    const echoed = await fastify.inject({ method: 'GET', url: '/hello', headers: { 'x-request-id': 'inject-1' } });
    expect(echoed.statusCode).toBe(200);
    expect(echoed.headers['x-request-id']).toBe('inject-1');
    const generated = await fastify.inject({ method: 'GET', url: '/hello' });
    expect(generated.headers['x-request-id']).toMatch(UUID);
  });

  it('an error gets the same id in the header and the envelope', async () => {
    const fastify = app.getHttpAdapter().getInstance();
    const response = await fastify.inject({ method: 'GET', url: '/missing' });
    expect(response.statusCode).toBe(404);
    expect(response.headers['x-request-id']).toMatch(UUID);
    expect(response.json().requestId).toBe(response.headers['x-request-id']);
  });
});

/** Every form `writeHead` takes, written by a middleware before routing; `own` sets the app's own id. */
const RAW_WRITES: Record<string, (res: ServerResponse) => void> = {
  object: (res) => res.writeHead(200, { 'content-type': 'text/plain' }),
  'object with a list value': (res) =>
    res.writeHead(200, { 'content-type': 'text/plain', 'set-cookie': ['a=1', 'b=2'] }),
  'reason and object': (res) => res.writeHead(200, 'Fine', { 'content-type': 'text/plain' }),
  'flat array': (res) => res.writeHead(200, ['content-type', 'text/plain']),
  none: (res) => res.writeHead(200),
  'setHeader first': (res) => {
    res.setHeader('content-type', 'text/plain');
    res.writeHead(200);
  },
};
const OWN_ID_WRITES: Record<string, (res: ServerResponse) => void> = {
  object: (res) => res.writeHead(200, { 'X-Request-Id': 'own-id' }),
  'flat array': (res) => res.writeHead(200, ['X-Request-Id', 'own-id']),
  setHeader: (res) => {
    res.setHeader('x-request-id', 'own-id');
    res.writeHead(200);
  },
};

function rawWriter(req: IncomingMessage, res: ServerResponse, next: () => void): void {
  const [, kind, form] = /^\/raw\/(own|any)\/(.+)$/.exec(decodeURIComponent(req.url ?? '')) ?? [];
  const write = (kind === 'own' ? OWN_ID_WRITES : RAW_WRITES)[form ?? ''];
  if (write === undefined) return next();
  write(res);
  res.end('raw');
}

describe.each(PLATFORMS)('the request id header on a response written with writeHead on %s', (platform) => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await createApp(
      platform,
      { imports: [ErrorHandlingModule.forRoot({ mode: 'production' })], controllers: [HelloController] },
      {},
      (nest) => nest.use(rawWriter),
    );
  });

  afterAll(async () => {
    await app.close();
  });

  it.each(Object.keys(RAW_WRITES))('headers given as %s get the id beside them', async (form) => {
    const response = await request(app.getHttpServer()).get(`/raw/any/${encodeURIComponent(form)}`);
    expect(response.status).toBe(200);
    expect(response.text).toBe('raw');
    expect(response.headers['x-request-id']).toMatch(UUID);
    if (form !== 'none') expect(response.headers['content-type']).toBe('text/plain');
    if (form === 'object with a list value') expect(response.headers['set-cookie']).toEqual(['a=1', 'b=2']);
  });

  it('an echoed id is the one written with writeHead', async () => {
    const response = await request(app.getHttpServer()).get('/raw/any/object').set('X-Request-Id', 'caller-7');
    expect(response.headers['x-request-id']).toBe('caller-7');
  });

  it.each(Object.keys(OWN_ID_WRITES))('an id the app writes (%s) is kept, once', async (form) => {
    const response = await request(app.getHttpServer()).get(`/raw/own/${encodeURIComponent(form)}`);
    expect(response.status).toBe(200);
    expect(response.headers['x-request-id']).toBe('own-id');
  });
});
