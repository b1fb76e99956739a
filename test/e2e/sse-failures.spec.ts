import {
  Controller,
  ForbiddenException,
  type INestApplication,
  type MessageEvent,
  RequestMethod,
  Sse,
  UseInterceptors,
  type CallHandler,
  type NestInterceptor,
} from '@nestjs/common';
import { Logger, LoggerModule } from 'nestjs-pino';
import { catchError, concat, mergeMap, type Observable, of, throwError, timer } from 'rxjs';
import { createPinoHttpOptions, ErrorHandlingModule } from '../../src/index.js';
import { LogCapture, WARN } from '../support/log-capture.js';
import { createApp, PLATFORMS } from '../support/platforms.js';

class FeedGoneError extends Error {}

/** Two events, then the error, once the headers and those events are out. */
const failingAfterTwoEvents = (error: () => Error): Observable<MessageEvent> =>
  concat(of({ data: 'one' }, { data: { n: 2 } }), timer(20).pipe(mergeMap(() => throwError(error))));

/** An application's own interceptor that maps a feed's error to an HTTP one. */
class FeedErrorsInterceptor implements NestInterceptor {
  intercept(_context: unknown, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(catchError(() => throwError(() => new ForbiddenException('Feed closed for you'))));
  }
}

@Controller('events')
class EventsController {
  @Sse('fails-late')
  failsLate(): Observable<MessageEvent> {
    return failingAfterTwoEvents(() => new FeedGoneError('feed gone at /srv/secret-path'));
  }

  @Sse('mapped-late')
  @UseInterceptors(FeedErrorsInterceptor)
  mappedLate(): Observable<MessageEvent> {
    return failingAfterTwoEvents(() => new FeedGoneError('feed gone'));
  }

  @Sse('fails-early')
  failsEarly(): Observable<MessageEvent> {
    return throwError(() => new ForbiddenException('No feed for you'));
  }
}

const ALL_ROUTES = [{ path: '{*splat}', method: RequestMethod.ALL }];
// nestjs-pino builds its pino-http instance once per process: one capture serves every app here.
const capture = new LogCapture();
const records = () => capture.lines.filter((line) => line.level >= WARN);

/** The events of a stream as the client read them, each a map of its fields. */
function eventsOf(text: string): Record<string, string>[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) =>
      Object.fromEntries(
        block
          .split('\n')
          .filter((line) => line.includes(': '))
          .map((line) => [line.slice(0, line.indexOf(': ')), line.slice(line.indexOf(': ') + 2)]),
      ),
    );
}

describe.each(PLATFORMS)('@Sse() streams that fail on %s', (platform) => {
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    app = await createApp(
      platform,
      {
        imports: [
          LoggerModule.forRoot({ forRoutes: ALL_ROUTES, pinoHttp: [createPinoHttpOptions(), capture] }),
          ErrorHandlingModule.forRoot({ mode: 'production' }),
        ],
        controllers: [EventsController],
      },
      { bufferLogs: true },
    );
    app.useLogger(app.get(Logger));
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${app.getHttpServer().address().port}`;
  });
  afterAll(() => app.close());
  beforeEach(() => capture.clear());

  it('ends the stream with an error event whose data is the envelope, and writes one record with the request id', async () => {
    const response = await fetch(`${base}/events/fails-late`);
    expect(response.status).toBe(200);
    const requestId = response.headers.get('x-request-id');
    // The body ends: the client is not left waiting on an open stream.
    const events = eventsOf(await response.text());
    expect(events.map((event) => event.data).slice(0, 2)).toEqual(['one', '{"n":2}']);
    expect(events).toHaveLength(3);
    expect(events[2].event).toBe('error');
    expect(JSON.parse(events[2].data)).toEqual({
      code: 9000,
      reason: 'UNEXPECTED_ERROR',
      message: 'Unexpected error',
      requestId,
    });
    expect(events[2].data).not.toContain('secret-path');
    await vi.waitFor(() => expect(records()).toHaveLength(1));
    expect(records()[0]).toMatchObject({
      context: 'ErrorHandling',
      requestId,
      transport: 'http',
      status: 500,
      req: { url: '/events/fails-late' },
      err: { message: 'feed gone at /srv/secret-path' },
    });
  });

  it('answers the error an application interceptor maps it to', async () => {
    const response = await fetch(`${base}/events/mapped-late`);
    const events = eventsOf(await response.text());
    expect(events.at(-1)?.event).toBe('error');
    expect(JSON.parse(events.at(-1)!.data)).toMatchObject({
      reason: 'DENIED_PERMISSION',
      message: 'Feed closed for you',
    });
    await vi.waitFor(() => expect(records()).toHaveLength(1));
    expect(records()[0]).toMatchObject({ requestId: response.headers.get('x-request-id'), status: 403 });
  });

  it('answers an error before the first event with the envelope as the response, as before', async () => {
    const response = await fetch(`${base}/events/fails-early`);
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await response.json()).toMatchObject({
      reason: 'DENIED_PERMISSION',
      requestId: response.headers.get('x-request-id'),
    });
    await vi.waitFor(() => expect(records()).toHaveLength(1));
  });
});
