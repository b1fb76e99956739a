import { Controller, Get, INestApplication, MessageEvent, Sse, StreamableFile } from '@nestjs/common';
import { Readable } from 'node:stream';
import { concat, map, Observable, of, timer } from 'rxjs';
import request from 'supertest';
import { ErrorCode, ErrorHandlingModule, OperatedException } from '../../src/index.js';
import { createApp, PLATFORMS } from '../support/platforms.js';
import { collectUnhandledRejections } from '../support/unhandled-rejections.js';
import { sendRaw } from '../support/raw-http.js';

@Controller()
class HostileOutputController {
  @Get('huge-details')
  hugeDetails() {
    throw new OperatedException(ErrorCode.INVALID_INPUT, 'Too much to say', {
      details: Array.from({ length: 50_000 }, (_, index) => ({ index, note: 'x'.repeat(20) })),
    });
  }

  @Get('odd-headers')
  oddHeaders() {
    throw new OperatedException(ErrorCode.TOO_MANY_REQUESTS, 'Slow down', {
      headers: { 'Retry-After': '5', 'X-Name': 'café', 'Bad Name': 'x', 'X-Number': 5 as never },
    });
  }

  @Sse('events')
  events(): Observable<MessageEvent> {
    return concat(
      of({ data: 'first' }),
      timer(20).pipe(
        map(() => {
          throw new Error('stream broke: password=hunter2');
        }),
      ),
    );
  }

  @Get('file')
  file() {
    const stream = new Readable({ read() {} });
    stream.push('partial file content ');
    setTimeout(() => stream.destroy(new Error('disk gone: password=hunter2')), 20);
    return new StreamableFile(stream);
  }

  @Get('alive')
  alive() {
    return 'alive';
  }
}

describe.each(PLATFORMS)('hostile output on %s', (platform) => {
  let app: INestApplication;
  let port: number;
  const unhandled = collectUnhandledRejections();

  beforeAll(async () => {
    app = await createApp(platform, {
      imports: [ErrorHandlingModule.forRoot({ mode: 'production' })],
      controllers: [HostileOutputController],
    });
    await app.listen(0, '127.0.0.1');
    port = app.getHttpServer().address().port;
  });
  afterAll(() => app.close());
  afterEach(async () => {
    expect((await request(app.getHttpServer()).get('/alive')).text).toBe('alive');
    expect(unhandled).toEqual([]);
  });

  it('replaces details that would make the body huge by a note of their size', async () => {
    const response = await request(app.getHttpServer()).get('/huge-details');
    expect(response.status).toBe(400);
    expect(response.text.length).toBeLessThan(1_000);
    expect(response.body).toMatchObject({
      code: 1100,
      message: 'Too much to say',
      details: { omitted: true, length: expect.any(Number) },
    });
    expect(response.body.details.length).toBeGreaterThan(64 * 1024);
  });

  it('sends valid ASCII headers and drops the rest', async () => {
    const response = await request(app.getHttpServer()).get('/odd-headers');
    expect(response.status).toBe(429);
    expect(response.headers['retry-after']).toBe('5');
    expect(response.headers['x-name']).toBeUndefined();
    expect(response.headers['x-number']).toBeUndefined();
  });

  it('closes an SSE stream that fails after its headers, leaking nothing', async () => {
    const response = await sendRaw(port, 'GET /events HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    expect(response.status).toBe(200);
    expect(response.body).toContain('data: first');
    expect(response.body).not.toContain('hunter2');
  });

  it('ends a file stream that fails after its headers, leaking nothing', async () => {
    const response = await sendRaw(port, 'GET /file HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n').catch(
      () => undefined,
    );
    expect(response?.body ?? '').not.toContain('hunter2');
  });
});
