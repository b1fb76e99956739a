import type { ArgumentsHost } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { CallIdentity, Failure } from '../describe/failure.js';
import { read, stringProperty } from '../internal/thrown-value.js';
import { envelopeObjectOf, fallbackEnvelopeOf } from './error-body.formats.js';
import type { Responder } from './responder.interfaces.js';

/** The event Nest's own gateways answer failures with. */
const EXCEPTION_EVENT = 'exception';

/** Ids for native WebSocket clients, which have none of their own (socket.io's have `id`). */
const clientIds = new WeakMap<object, string>();

function clientIdOf(client: unknown): string | undefined {
  const own = stringProperty(client, 'id');
  if (own !== undefined || client === null || typeof client !== 'object') return own;
  let id = clientIds.get(client);
  if (id === undefined) clientIds.set(client, (id = randomUUID()));
  return id;
}

/**
 * Sends the envelope, plus the message's `pattern`, as Nest's `exception` event: `emit` on a
 * socket.io socket, a `{ event, data }` JSON frame on a native WebSocket (what Nest's own filter
 * does). A client that has gone away gets nothing, and nothing throws.
 */
function emitException(client: unknown, payload: Record<string, unknown>): void {
  try {
    const native = typeof read(client, 'readyState') === 'number' && typeof read(client, 'send') === 'function';
    if (native) {
      (client as { send(data: string): void }).send(JSON.stringify({ event: EXCEPTION_EVENT, data: payload }));
    } else {
      (client as { emit(event: string, data: unknown): void }).emit(EXCEPTION_EVENT, payload);
    }
  } catch {
    // A closed socket: there is nobody left to tell.
  }
}

/**
 * Answers gateway failures. Nest ignores what a gateway's filter returns: the client hears of a
 * failure only from what the responder emits, so every failure emits, the fallback too.
 */
export class WsResponder implements Responder {
  /** Each message is a call of its own: a new id, unless a further hop sent one (see services). */
  requestIdOf(): string {
    return randomUUID();
  }

  requestOf(): undefined {
    return undefined;
  }

  identityOf(host: ArgumentsHost): CallIdentity {
    const pattern: unknown = host.getArgByIndex(2);
    return { pattern: typeof pattern === 'string' ? pattern : undefined, clientId: clientIdOf(host.getArgByIndex(0)) };
  }

  respond(failure: Failure): void {
    emitException(failure.host!.getArgByIndex(0), { ...envelopeObjectOf(failure), pattern: failure.identity?.pattern });
  }

  fallback(host: ArgumentsHost, requestId: string): void {
    const pattern: unknown = host.getArgByIndex(2);
    emitException(host.getArgByIndex(0), {
      ...fallbackEnvelopeOf(requestId),
      status: 500,
      pattern: typeof pattern === 'string' ? pattern : undefined,
    });
  }
}
