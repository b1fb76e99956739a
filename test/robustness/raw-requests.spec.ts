import { Controller, Get, INestApplication } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorHandlingModule } from '../../src/index.js';
import { createApp, PLATFORMS } from '../support/platforms.js';
import { collectUnhandledRejections } from '../support/unhandled-rejections.js';
import {
  rawGet as get,
  rawPost as post,
  sendAndHangUp,
  sendRaw,
  SinkController,
  type RawResponse,
} from '../support/raw-http.js';

@Controller()
class SlowFailureController {
  @Get('slow-failure')
  async slowFailure() {
    await sleep(100);
    throw new Error('failed after the client left');
  }
}

function expectEnvelope(response: RawResponse, status: number, reason: string): void {
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
  const body = JSON.parse(response.body);
  expect(body).toMatchObject({ reason, requestId: response.headers['x-request-id'] });
}

describe.each(PLATFORMS)('bad requests over a raw socket on %s', (platform) => {
  let app: INestApplication;
  let port: number;
  const unhandled = collectUnhandledRejections();

  beforeAll(async () => {
    app = await createApp(platform, {
      imports: [ErrorHandlingModule.forRoot()],
      controllers: [SinkController, SlowFailureController],
    });
    await app.listen(0, '127.0.0.1');
    port = app.getHttpServer().address().port;
  });
  afterAll(() => app.close());
  afterEach(async () => {
    const alive = await sendRaw(port, get('/alive'));
    expect(alive.status).toBe(200);
    expect(unhandled).toEqual([]);
  });

  it('answers malformed JSON with 400 INVALID_INPUT', async () => {
    expectEnvelope(await sendRaw(port, post('{"name": "unterminated')), 400, 'INVALID_INPUT');
  });

  it('answers invalid UTF-8 in a JSON body with 400 INVALID_INPUT', async () => {
    expectEnvelope(
      await sendRaw(port, post(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0xc3]))),
      400,
      'INVALID_INPUT',
    );
  });

  it('answers a content type it cannot parse with 200 or a 415 envelope', async () => {
    const response = await sendRaw(port, post('<xml/>', 'application/xml'));
    if (platform === 'fastify') expectEnvelope(response, 415, 'UNSUPPORTED_MEDIA_TYPE');
    else expect(response.status).toBe(200);
  });

  it('survives JSON nested 100,000 levels deep', async () => {
    const response = await sendRaw(port, post(`${'['.repeat(100_000)}${']'.repeat(100_000)}`));
    expect([200, 400, 413]).toContain(response.status);
    if (response.status !== 200) expect(JSON.parse(response.body).requestId).toBe(response.headers['x-request-id']);
  });

  it('answers a body over the limit with 413 PAYLOAD_TOO_LARGE', async () => {
    expectEnvelope(await sendRaw(port, post(`{"a":"${'x'.repeat(2 * 1024 * 1024)}"}`)), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('survives a chunked body that stops halfway', async () => {
    await sendAndHangUp(
      port,
      'POST /sink HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n{"partial": tr',
    );
  });

  it('survives a client that disconnects while its handler is failing', async () => {
    await sendAndHangUp(port, get('/slow-failure'));
    await sleep(200);
  });

  it('replaces an oversized X-Request-Id with a generated one', async () => {
    const response = await sendRaw(port, get('/nowhere', `X-Request-Id: ${'a'.repeat(4096)}\r\n`));
    expectEnvelope(response, 404, 'RESOURCE_NOT_FOUND');
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
