import type { ArgumentsHost, ExecutionContext } from '@nestjs/common';
import { SSE_METADATA } from '@nestjs/common/constants.js';
import type { HttpAdapterHost } from '@nestjs/core';
import type { ServerResponse } from 'node:http';
import type { Failure } from '../describe/failure.js';
import { requestIdOf } from '../request-id/request-id.js';
import { fallbackEnvelopeOf, type ErrorBodyRenderer } from './error-body.formats.js';
import type { Responder } from './responder.interfaces.js';

const HEADER_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[\t\x20-\x7e]*$/;

/** Header names and values from application code are checked: CR/LF would split the response. */
function isSafeHeader(name: string, value: unknown): value is string {
  return HEADER_TOKEN.test(name) && typeof value === 'string' && HEADER_VALUE.test(value);
}

/** The message Nest's `@Sse()` stream writes as `event: error` with the envelope as its data. */
export interface SseErrorEvent {
  type: 'error';
  data: string;
}

/**
 * Whether the failure is an `@Sse()` handler's, handed over with the handler's context. Read from
 * the route, not the response's Content-Type: headers Nest writes in one `writeHead` are not kept
 * where `getHeader` reads them.
 */
function isEventStream(host: ArgumentsHost): boolean {
  const handler = (host as Partial<ExecutionContext>).getHandler?.();
  return handler !== undefined && Reflect.getMetadata(SSE_METADATA, handler) === true;
}

/**
 * Answers HTTP failures: through Nest's HttpAdapterHost (express and fastify alike), in the
 * module's format, with the failure's headers and the request id header.
 */
export class HttpResponder implements Responder {
  private readonly requestIdLookup: string;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly renderer: ErrorBodyRenderer,
    private readonly requestIdHeader: string,
  ) {
    this.requestIdLookup = requestIdHeader.toLowerCase();
  }

  requestIdOf(host: ArgumentsHost): string {
    return requestIdOf(host.getArgByIndex(0), this.requestIdLookup);
  }

  requestOf(host: ArgumentsHost): unknown {
    return host.getArgByIndex(0);
  }

  identityOf(): undefined {
    return undefined;
  }

  /** Returns the last event of an event stream whose headers are out (see `answerSseErrors`). */
  respond(failure: Failure): SseErrorEvent | undefined {
    const adapter = this.adapterHost.httpAdapter;
    const response = failure.host!.getArgByIndex(1);
    if (adapter.isHeadersSent(response)) {
      // Nest's SSE stream still owns the response: a write here could overtake its queued events.
      if (isEventStream(failure.host!)) return { type: 'error', data: this.renderer.render(failure).body };
      adapter.end(response);
      return undefined;
    }
    const { contentType, body } = this.renderer.render(failure);
    if (failure.headers !== undefined) {
      for (const [name, value] of Object.entries(failure.headers)) {
        if (isSafeHeader(name, value)) adapter.setHeader(response, name, value);
      }
    }
    if (this.renderer.negotiated) adapter.appendHeader(response, 'Vary', 'Accept');
    const platform = adapter.getType();
    if (platform === 'express' && !Object.hasOwn(response, 'send')) {
      writeExpressBody(response, failure.status, contentType, this.requestIdHeader, failure.requestId, body);
      return undefined;
    }
    if (platform === 'fastify' && isFastifyReply(response)) {
      response.code(failure.status).header('Content-Type', contentType).header(this.requestIdHeader, failure.requestId);
      response.send(body);
      return undefined;
    }
    adapter.setHeader(response, 'Content-Type', contentType);
    adapter.setHeader(response, this.requestIdHeader, failure.requestId);
    adapter.reply(response, body, failure.status);
    return undefined;
  }

  fallback(host: ArgumentsHost, requestId: string): void {
    writeFallback(host, this.requestIdHeader, requestId);
  }
}

/** What the module uses of fastify's reply. */
interface FastifyReplyLike {
  code(status: number): FastifyReplyLike;
  header(name: string, value: string): FastifyReplyLike;
  send(body: string): unknown;
}

/**
 * Fastify's reply, not the Node response a middleware failure hands over (Nest tells them apart
 * the same way). A string body goes to `reply.send` as Nest's adapter would send it, without the
 * adapter's checks for files, streams and Error bodies, none of which an envelope is; the
 * reply's `onSend` hooks (compression) and the headers plugins set still apply.
 */
function isFastifyReply(response: object): response is FastifyReplyLike {
  return 'status' in response && typeof (response as Partial<FastifyReplyLike>).send === 'function';
}

/**
 * On express the response is the Node response, and what `res.send` adds to an error body is
 * not needed: an ETag (a SHA-1 of the body; no client revalidates an error), a charset the
 * content type names already, a 304 that applies to 2xx only. Node itself leaves out the body
 * of a HEAD response. An app that wrapped `res.send` on the response (to capture bodies) keeps
 * getting the error bodies through it.
 */
function writeExpressBody(
  response: ServerResponse,
  status: number,
  contentType: string,
  requestIdHeader: string,
  requestId: string,
  body: string,
): void {
  response.statusCode = status;
  response.setHeader('Content-Type', contentType);
  response.setHeader(requestIdHeader, requestId);
  response.setHeader('Content-Length', Buffer.byteLength(body));
  response.end(body);
}

/**
 * A fixed 500 envelope written on the Node response itself (fastify's `reply.raw`), or the
 * response ended when headers are out already; it needs nothing of the module, so it also
 * serves a filter that was created without dependency injection.
 */
export function writeFallback(host: ArgumentsHost, requestIdHeader: string, requestId: string): void {
  const response = host.getArgByIndex(1);
  const raw = response?.raw ?? response;
  try {
    if (raw.headersSent) {
      raw.end();
      return;
    }
    const body = JSON.stringify(fallbackEnvelopeOf(requestId));
    raw.writeHead(500, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
      [requestIdHeader]: requestId,
    });
    raw.end(body);
  } catch {
    raw?.destroy?.();
  }
}
