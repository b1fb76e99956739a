import { STATUS_CODES } from 'node:http';
import type { ErrorCodeEntry } from '../catalogue/catalogue.interfaces.js';
import type { Failure } from '../describe/failure.js';
import { stringifySafely } from '../internal/json.js';
import { messageOf, nameOf, stringProperty } from '../internal/thrown-value.js';
import type { ErrorLogger } from '../logging/error-logger.js';
import { serializeError } from '../logging/error-record.js';
import { negotiate } from './accept.js';
import { errorPage, pageInfoOf } from './html-page.js';
import type {
  ErrorFormat,
  ErrorFormatter,
  ErrorPageInfo,
  ErrorPageRenderer,
  RenderedBody,
} from './respond.interfaces.js';

/** The largest body (in UTF-16 code units) sent with its details: 64 KiB. */
export const MAX_BODY_LENGTH = 64 * 1024;

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';
const HTML_CONTENT_TYPE = 'text/html; charset=utf-8';

/** The envelope's fixed start per catalogue entry, `{"code":…,"reason":…,"message":`, with what it was made of. */
const envelopeStarts = new WeakMap<ErrorCodeEntry, { code: number; reason: string; start: string }>();

/**
 * The envelope's text. Most failures carry neither details nor debug extras: their text is the
 * entry's fixed start and two strings, the same text `JSON.stringify` writes for the object.
 */
function envelopeText(failure: Failure, details: unknown): string {
  const { entry, message } = failure;
  if (details !== undefined || failure.debug !== undefined || typeof message !== 'string') {
    return stringifySafely(envelopeBody(failure, details));
  }
  const { code, reason } = failure;
  let made = envelopeStarts.get(entry);
  if (made?.code !== code || made.reason !== reason) {
    made = { code, reason, start: `{"code":${JSON.stringify(code)},"reason":${JSON.stringify(reason)},"message":` };
    envelopeStarts.set(entry, made);
  }
  return `${made.start}${JSON.stringify(message)},"requestId":${JSON.stringify(failure.requestId)}}`;
}

/** `{ code, reason, message, details?, requestId }`: the package's envelope. */
function envelopeBody(failure: Failure, details: unknown): Record<string, unknown> {
  return {
    code: failure.code,
    reason: failure.reason,
    message: failure.message,
    ...(details !== undefined && { details }),
    requestId: failure.requestId,
    ...failure.debug,
  };
}

/** `RESOURCE_NOT_FOUND` → `resource-not-found`: the last segment of an entry's type URI. */
function slugOf(reason: string): string {
  return encodeURIComponent(reason.toLowerCase().replaceAll('_', '-'));
}

/**
 * RFC 9457's `type` and `title`. With a base URL, each entry has its own type URI
 * (`<base>/resource-not-found`) titled with the catalogue message. Without one the type is
 * `about:blank`, whose title RFC 9457 (§4.2.1) says SHOULD be the HTTP status phrase.
 */
function problemTypeOf(entry: ErrorCodeEntry, baseUrl: string | undefined): { type: string; title: string } {
  if (baseUrl === undefined) return { type: 'about:blank', title: STATUS_CODES[entry.status] ?? entry.message };
  return { type: `${baseUrl}${baseUrl.endsWith('/') ? '' : '/'}${slugOf(entry.reason)}`, title: entry.message };
}

/** The request path without its query, for problem details' `instance`. */
function pathOf(request: unknown): string {
  const url = stringProperty(request, 'originalUrl') ?? stringProperty(request, 'url') ?? '';
  const queryAt = url.indexOf('?');
  return queryAt === -1 ? url : url.slice(0, queryAt);
}

/**
 * RFC 9457 problem details, with the envelope's fields as extension members. `instance` is left
 * out when there is no request path (documentation examples).
 */
function problemBody(failure: Failure, details: unknown, baseUrl: string | undefined): Record<string, unknown> {
  const instance = pathOf(failure.request);
  return {
    ...problemTypeOf(failure.entry, baseUrl),
    status: failure.status,
    detail: failure.message,
    ...(instance !== '' && { instance }),
    code: failure.code,
    reason: failure.reason,
    requestId: failure.requestId,
    ...(details !== undefined && { errors: details }),
    ...failure.debug,
  };
}

/**
 * The envelope as a plain object, for transports that serialize it themselves (RPC, WebSocket,
 * GraphQL extensions): it names the status too. Details come from application code: they are
 * made JSON-safe (no cycles, no BigInts, at most MAX_BODY_LENGTH) before they leave.
 */
export function envelopeObjectOf(failure: Failure): Record<string, unknown> {
  const envelope: Record<string, unknown> = {
    code: failure.code,
    reason: failure.reason,
    status: failure.status,
    message: failure.message,
    requestId: failure.requestId,
    ...failure.debug,
  };
  if (failure.details === undefined) return envelope;
  const details = stringifySafely(failure.details);
  envelope.details =
    details.length <= MAX_BODY_LENGTH ? JSON.parse(details) : { omitted: true, length: details.length };
  return envelope;
}

/** The fixed answer when the pipeline itself failed: nothing in it can fail. */
export function fallbackEnvelopeOf(requestId: string): {
  code: number;
  reason: string;
  message: string;
  requestId: string;
} {
  return { code: 9000, reason: 'UNEXPECTED_ERROR', message: 'Unexpected error', requestId };
}

type BodyRendering = (failure: Failure, details: unknown) => RenderedBody;

/** What the renderer needs of the resolved options. */
export interface BodyFormatOptions {
  format: ErrorFormat;
  problemTypeBaseUrl: string | undefined;
  htmlPage: ErrorPageRenderer | undefined;
}

/** The request's `Accept`, on express, fastify and the raw Node request alike. */
function acceptOf(request: unknown): string | undefined {
  return (request as { headers?: { accept?: string } } | undefined)?.headers?.accept;
}

/** Renders error bodies in the module's `format`, chosen once at startup (per request with 'negotiate'). */
export class ErrorBodyRenderer {
  private readonly renderingOf: (failure: Failure) => BodyRendering;
  /** With `format: 'negotiate'` the body depends on `Accept`: responses say `Vary: Accept`. */
  readonly negotiated: boolean;

  constructor(
    { format, problemTypeBaseUrl, htmlPage }: BodyFormatOptions,
    private readonly logger?: ErrorLogger,
  ) {
    const envelope: BodyRendering = (failure, details) => ({
      contentType: JSON_CONTENT_TYPE,
      body: envelopeText(failure, details),
    });
    const problem: BodyRendering = (failure, details) => ({
      contentType: PROBLEM_CONTENT_TYPE,
      body: stringifySafely(problemBody(failure, details, problemTypeBaseUrl)),
    });
    const html: BodyRendering = (failure, details) => ({
      contentType: HTML_CONTENT_TYPE,
      body: this.pageOf(pageInfoOf(failure, details), htmlPage),
    });
    const custom: BodyRendering = (failure, details) => ({
      contentType: JSON_CONTENT_TYPE,
      body: stringifySafely(
        (format as ErrorFormatter)({
          status: failure.status,
          code: failure.code,
          reason: failure.reason,
          message: failure.message,
          details,
          requestId: failure.requestId,
          exception: failure.exception,
          request: failure.request,
        }),
      ),
    });
    const negotiated = { envelope, problem, html };
    this.negotiated = format === 'negotiate';
    this.renderingOf =
      format === 'envelope'
        ? () => envelope
        : format === 'problem'
          ? () => problem
          : format === 'negotiate'
            ? (failure) => negotiated[negotiate(acceptOf(failure.request))]
            : () => custom;
  }

  /**
   * The body of a failure. Details come from application code and may be huge: a body over
   * MAX_BODY_LENGTH is rendered again with `details: { omitted: true, length }` in their place.
   */
  render(failure: Failure): RenderedBody {
    const renderBody = this.renderingOf(failure);
    const rendered = renderBody(failure, failure.details);
    if (rendered.body.length <= MAX_BODY_LENGTH || failure.details === undefined) return rendered;
    return renderBody(failure, { omitted: true, length: rendered.body.length });
  }

  /** The user's page, or the built-in one when there is none or it fails: a page is always sent. */
  private pageOf(info: ErrorPageInfo, htmlPage: ErrorPageRenderer | undefined): string {
    if (htmlPage === undefined) return errorPage(info);
    let page: unknown;
    try {
      page = htmlPage({ ...info });
    } catch (error) {
      this.logPageFailure(error, info.requestId);
      return errorPage(info);
    }
    if (typeof page === 'string') return page;
    this.logPageFailure(new TypeError(`htmlPage returned ${typeof page}, not a string`), info.requestId);
    return errorPage(info);
  }

  private logPageFailure(error: unknown, requestId: string): void {
    this.logger?.write(
      'error',
      `htmlPage failed for request ${requestId} (${messageOf(error) || nameOf(error)}); the built-in page was sent`,
      { requestId, err: serializeError(error, true) },
    );
  }
}
