import { Controller, Get, LoggerService, NotFoundException } from '@nestjs/common';
import request from 'supertest';
import { ErrorHandlingModule } from '../../src/index.js';
import { createApp, PLATFORMS } from '../support/platforms.js';

@Controller()
class FaultyPiecesController {
  @Get('missing')
  missing() {
    throw new NotFoundException('No such thing');
  }

  @Get('boom')
  boom() {
    throw new Error('boom');
  }

  @Get('alive')
  alive() {
    return 'alive';
  }
}

/** A logger whose every write throws, like a log destination that has gone away. */
const throwingLogger: LoggerService = {
  log() {},
  warn() {
    throw new Error('log stream closed');
  },
  error() {
    throw new Error('log stream closed');
  },
};

describe.each(PLATFORMS)('faulty application pieces on %s', (platform) => {
  it('answers with the right envelope when the logger throws, and keeps serving', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.message);
    process.on('warning', onWarning);
    const app = await createApp(platform, { imports: [ErrorHandlingModule.forRoot()], controllers: [FaultyPiecesController] }, { logger: throwingLogger });
    const server = app.getHttpServer();
    try {
      const missing = await request(server).get('/missing');
      expect(missing.status).toBe(404);
      expect(missing.body).toMatchObject({ code: 4001, message: 'No such thing' });
      expect((await request(server).get('/boom')).status).toBe(500);
      expect((await request(server).get('/alive')).text).toBe('alive');
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings).toContainEqual(expect.stringContaining('could not log request'));
    } finally {
      process.off('warning', onWarning);
      await app.close();
    }
  });

  it('sends the fixed 500 envelope when a custom formatter throws', async () => {
    const app = await createApp(platform, {
      imports: [ErrorHandlingModule.forRoot({ format: () => { throw new Error('formatter bug'); } })],
      controllers: [FaultyPiecesController],
    });
    const response = await request(app.getHttpServer()).get('/missing').set('X-Request-Id', 'fmt-1');
    expect(response.status).toBe(500);
    expect(response.body).toEqual({ code: 9000, reason: 'UNEXPECTED_ERROR', message: 'Unexpected error', requestId: 'fmt-1' });
    expect(response.headers['x-request-id']).toBe('fmt-1');
    expect((await request(app.getHttpServer()).get('/alive')).text).toBe('alive');
    await app.close();
  });
});
