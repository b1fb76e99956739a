import { randomUUID } from 'node:crypto';
import { Attachment } from '../internal/attachment.js';

const REQUEST_ID = Symbol('nestjs-error-handling:request-id');
const WELL_FORMED_REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** At most 128 characters of `[A-Za-z0-9._-]`: anything else is replaced by a new id. */
export function isWellFormedRequestId(value: unknown): value is string {
  return typeof value === 'string' && WELL_FORMED_REQUEST_ID.test(value);
}

interface RequestIdCarrier {
  [REQUEST_ID]?: string;
  /** pino-http's request id (on fastify, middie copies fastify's own there). */
  id?: unknown;
  headers?: Record<string, string | string[] | undefined>;
  raw?: RequestIdCarrier;
}

/**
 * The request's id: the incoming header when well-formed, else a new UUID. Kept on the Node
 * request (fastify's `request.raw`), so middleware, filters and logs agree on one value; also set
 * as `req.id` where nothing set it yet, which pino-http then keeps (`createPinoHttpOptions` makes
 * pino-http agree whatever runs first). `headerName` must be lower-case, as Node stores incoming
 * headers.
 */
export function requestIdOf(request: unknown, headerName: string): string {
  const carrier = request as RequestIdCarrier;
  const raw = carrier.raw ?? carrier;
  const known = raw[REQUEST_ID];
  if (known !== undefined) return known;
  const incoming = raw.headers?.[headerName];
  const id = isWellFormedRequestId(incoming) ? incoming : randomUUID();
  raw[REQUEST_ID] = id;
  raw.id ??= id;
  return id;
}

/** The ids made for calls that came without one, by the object that stands for the call. */
const madeCallIds = new Attachment<string>('nestjs-error-handling:call-request-id');

/**
 * The id of a call outside HTTP: `incoming` when well-formed, else one made once per `call` (the
 * object that stands for it: an RPC context, a message's data, gRPC metadata), so that the
 * interceptor, whose ClientProxy calls carry it, and the failure's record agree. A call with
 * nothing to hold it by (a primitive message) gets a new id each time it is asked.
 */
export function callRequestIdOf(call: unknown, incoming: unknown): string {
  if (isWellFormedRequestId(incoming)) return incoming;
  if (call === null || typeof call !== 'object') return randomUUID();
  let id = madeCallIds.get(call);
  if (id === undefined) madeCallIds.set(call, (id = randomUUID()));
  return id;
}
