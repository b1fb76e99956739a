import { Body, Controller, Get, type INestApplication, type LoggerService, Post } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { IsNotEmpty, MaxLength } from 'class-validator';
import request from 'supertest';
import {
  defineErrorCodes,
  ErrorCode,
  ErrorHandlingModule,
  type ErrorHandlingModuleOptions,
  type ErrorPageInfo,
  escapeHtml,
  OperatedException,
} from '../../src/index.js';
import { createApp, PLATFORMS } from '../support/platforms.js';

const SCRIPT = '<script>alert(1)</script>';
const HOSTILE = `"'&<>`;
const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';
const HTML = 'text/html; charset=utf-8';

const AppError = defineErrorCodes({
  ...ErrorCode,
  PRODUCT_SOLD_OUT: { code: 4101, status: 409, message: 'Product is sold out' },
  [`ODD_${SCRIPT}${HOSTILE}`]: { code: 4102, status: 422, message: `Catalogue text ${SCRIPT}` },
});
const ODD = AppError[`ODD_${SCRIPT}${HOSTILE}`];

class ReviewDto {
  @IsNotEmpty()
  author: string;

  @MaxLength(5, { message: `text must be short ${SCRIPT}` })
  text: string;
}

@Controller('shop')
class ShopController {
  @Get('sold-out')
  soldOut() {
    throw new OperatedException(AppError.PRODUCT_SOLD_OUT, `Nothing named ${SCRIPT} ${HOSTILE}`, {
      details: { name: SCRIPT, quote: HOSTILE },
    });
  }

  @Get('odd')
  odd() {
    throw new OperatedException(ODD, undefined, { headers: { Vary: 'Origin' } });
  }

  @Get('boom')
  boom() {
    throw new Error(`pricing database password=hunter2 ${SCRIPT}`, {
      cause: new RangeError(`pool exhausted ${SCRIPT} ${HOSTILE}`),
    });
  }

  @Post('reviews')
  review(@Body() review: ReviewDto) {
    return review;
  }
}

/** A LoggerService standing in for whatever `app.useLogger` set: the page failure's record lands here. */
class RecordingLogger implements LoggerService {
  readonly calls: Array<{ level: string; args: unknown[] }> = [];
  log = () => undefined;
  warn = (...args: unknown[]) => this.calls.push({ level: 'warn', args });
  error = (...args: unknown[]) => this.calls.push({ level: 'error', args });
}

const boot = (platform: (typeof PLATFORMS)[number], options: ErrorHandlingModuleOptions, logger?: LoggerService) =>
  createApp(
    platform,
    {
      imports: [ErrorHandlingModule.forRoot({ format: 'negotiate', codes: AppError, validation: true, ...options })],
      controllers: [ShopController],
    },
    logger ? { logger } : {},
  );

/** The page has no script of its own: any `<script` in it would be an echoed one. */
function expectInert(page: string): void {
  expect(page).not.toContain('<script');
  expect(page).not.toMatch(/\s(?:src|href)=/);
  expect(page).not.toContain(HOSTILE);
}

describe.each(PLATFORMS)("format: 'negotiate' on %s", (platform) => {
  describe('in production', () => {
    let app: INestApplication;
    beforeAll(async () => {
      app = await boot(platform, { mode: 'production' });
    });
    afterAll(() => app.close());

    it.each([
      ['no Accept', undefined],
      ['*/*', '*/*'],
      ['application/json', 'application/json'],
      ["axios's default", 'application/json, text/plain, */*'],
      ['a type the module does not offer', 'text/csv'],
      ['HTML weighed below JSON', 'text/html;q=0.5, application/json'],
      ['HTML refused', 'text/html;q=0, */*'],
    ])('answers the envelope for %s, with Vary: Accept', async (_case, accept) => {
      const call = request(app.getHttpServer()).get('/shop/sold-out');
      const response = await (accept === undefined ? call : call.set('Accept', accept));
      expect(response.status).toBe(409);
      expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(response.headers.vary).toMatch(/\bAccept\b/);
      expect(JSON.parse(response.text)).toEqual({
        code: 4101,
        reason: 'PRODUCT_SOLD_OUT',
        message: `Nothing named ${SCRIPT} ${HOSTILE}`,
        details: { name: SCRIPT, quote: HOSTILE },
        requestId: response.headers['x-request-id'],
      });
    });

    it.each([
      ['application/problem+json', 'application/problem+json'],
      ['problem details weighed above JSON', 'application/json;q=0.5, application/problem+json'],
    ])('answers problem details for %s', async (_case, accept) => {
      const response = await request(app.getHttpServer()).get('/shop/sold-out?page=2').set('Accept', accept);
      expect(response.status).toBe(409);
      expect(response.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(response.headers.vary).toMatch(/\bAccept\b/);
      expect(JSON.parse(response.text)).toMatchObject({
        type: 'about:blank',
        title: 'Conflict',
        status: 409,
        detail: `Nothing named ${SCRIPT} ${HOSTILE}`,
        instance: '/shop/sold-out',
        reason: 'PRODUCT_SOLD_OUT',
        errors: { name: SCRIPT, quote: HOSTILE },
      });
    });

    it.each([
      ["a browser's Accept", BROWSER],
      ['HTML weighed above JSON', 'application/json;q=0.9, text/html'],
      ['HTML named in capitals', 'TEXT/HTML'],
      ['HTML named beside */*', 'text/html, */*'],
    ])('answers an escaped HTML page for %s', async (_case, accept) => {
      const response = await request(app.getHttpServer()).get('/shop/sold-out').set('Accept', accept);
      expect(response.status).toBe(409);
      expect(response.headers['content-type']).toBe(HTML);
      expect(response.headers.vary).toMatch(/\bAccept\b/);
      const page = response.text;
      expect(page).toMatch(/^<!doctype html>/);
      expect(page).toContain('<title>409 Conflict</title>');
      expect(page).toContain(`<h1>Nothing named ${escapeHtml(SCRIPT)} &quot;&#39;&amp;&lt;&gt;</h1>`);
      expect(page).toContain('<code>PRODUCT_SOLD_OUT</code>');
      expect(page).toContain('<code>4101</code>');
      expect(page).toContain(`<code>${response.headers['x-request-id']}</code>`);
      // Details are listed, escaped inside the JSON too.
      expect(page).toContain('&quot;name&quot;: &quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;');
      expectInert(page);
      expect(page).not.toContain('Stack');
    });

    it("escapes a catalogue entry's reason and message, and adds Accept to the Vary already set", async () => {
      const response = await request(app.getHttpServer()).get('/shop/odd').set('Accept', BROWSER);
      expect(response.status).toBe(422);
      expect(response.headers.vary).toBe('Origin, Accept');
      expect(response.text).toContain(`<h1>Catalogue text ${escapeHtml(SCRIPT)}</h1>`);
      expect(response.text).toContain(`<code>ODD_${escapeHtml(SCRIPT)}&quot;&#39;&amp;&lt;&gt;</code>`);
      expectInert(response.text);
    });

    it('masks a 5xx in the page exactly as in the envelope: no message, stack or cause', async () => {
      const response = await request(app.getHttpServer()).get('/shop/boom').set('Accept', BROWSER);
      expect(response.status).toBe(500);
      expect(response.headers['content-type']).toBe(HTML);
      expect(response.text).toContain('<h1>Unexpected error</h1>');
      expect(response.text).toContain('<code>UNEXPECTED_ERROR</code>');
      for (const internal of ['hunter2', 'pool exhausted', 'RangeError', 'negotiation.spec', 'Cause chain', 'alert']) {
        expect(response.text).not.toContain(internal);
      }
    });

    it('answers an unknown route with the page', async () => {
      const response = await request(app.getHttpServer())
        .get(`/nowhere/${encodeURIComponent(SCRIPT)}`)
        .set('Accept', BROWSER);
      expect(response.status).toBe(404);
      expect(response.headers['content-type']).toBe(HTML);
      expect(response.text).toContain('<title>404 Not Found</title>');
      expect(response.text).toContain('<code>RESOURCE_NOT_FOUND</code>');
      expectInert(response.text);
    });

    it('lists validation field errors in the page, escaped', async () => {
      const response = await request(app.getHttpServer())
        .post('/shop/reviews')
        .set('Accept', BROWSER)
        .send({ author: '', text: 'far too long' });
      expect(response.status).toBe(400);
      expect(response.headers['content-type']).toBe(HTML);
      expect(response.text).toContain('<code>INVALID_INPUT</code>');
      expect(response.text).toContain('<li><code>author</code>: author should not be empty</li>');
      expect(response.text).toContain(`<li><code>text</code>: text must be short ${escapeHtml(SCRIPT)}</li>`);
      expectInert(response.text);
    });

    it('replaces a hostile X-Request-Id and escapes the one it shows', async () => {
      const response = await request(app.getHttpServer())
        .get('/shop/sold-out')
        .set('Accept', BROWSER)
        .set('X-Request-Id', SCRIPT);
      const requestId = response.headers['x-request-id'];
      expect(requestId).not.toBe(SCRIPT);
      expect(response.text).toContain(`<dt>Request id</dt><dd><code>${requestId}</code></dd>`);
      expectInert(response.text);
    });

    it('keeps a well-formed X-Request-Id on the page', async () => {
      const response = await request(app.getHttpServer())
        .get('/shop/sold-out')
        .set('Accept', BROWSER)
        .set('X-Request-Id', 'trace-42.a_b');
      expect(response.text).toContain('<code>trace-42.a_b</code>');
    });

    it('answers a HEAD request with the headers of the page and no body', async () => {
      const response = await request(app.getHttpServer()).head('/nowhere').set('Accept', BROWSER);
      expect(response.status).toBe(404);
      expect(response.headers['content-type']).toBe(HTML);
      expect(response.headers.vary).toMatch(/\bAccept\b/);
      expect(response.text ?? '').toBe('');
    });
  });

  describe('in development', () => {
    let app: INestApplication;
    beforeAll(async () => {
      app = await boot(platform, { mode: 'development' });
    });
    afterAll(() => app.close());

    it('shows a debug page with the stack and the cause chain, everything escaped', async () => {
      const response = await request(app.getHttpServer()).get('/shop/boom').set('Accept', BROWSER);
      expect(response.status).toBe(500);
      expect(response.headers['content-type']).toBe(HTML);
      const page = response.text;
      expect(page).toContain('Development mode');
      expect(page).toContain(`<h1>pricing database password=hunter2 ${escapeHtml(SCRIPT)}</h1>`);
      expect(page).toContain('<h2>Stack</h2>');
      expect(page).toContain(`Error: pricing database password=hunter2 ${escapeHtml(SCRIPT)}`);
      expect(page).toMatch(/at ShopController\.boom \(.*negotiation\.spec\.ts/);
      expect(page).toContain('<h2>Cause chain</h2>');
      expect(page).toContain(
        `<li><strong>RangeError</strong>: pool exhausted ${escapeHtml(SCRIPT)} &quot;&#39;&amp;&lt;&gt;</li>`,
      );
      expectInert(page);
    });

    it('carries the same stack and cause as the development envelope', async () => {
      const envelope = await request(app.getHttpServer()).get('/shop/boom');
      const page = await request(app.getHttpServer()).get('/shop/boom').set('Accept', BROWSER);
      expect(envelope.body.cause).toEqual([{ name: 'RangeError', message: `pool exhausted ${SCRIPT} ${HOSTILE}` }]);
      const firstFrame = (envelope.body.stack as string).split('\n')[1].trim();
      expect(page.text).toContain(escapeHtml(firstFrame));
    });
  });

  describe('with htmlPage', () => {
    it('renders the page with the given function, from the masked info', async () => {
      const seen: ErrorPageInfo[] = [];
      const app = await boot(platform, {
        mode: 'production',
        htmlPage: (info) => {
          seen.push(info);
          return `<p>${info.status} ${escapeHtml(info.reason)} ${escapeHtml(info.message)}</p>`;
        },
      });
      const response = await request(app.getHttpServer()).get('/shop/boom').set('Accept', BROWSER);
      const sold = await request(app.getHttpServer()).get('/shop/sold-out').set('Accept', BROWSER);
      await app.close();
      expect(response.status).toBe(500);
      expect(response.headers['content-type']).toBe(HTML);
      expect(response.text).toBe('<p>500 UNEXPECTED_ERROR Unexpected error</p>');
      expect(seen[0]).toEqual({
        status: 500,
        statusText: 'Internal Server Error',
        code: 9000,
        reason: 'UNEXPECTED_ERROR',
        message: 'Unexpected error',
        requestId: response.headers['x-request-id'],
      });
      expect(seen[1]).toEqual({
        status: 409,
        statusText: 'Conflict',
        code: 4101,
        reason: 'PRODUCT_SOLD_OUT',
        message: `Nothing named ${SCRIPT} ${HOSTILE}`,
        requestId: sold.headers['x-request-id'],
        details: { name: SCRIPT, quote: HOSTILE },
      });
    });

    it('gives it the stack and the cause chain in development', async () => {
      let seen: ErrorPageInfo | undefined;
      const app = await boot(platform, {
        mode: 'development',
        htmlPage: (info) => {
          seen = info;
          return 'page';
        },
      });
      await request(app.getHttpServer()).get('/shop/boom').set('Accept', BROWSER).expect(500);
      await app.close();
      expect(seen?.stack).toContain('ShopController.boom');
      expect(seen?.cause).toEqual([{ name: 'RangeError', message: `pool exhausted ${SCRIPT} ${HOSTILE}` }]);
    });

    it.each([
      [
        'throws',
        () => {
          throw new Error('template missing');
        },
        /template missing/,
      ],
      ['returns no string', () => undefined as unknown as string, /htmlPage returned undefined, not a string/],
    ])('sends the built-in page when it %s, and records it', async (_case, htmlPage, recorded) => {
      const logger = new RecordingLogger();
      const app = await boot(platform, { mode: 'production', htmlPage }, logger);
      const response = await request(app.getHttpServer()).get('/shop/sold-out').set('Accept', BROWSER);
      await app.close();
      expect(response.status).toBe(409);
      expect(response.headers['content-type']).toBe(HTML);
      expect(response.text).toContain('<code>PRODUCT_SOLD_OUT</code>');
      const requestId = response.headers['x-request-id'];
      const failures = logger.calls.filter((call) => String(call.args[0]).startsWith('htmlPage failed'));
      expect(failures).toHaveLength(1);
      expect(failures[0].level).toBe('error');
      expect(failures[0].args[0]).toMatch(recorded);
      expect(failures[0].args[0]).toContain(requestId);
      expect(failures[0].args[1]).toMatchObject({ requestId, err: { message: expect.stringMatching(recorded) } });
      // The failure itself is recorded as always.
      expect(
        logger.calls.some(
          (call) => (call.args[1] as { requestId?: string })?.requestId === requestId && call.level === 'warn',
        ),
      ).toBe(true);
    });
  });
});

describe('negotiation options at startup', () => {
  it.each([
    ['a string', 'page'],
    ['an object', { render: () => '' }],
  ])('rejects an htmlPage that is %s', async (_case, htmlPage) => {
    await expect(boot('express', { htmlPage: htmlPage as never })).rejects.toThrow(
      'ErrorHandlingModule: `htmlPage` must be a function (info) => string',
    );
  });

  it.each(['envelope', 'problem'] as const)(
    'rejects an htmlPage beside format %s, where no page is sent',
    async (format) => {
      await expect(boot('express', { format, htmlPage: () => '<p>never shown</p>' })).rejects.toThrow(
        'ErrorHandlingModule: `htmlPage` renders the page of `format: "negotiate"`',
      );
    },
  );

  it('leaves other formats alone: no Vary, no page for a browser', async () => {
    const app = await boot('express', { format: 'envelope' });
    const response = await request(app.getHttpServer()).get('/shop/sold-out').set('Accept', BROWSER);
    await app.close();
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(response.headers.vary).toBeUndefined();
  });

  it('documents the envelope in the OpenAPI document: what API clients get', async () => {
    const app = await boot('express', { openapi: true });
    const document = SwaggerModule.createDocument(app, new DocumentBuilder().build());
    await app.close();
    const responses = document.paths['/shop/boom'].get!.responses as Record<
      string,
      { content: Record<string, { schema: { required?: string[] }; examples: object }> }
    >;
    const { schema, examples } = responses['500'].content['application/json'];
    expect(schema.required).toEqual(['code', 'reason', 'message', 'requestId']);
    expect(examples).toMatchObject({ UNEXPECTED_ERROR: { value: { code: 9000, reason: 'UNEXPECTED_ERROR' } } });
  });
});
