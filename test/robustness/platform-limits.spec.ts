import { Controller, Get, type INestApplication, Param, RequestMethod } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { Logger, LoggerModule } from 'nestjs-pino';
import type { Socket } from 'node:net';
import { createPinoHttpOptions, ErrorHandlingModule } from '../../src/index.js';
import { LogCapture, type LogLine } from '../support/log-capture.js';
import { createApp, type Platform, PLATFORMS } from '../support/platforms.js';
import { rawGet as get, rawPost as post, sendRaw, SinkController, type RawResponse } from '../support/raw-http.js';
import { collectUnhandledRejections } from '../support/unhandled-rejections.js';

@Controller()
class ItemsController {
  @Get('items/:id')
  item(@Param('id') id: string) {
    return { id };
  }
}

interface LimitCase {
  name: string;
  payload: string | Buffer;
  status: number;
  reason: string;
  /** What the record says of the request: the parser rejects some before a request exists. */
  url: string;
  /** Express parses no body of a type it has no parser for: the handler answers. */
  answeredBy?: Platform;
}

const CASES: LimitCase[] = [
  {
    name: 'headers over the limit',
    payload: get('/alive', `X-Padding: ${'a'.repeat(100_000)}\r\n`),
    status: 431,
    reason: 'REQUEST_HEADER_FIELDS_TOO_LARGE',
    url: '',
  },
  {
    name: 'a URL over the limit',
    payload: get(`/alive?q=${'a'.repeat(100_000)}`),
    status: 431,
    reason: 'REQUEST_HEADER_FIELDS_TOO_LARGE',
    url: '',
  },
  { name: 'a malformed request line', payload: 'GARBAGE\r\n\r\n', status: 400, reason: 'INVALID_INPUT', url: '' },
  {
    name: 'a malformed header',
    payload: 'GET /alive HTTP/1.1\r\nHost: localhost\r\nBad Header: x\r\n\r\n',
    status: 400,
    reason: 'INVALID_INPUT',
    url: '',
  },
  {
    name: 'a bad percent-encoding in a parameter',
    payload: get('/items/%zz?token=SECRET'),
    status: 400,
    reason: 'INVALID_INPUT',
    url: '/items/%zz?token=[Redacted]',
  },
  {
    name: 'a chunk extension over the limit, on the request it belongs to',
    payload: `POST /sink HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n2;ext=${'x'.repeat(20_000)}\r\n{}\r\n0\r\n\r\n`,
    status: 413,
    reason: 'PAYLOAD_TOO_LARGE',
    url: '/sink',
  },
  {
    name: 'an invalid JSON body',
    payload: post('{"name": "unterminated', 'application/json'),
    status: 400,
    reason: 'INVALID_INPUT',
    url: '/sink',
  },
  {
    name: 'an unsupported content type',
    payload: post('<xml/>', 'application/xml'),
    status: 415,
    reason: 'UNSUPPORTED_MEDIA_TYPE',
    url: '/sink',
    answeredBy: 'express',
  },
];

// nestjs-pino builds its pino-http instance once per process: one capture serves every app here.
const capture = new LogCapture();
const records = (): LogLine[] => capture.lines.filter((line) => line.context === 'ErrorHandling');
const ALL_ROUTES = [{ path: '{*splat}', method: RequestMethod.ALL }];

function expectEnvelope(response: RawResponse, status: number, reason: string): void {
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(response.headers.connection).toBe('close');
  expect(Number(response.headers['content-length'])).toBe(Buffer.byteLength(response.body));
  expect(JSON.parse(response.body)).toEqual({
    code: expect.any(Number),
    reason,
    message: expect.any(String),
    requestId: response.headers['x-request-id'],
  });
  expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
}

describe.each(PLATFORMS)('requests the platform rejects, over a raw socket, on %s', (platform) => {
  let app: INestApplication;
  let port: number;
  const unhandled = collectUnhandledRejections();

  beforeAll(async () => {
    app = await createApp(
      platform,
      {
        imports: [
          LoggerModule.forRoot({ forRoutes: ALL_ROUTES, pinoHttp: [createPinoHttpOptions(), capture] }),
          ErrorHandlingModule.forRoot(),
        ],
        controllers: [SinkController, ItemsController],
      },
      { bufferLogs: true },
    );
    app.useLogger(app.get(Logger));
    await app.listen(0, '127.0.0.1');
    port = app.getHttpServer().address().port;
  });
  afterAll(() => app.close());
  beforeEach(() => capture.clear());
  afterEach(async () => {
    expect((await sendRaw(port, get('/alive'))).status).toBe(200);
    expect(unhandled).toEqual([]);
  });

  it.each(CASES)('answers $name with the envelope, the request id and one record', async (limit) => {
    const response = await sendRaw(port, limit.payload);
    if (limit.answeredBy === platform) {
      expect(response.status).toBe(200);
      return;
    }
    expectEnvelope(response, limit.status, limit.reason);
    expect(response.body).not.toContain('SECRET');
    await vi.waitFor(() => expect(records()).toHaveLength(1));
    expect(records()[0]).toMatchObject({
      requestId: response.headers['x-request-id'],
      transport: 'http',
      status: limit.status,
      reason: limit.reason,
      req: { url: limit.url },
    });
    expect(capture.raw.join('')).not.toContain('SECRET');
  });

  it('answers a route parameter over fastify’s length limit (414) or serves it (express)', async () => {
    const response = await sendRaw(port, get(`/items/${'a'.repeat(200)}?token=SECRET`));
    if (platform === 'express') {
      expect(response.status).toBe(200);
      return;
    }
    expectEnvelope(response, 414, 'URI_TOO_LONG');
    expect(response.body).not.toContain('SECRET');
  });

  it('answers a broken request after the two pipelined ones before it, in order', async () => {
    const complete = 'GET /alive HTTP/1.1\r\nHost: localhost\r\n\r\n';
    const response = await sendRaw(port, `${complete}${complete}GARBAGE\r\n\r\n`);
    expect(response.status).toBe(200);
    const [, second, third] = response.body.split(/(?=HTTP\/1\.1 )/);
    expect(second).toMatch(/^HTTP\/1\.1 200 [^]*\r\n\r\nalive$/);
    expect(third).toMatch(/^HTTP\/1\.1 400 /);
    expect(third).toContain('"reason":"INVALID_INPUT"');
  });
});

const answerMine = (_error: Error, socket: Socket) =>
  socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 4\r\nConnection: close\r\n\r\nmine');

async function garbageAnswerOf(app: INestApplication): Promise<RawResponse> {
  try {
    await app.listen(0, '127.0.0.1');
    return await sendRaw(app.getHttpServer().address().port, 'GARBAGE\r\n\r\n');
  } finally {
    await app.close();
  }
}

describe('an app that answers client errors itself', () => {
  const metadata = { imports: [ErrorHandlingModule.forRoot()], controllers: [SinkController] };

  it('keeps its own clientError listener', async () => {
    const app = await createApp('express', metadata, {}, (created) =>
      created.getHttpServer().on('clientError', answerMine),
    );
    expect(await garbageAnswerOf(app)).toMatchObject({ status: 400, body: 'mine' });
  });

  it('keeps fastify’s clientErrorHandler option', async () => {
    const moduleRef = await Test.createTestingModule(metadata).compile();
    const app = moduleRef.createNestApplication(new FastifyAdapter({ clientErrorHandler: answerMine }), {
      logger: false,
    });
    await app.init();
    expect(await garbageAnswerOf(app)).toMatchObject({ status: 400, body: 'mine' });
  });
});
