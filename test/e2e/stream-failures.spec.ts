import { Controller, Get, type INestApplication, RequestMethod, StreamableFile } from '@nestjs/common';
import { Logger, LoggerModule } from 'nestjs-pino';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import request from 'supertest';
import { createPinoHttpOptions, ErrorHandlingModule } from '../../src/index.js';
import { LogCapture, WARN } from '../support/log-capture.js';
import { createApp, type Platform, PLATFORMS } from '../support/platforms.js';

@Controller('files')
class FilesController {
  @Get('missing')
  missing() {
    return new StreamableFile(createReadStream('/nonexistent/secret-path/report.pdf'), {
      disposition: 'attachment; filename="report.pdf"',
    });
  }

  @Get('fails-before-first-byte')
  failsEarly() {
    const stream = new Readable({ read() {} });
    setTimeout(() => stream.destroy(new Error('disk gone before the first byte')), 20);
    return new StreamableFile(stream);
  }

  @Get('fails-mid-body')
  failsLate() {
    const stream = new Readable({ read() {} });
    stream.push('partial file content ');
    setTimeout(() => stream.destroy(new Error('disk gone mid-body')), 20);
    return new StreamableFile(stream);
  }

  @Get('fine')
  fine() {
    return new StreamableFile(Buffer.from('whole file'));
  }
}

const ALL_ROUTES = [{ path: '{*splat}', method: RequestMethod.ALL }];
// nestjs-pino builds its pino-http instance once per process: one capture serves every app here.
const capture = new LogCapture();

async function createFilesApp(platform: Platform): Promise<INestApplication> {
  const app = await createApp(
    platform,
    {
      imports: [
        LoggerModule.forRoot({ forRoutes: ALL_ROUTES, pinoHttp: [createPinoHttpOptions({ level: 'trace' }), capture] }),
        ErrorHandlingModule.forRoot({ mode: 'production' }),
      ],
      controllers: [FilesController],
    },
    { bufferLogs: true },
  );
  app.useLogger(app.get(Logger));
  return app;
}

describe.each(PLATFORMS)('file streams that fail on %s', (platform) => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await createFilesApp(platform);
  });
  afterAll(() => app.close());
  beforeEach(() => capture.clear());

  const records = () => capture.lines.filter((line) => line.level >= WARN);

  it.each([
    ['a file that cannot be opened', '/files/missing', 'ENOENT'],
    ['a stream that fails before its first byte', '/files/fails-before-first-byte', 'disk gone before the first byte'],
  ])('answers %s with the 500 envelope and one record of the stream error', async (_case, path, error) => {
    const response = await request(app.getHttpServer()).get(path).expect(500);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    // Fastify keeps the headers set on the reply before the stream failed (see docs/guarantees.md).
    if (platform === 'express') expect(response.headers['content-disposition']).toBeUndefined();
    expect(response.headers['x-request-id']).toBe(response.body.requestId);
    expect(response.body).toEqual({
      code: 9000,
      reason: 'UNEXPECTED_ERROR',
      message: 'Unexpected error',
      requestId: response.body.requestId,
    });
    expect(response.text).not.toContain('secret-path');
    await vi.waitFor(() => expect(records()).toHaveLength(1));
    expect(records()[0]).toMatchObject({
      requestId: response.body.requestId,
      transport: 'http',
      status: 500,
      req: { url: path },
      err: { message: expect.stringContaining(error) },
    });
  });

  it('still sends a file whose stream does not fail', async () => {
    const response = await request(app.getHttpServer()).get('/files/fine').expect(200);
    expect(Buffer.from(response.body).toString()).toBe('whole file');
    expect(records()).toEqual([]);
  });
});

describe.each(PLATFORMS)('a file stream that fails mid-body on %s', (platform) => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await createFilesApp(platform);
  });
  afterAll(() => app.close());
  beforeEach(() => capture.clear());

  it('aborts the response, so the file never looks complete, and writes one record with the request id', async () => {
    const aborted = await request(app.getHttpServer())
      .get('/files/fails-mid-body')
      .then(
        () => false,
        () => true,
      );
    expect(aborted).toBe(true);
    await vi.waitFor(() => expect(capture.lines.filter((line) => line.level >= WARN)).toHaveLength(1));
    const [record] = capture.lines.filter((line) => line.level >= WARN);
    expect(record).toMatchObject({
      transport: 'http',
      status: 500,
      reason: 'UNEXPECTED_ERROR',
      requestId: expect.any(String),
      req: { url: '/files/fails-mid-body', id: record.requestId },
      err: { message: 'disk gone mid-body' },
      context: 'ErrorHandling',
    });
  });
});
