import type { ArgumentsHost } from '@nestjs/common';
import type { CallIdentity, Failure } from '../describe/failure.js';
import { read, stringProperty } from '../internal/thrown-value.js';
import { callRequestIdOf, newRequestId } from '../request-id/request-id.js';
import { envelopeObjectOf, fallbackEnvelopeOf } from './error-body.formats.js';
import type { Responder } from './responder.interfaces.js';

/** The event Nest's own gateways answer failures with. */
const EXCEPTION_EVENT = 'exception';

/** The field of a message's data a client may name its own request id in. */
const REQUEST_ID_FIELD = 'requestId';

/** Ids for native WebSocket clients, which have none of their own (socket.io's have `id`). */
const clientIds = new WeakMap<object, string>();

function clientIdOf(client: unknown): string | undefined {
  const own = stringProperty(client, 'id');
  if (own !== undefined || client === null || typeof client !== 'object') return own;
  let id = clientIds.get(client);
  if (id === undefined) clientIds.set(client, (id = newRequestId()));
  return id;
}

/**
 * The message's name. Nest's WsProxy appends it as the last argument, after what the adapter
 * passed: `[client, data, ack, pattern]` on socket.io, `[client, data, event, pattern]` on ws;
 * `switchToWs().getPattern()` reads the same.
 */
export function patternOf(host: ArgumentsHost): string | undefined {
  try {
    const args = host.getArgs();
    const pattern: unknown = args[args.length - 1];
    return typeof pattern === 'string' ? pattern : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Sends the envelope, plus the message's `pattern`, as Nest's `exception` event: `emit` on a
 * socket.io socket, a `{ event, data }` JSON frame on a native WebSocket (what Nest's own filter
 * does; a native socket also has an EventEmitter `emit`, which would only dispatch locally). A
 * client that has gone away gets nothing, and nothing throws.
 */
function emitException(client: unknown, payload: Record<string, unknown>): void {
  try {
    const native = typeof read(client, 'readyState') === 'number' && typeof read(client, 'send') === 'function';
    if (native) {
      // ws's OPEN: a frame sent on a closing socket only raises an error on it.
      if (read(client, 'readyState') !== 1) return;
      (client as { send(data: string): void }).send(JSON.stringify({ event: EXCEPTION_EVENT, data: payload }));
    } else if (typeof read(client, 'emit') === 'function') {
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
  /**
   * Each message is a call of its own: a new id per failing message, unless the message's data
   * names a well-formed `requestId` (the rule of the HTTP header), which lets a client match the
   * `exception` event to the message it sent.
   */
  requestIdOf(host: ArgumentsHost): string {
    const data: unknown = host.getArgByIndex(1);
    return callRequestIdOf(data, read(data, REQUEST_ID_FIELD));
  }

  requestOf(): undefined {
    return undefined;
  }

  identityOf(host: ArgumentsHost): CallIdentity {
    return { pattern: patternOf(host), clientId: clientIdOf(host.getArgByIndex(0)) };
  }

  respond(failure: Failure): void {
    emitException(failure.host!.getArgByIndex(0), { ...envelopeObjectOf(failure), pattern: failure.identity?.pattern });
  }

  fallback(host: ArgumentsHost, requestId: string): void {
    const { code, reason, message } = fallbackEnvelopeOf(requestId);
    emitException(host.getArgByIndex(0), { code, reason, status: 500, message, requestId, pattern: patternOf(host) });
  }
}
