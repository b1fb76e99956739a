import type { IncomingMessage, ServerResponse } from 'node:http';
import { DEFAULTS } from '../options/error-handling.defaults.js';
import { requestIdOf } from '../request-id/request-id.js';
import { markLoggedRequests, wasErrorLogged } from './error-recorder.js';
import { LogRedactor } from './log-redactor.js';

type PinoHttpLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- pino serializers receive what pino-http hands them
type Serializer = (value: any) => unknown;

/** The pino-http options this helper sets or wraps; any other option passes through untouched. */
export interface PinoHttpOptionsLike {
  genReqId?: (req: IncomingMessage, res: ServerResponse) => string | number | object;
  customLogLevel?: (req: IncomingMessage, res: ServerResponse, error?: Error) => PinoHttpLevel;
  customErrorObject?: (
    req: IncomingMessage,
    res: ServerResponse,
    error: Error,
    value: Record<string, unknown>,
  ) => unknown;
  customAttributeKeys?: { err?: string };
  serializers?: Record<string, Serializer>;
  [option: string]: unknown;
}

/** The module options pino-http must agree with; pass the same values as to `forRoot`. */
export interface PinoHttpAgreement {
  requestIdHeader?: string;
  redact?: readonly string[];
}

/** pino's serialized request: its fields, and the Node request as the non-enumerable `raw`. */
type SerializedRequest = { raw?: IncomingMessage; id?: unknown; url?: unknown };

/**
 * What an app's own `req` serializer returned, redacted, as a copy of ours to change: it may be
 * an object the app keeps. Without one, pino-http hands the serializer a fresh object of pino's
 * for each line, which is redacted in place (the response's too).
 */
function ownCopyOf(redactor: LogRedactor, given: unknown): unknown {
  const redacted = redactor.redact(given);
  if (redacted === null || typeof redacted !== 'object') return redacted;
  return redacted === given ? { ...redacted } : redacted;
}

const ABOVE_INFO: ReadonlySet<PinoHttpLevel> = new Set(['warn', 'error', 'fatal']);

/**
 * pino-http options that agree with ErrorHandlingModule, for `LoggerModule.forRoot({ pinoHttp })`:
 * - `genReqId` and the `req` serializer give the module's request id (the envelope's
 *   `requestId`, the `X-Request-Id` header), so pino-http's `req.id` is the same whichever
 *   middleware runs first, on fastify too;
 * - the `req` and `res` serializers redact sensitive headers (authorization, cookie, set-cookie,
 *   x-api-key), query fields and the URL's query string, by the module's rules (yours run first);
 * - a `customLogLevel` of yours is kept below `warn` for requests whose error the module logged,
 *   so pino-http's "request errored" line never becomes a second error record, and that line
 *   carries no `err` (pino-http would make one, stack included, for every 5xx): the module's
 *   record has the real error.
 */
export function createPinoHttpOptions<T extends PinoHttpOptionsLike>(
  options: T = {} as T,
  { requestIdHeader = DEFAULTS.requestIdHeader, redact = [] }: PinoHttpAgreement = {},
): T & { genReqId: (req: IncomingMessage) => string; serializers: Record<string, Serializer> } {
  markLoggedRequests();
  const redactor = new LogRedactor(redact);
  const lookupName = requestIdHeader.toLowerCase();
  const { req: requestSerializer, res: responseSerializer } = options.serializers ?? {};
  const { customLogLevel, customErrorObject } = options;
  const errorKey = options.customAttributeKeys?.err ?? 'err';
  return {
    ...options,
    genReqId: (req: IncomingMessage) => requestIdOf(req, lookupName),
    serializers: {
      ...options.serializers,
      req: (req: SerializedRequest) => {
        if (req === null || typeof req !== 'object') return req;
        const logged = requestSerializer ? ownCopyOf(redactor, requestSerializer(req)) : redactor.redactFields(req);
        if (logged === null || typeof logged !== 'object') return logged;
        const serialized = logged as SerializedRequest;
        // On fastify, middie hands pino-http fastify's own id (`req-1`) before genReqId could run.
        if (req.raw) serialized.id = requestIdOf(req.raw, lookupName);
        if (typeof serialized.url === 'string') serialized.url = redactor.redactUrl(serialized.url);
        return serialized;
      },
      // pino-http hands a fresh object of pino's per line, redacted in place; an app's own may be kept.
      res: (res: unknown) => {
        if (responseSerializer) return redactor.redact(responseSerializer(res));
        return res !== null && typeof res === 'object' ? redactor.redactFields(res) : res;
      },
    },
    customErrorObject: (req: IncomingMessage, res: ServerResponse, error: Error, value: Record<string, unknown>) => {
      const object = customErrorObject ? customErrorObject(req, res, error, value) : value;
      if (!wasErrorLogged(req) || object === null || typeof object !== 'object') return object;
      const { [errorKey]: _loggedByTheModule, ...rest } = object as Record<string, unknown>;
      return rest;
    },
    ...(customLogLevel && {
      customLogLevel: (req: IncomingMessage, res: ServerResponse, error?: Error) => {
        const level = customLogLevel(req, res, error);
        return ABOVE_INFO.has(level) && wasErrorLogged(req) ? 'info' : level;
      },
    }),
  };
}
