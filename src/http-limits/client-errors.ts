import { type ExceptionFilter, HttpException } from '@nestjs/common';
import type { AbstractHttpAdapter } from '@nestjs/core';
import { IncomingMessage, ServerResponse, STATUS_CODES, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { types } from 'node:util';
import { httpHostOf } from '../internal/http-host.js';

/** Node's answers to what its HTTP parser rejects, as its own default `clientError` gives them. */
const STATUS_OF_CLIENT_ERROR: Readonly<Record<string, number>> = {
  HPE_HEADER_OVERFLOW: 431,
  HPE_CHUNK_EXTENSIONS_OVERFLOW: 413,
  ERR_HTTP_REQUEST_TIMEOUT: 408,
};

/** Fastify's own `clientError` listener: its `defaultClientErrorHandler`, bound to the instance. */
const FASTIFY_DEFAULT_LISTENER = 'bound defaultClientErrorHandler';

type ClientError = Error & { code?: string };
/** The response a socket is writing or about to write (Node's own field, read by its default too). */
type HttpSocket = Socket & { _httpMessage?: ServerResponse | null };

interface ExpressLike {
  request: object;
  response: object;
}

/**
 * Answers what Node's HTTP parser rejects before the app sees a request (a request line or
 * headers over the limit, a malformed request line or header, a request that times out) with
 * the module's envelope, where the platform would answer with its own: Node's bare status line
 * (express) or fastify's JSON. An app that listens to `clientError` itself (a listener of its
 * own, fastify's `clientErrorHandler` option) keeps its answer.
 */
export function answerClientErrors(adapter: AbstractHttpAdapter, filter: ExceptionFilter): void {
  const server = adapter.getHttpServer() as Server | undefined;
  if (typeof server?.listeners !== 'function') return;
  const listeners = server.listeners('clientError');
  const platformDefaults = listeners.filter((listener) => listener.name === FASTIFY_DEFAULT_LISTENER);
  if (platformDefaults.length !== listeners.length) return;
  for (const listener of platformDefaults) server.removeListener('clientError', listener as () => void);
  const express = adapter.getType() === 'express' ? (adapter.getInstance() as ExpressLike) : undefined;
  server.on('clientError', (error: ClientError, socket: HttpSocket) => answer(error, socket, filter, express));
}

function answer(error: ClientError, socket: HttpSocket, filter: ExceptionFilter, express?: ExpressLike): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const inFlight = socket._httpMessage ?? undefined;
  // A rejected request line has no response yet: it gets one once the responses of the complete
  // requests before it on the connection are out (Node hands the socket to the next on `finish`).
  if (inFlight?.req.complete === true) {
    inFlight.once('finish', () => answer(error, socket, filter, express));
    return;
  }
  // A request whose own bytes failed (its body, or its time ran out) is answered on its response,
  // unless that answer has begun: as Node's default, bytes of another answer would corrupt it.
  if (inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  answerOn(inFlight, error, socket, filter, express);
}

/** Answers on the request's response, or on one of its own; whatever fails closes the socket. */
function answerOn(
  inFlight: ServerResponse | undefined,
  error: ClientError,
  socket: HttpSocket,
  filter: ExceptionFilter,
  express?: ExpressLike,
): void {
  try {
    const response = inFlight ?? responseOn(socket);
    const answered = filter.catch(exceptionOf(error), httpHostOf(prepareReply(response, socket, express), response));
    const closeIfUnanswered = () => {
      if (!response.writableEnded) socket.destroy();
    };
    if (types.isPromise(answered)) answered.then(closeIfUnanswered, closeIfUnanswered);
    else closeIfUnanswered();
  } catch {
    socket.destroy();
  }
}

/** Makes the response ready for the platform's reply (and the socket close once it is out); returns its request. */
function prepareReply(response: ServerResponse, socket: HttpSocket, express?: ExpressLike): IncomingMessage {
  const request = response.req;
  response.shouldKeepAlive = false;
  response.once('finish', () => socket.end(() => socket.destroy()));
  // Express's methods are on its prototypes, which `app.handle` gives each request it takes.
  if (express !== undefined && !('status' in response)) {
    Object.setPrototypeOf(request, express.request);
    Object.setPrototypeOf(response, express.response);
    Object.assign(request, { res: response });
  }
  return request;
}

function exceptionOf(error: ClientError): HttpException {
  const status = STATUS_OF_CLIENT_ERROR[error.code ?? ''] ?? 400;
  // The parser's own error is not the cause: its `rawPacket` holds the request's bytes, credentials included.
  const cause = Object.assign(new Error(error.message), { code: error.code });
  return new HttpException(STATUS_CODES[status] ?? 'Bad Request', status, { cause });
}

function responseOn(socket: HttpSocket): ServerResponse {
  const request = new IncomingMessage(socket);
  const response = new ServerResponse(request);
  response.assignSocket(socket);
  return response;
}
