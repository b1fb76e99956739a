import { ArgumentsHost, Catch, Controller, Get, LoggerService, NotFoundException, UseFilters } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import { ErrorHandlingModule, OperatedExceptionFilter } from '../../src/index.js';
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

class FilteredError extends Error {}

/** A user filter whose own code throws before it hands over to super.catch(). */
@Catch(FilteredError)
class ThrowingFilter extends OperatedExceptionFilter<FilteredError> {
  catch(_exception: FilteredError, _host: ArgumentsHost): never {
    throw new Error('bug in a user filter');
  }
}

/** A user filter that rejects after awaiting something. */
@Catch(FilteredError)
class RejectingFilter extends OperatedExceptionFilter<FilteredError> {
  async catch(_exception: FilteredError, _host: ArgumentsHost): Promise<void> {
    await sleep(1);
    throw new Error('async bug in a user filter');
  }
}

/** A user filter whose `mapException` hook throws. */
@Catch(FilteredError)
class ThrowingHookFilter extends OperatedExceptionFilter<FilteredError> {
  protected override mapException(): never {
    throw new Error('bug in a mapping hook');
  }
}

/** A user filter whose async `mapException` hook rejects. */
@Catch(FilteredError)
class RejectingHookFilter extends OperatedExceptionFilter<FilteredError> {
  protected override async mapException(): Promise<never> {
    await sleep(1);
    throw new Error('async bug in a mapping hook');
  }
}

@Controller('filtered')
class FilteredController {
  @Get('throwing-hook')
  @UseFilters(ThrowingHookFilter)
  throwingHook() {
    throw new FilteredError('handled by a throwing hook');
  }

  @Get('rejecting-hook')
  @UseFilters(RejectingHookFilter)
  rejectingHook() {
    throw new FilteredError('handled by a rejecting hook');
  }

  @Get('throwing')
  @UseFilters(ThrowingFilter)
  throwing() {
    throw new FilteredError('handled by a throwing filter');
  }

  @Get('rejecting')
  @UseFilters(RejectingFilter)
  rejecting() {
    throw new FilteredError('handled by a rejecting filter');
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
    const app = await createApp(
      platform,
      { imports: [ErrorHandlingModule.forRoot()], controllers: [FaultyPiecesController] },
      { logger: throwingLogger },
    );
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

  it.each(['throwing', 'rejecting', 'throwing-hook', 'rejecting-hook'])(
    'answers a 500 envelope when a user filter is %s, and keeps serving',
    async (kind) => {
      const app = await createApp(platform, {
        imports: [ErrorHandlingModule.forRoot()],
        controllers: [FaultyPiecesController, FilteredController],
      });
      const response = await request(app.getHttpServer()).get(`/filtered/${kind}`).timeout(5_000);
      expect(response.status).toBe(500);
      expect(response.body).toMatchObject({
        code: 9000,
        reason: 'UNEXPECTED_ERROR',
        requestId: response.headers['x-request-id'],
      });
      expect((await request(app.getHttpServer()).get('/alive')).text).toBe('alive');
      await app.close();
    },
  );

  it('sends the fixed 500 envelope when a custom formatter throws', async () => {
    const app = await createApp(platform, {
      imports: [
        ErrorHandlingModule.forRoot({
          format: () => {
            throw new Error('formatter bug');
          },
        }),
      ],
      controllers: [FaultyPiecesController],
    });
    const response = await request(app.getHttpServer()).get('/missing').set('X-Request-Id', 'fmt-1');
    expect(response.status).toBe(500);
    expect(response.body).toEqual({
      code: 9000,
      reason: 'UNEXPECTED_ERROR',
      message: 'Unexpected error',
      requestId: 'fmt-1',
    });
    expect(response.headers['x-request-id']).toBe('fmt-1');
    expect((await request(app.getHttpServer()).get('/alive')).text).toBe('alive');
    await app.close();
  });
});
