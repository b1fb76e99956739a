import { Controller, Get, Inject, Module, type INestApplication, type INestMicroservice } from '@nestjs/common';
import { ApplicationConfig } from '@nestjs/core';
import { ClientsModule, MessagePattern, Transport, type ClientProxy } from '@nestjs/microservices';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { firstValueFrom } from 'rxjs';
import request from 'supertest';
import { ErrorCode, ErrorHandlingModule, OperatedException } from '../../src/index.js';
import { RpcServerSpanInterceptor } from '../../src/telemetry/rpc-server-span.interceptor.js';
import { TELEMETRY } from '../../src/telemetry/telemetry.constants.js';
import { createMicroservice, freePort } from '../support/microservices.js';
import { createApp, PLATFORMS } from '../support/platforms.js';
import { HttpServerSpansModule, spanNamed, Tracing } from '../support/tracing.js';

const SECRET = 'db-password-hunter2';

@Controller()
class FailingController {
  @Get('missing')
  missing(): never {
    throw new OperatedException(ErrorCode.RESOURCE_NOT_FOUND, 'Product 7 not found');
  }

  @Get('boom')
  async boom(): Promise<never> {
    await Promise.resolve();
    throw new Error(`connection to ${SECRET} refused`);
  }
}

/** What a failure records on its span, in the shape the tests compare. */
function recorded(span: ReadableSpan) {
  return {
    events: span.events.map(({ name, attributes }) => ({ name, ...attributes })),
    attributes: span.attributes,
    status: span.status,
  };
}

const tracing = new Tracing();
beforeAll(() => tracing.install());
afterAll(() => tracing.uninstall());
afterEach(() => tracing.clear());

describe.each(PLATFORMS)('failures on the active span, %s', (platform) => {
  let app: INestApplication;
  let untraced: INestApplication;

  beforeAll(async () => {
    const imports = [HttpServerSpansModule];
    app = await createApp(platform, {
      imports: [...imports, ErrorHandlingModule.forRoot({ opentelemetry: true })],
      controllers: [FailingController],
    });
    untraced = await createApp(platform, {
      imports: [...imports, ErrorHandlingModule.forRoot()],
      controllers: [FailingController],
    });
  });

  afterAll(async () => {
    await app?.close();
    await untraced?.close();
  });

  it('records a 404 as an exception event with its reason, code and request id, leaving the status unset', async () => {
    await request(app.getHttpServer()).get('/missing').set('X-Request-Id', 'otel-404').expect(404);
    const span = spanNamed(await tracing.spans(1), 'GET /missing');
    expect(recorded(span)).toEqual({
      events: [
        { name: 'exception', 'exception.type': 'OperatedException', 'exception.message': 'Product 7 not found' },
      ],
      attributes: { 'error.type': 'RESOURCE_NOT_FOUND', 'app.error.code': 4001, 'app.request_id': 'otel-404' },
      status: { code: SpanStatusCode.UNSET },
    });
  });

  it('sets status ERROR on an unexpected 500, with the stack the log record has too', async () => {
    const response = await request(app.getHttpServer()).get('/boom').set('X-Request-Id', 'otel-500').expect(500);
    expect(response.text).not.toContain(SECRET);
    const span = spanNamed(await tracing.spans(1), 'GET /boom');
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'UNEXPECTED_ERROR' });
    expect(span.attributes).toEqual({
      'error.type': 'UNEXPECTED_ERROR',
      'app.error.code': 9000,
      'app.request_id': 'otel-500',
    });
    const [event] = span.events;
    expect(event.name).toBe('exception');
    expect(event.attributes).toMatchObject({
      'exception.type': 'Error',
      'exception.message': `connection to ${SECRET} refused`,
    });
    expect(event.attributes?.['exception.stacktrace']).toMatch(/^Error: connection to .*\n\s+at /);
  });

  it('records nothing and loads no OpenTelemetry piece with the option off', async () => {
    await request(untraced.getHttpServer()).get('/missing').expect(404);
    await request(untraced.getHttpServer()).get('/boom').expect(500);
    const spans = await tracing.spans(2);
    expect(spans.map(recorded)).toEqual([
      { events: [], attributes: {}, status: { code: SpanStatusCode.UNSET } },
      { events: [], attributes: {}, status: { code: SpanStatusCode.UNSET } },
    ]);
    expect(untraced.get(TELEMETRY)).toBeUndefined();
    const interceptors = untraced.get(ApplicationConfig).getGlobalInterceptors();
    expect(interceptors.filter((interceptor) => interceptor instanceof RpcServerSpanInterceptor)).toEqual([]);
  });
});
