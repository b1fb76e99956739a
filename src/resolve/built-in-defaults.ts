import { HttpException, NotFoundException } from '@nestjs/common';
import type { ErrorCatalogue, ErrorCodeEntry } from '../catalogue/catalogue.interfaces.js';
import { ErrorCode } from '../catalogue/error-codes.js';
import { OperatedException } from '../catalogue/operated.exception.js';
import type { StatusEntries } from '../catalogue/status-entries.js';
import { upstreamResolution } from '../upstream/upstream-failure.js';
import {
  causeChainOf,
  isPlainObject,
  messageOf,
  numberProperty,
  read,
  stringProperty,
} from '../internal/thrown-value.js';
import { groupedMessagesOf, inputErrorContent } from '../validation/validation-details.js';
import { validationErrorsOf } from '../validation/validation-failed.exception.js';
import type { Resolution } from './resolve.interfaces.js';

/** System error codes that mean a downstream service could not be reached. */
const CONNECTION_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** body-parser (express) failures by their `type`, and the status each answers with. */
const BODY_PARSER_STATUS: Readonly<Record<string, number>> = {
  'entity.parse.failed': 400,
  'entity.verify.failed': 400,
  'request.aborted': 400,
  'request.size.invalid': 400,
  'entity.too.large': 413,
  'parameters.too.many': 413,
  'encoding.unsupported': 415,
  'charset.unsupported': 415,
};

/**
 * The status of a request-parsing failure raised before routing (body-parser on express,
 * fastify's content-type parser), or undefined for anything else. Other errors that merely
 * carry a `status` are treated as unexpected: a status on a random error is not a contract.
 */
function parserFailureStatus(error: unknown): number | undefined {
  const type = stringProperty(error, 'type');
  if (type !== undefined && Object.hasOwn(BODY_PARSER_STATUS, type)) return BODY_PARSER_STATUS[type];
  const code = stringProperty(error, 'code');
  const status = numberProperty(error, 'statusCode');
  if (code !== undefined && (code.startsWith('FST_ERR_CTP_') || code === 'FST_ERR_VALIDATION')) {
    return status !== undefined && status >= 400 && status < 500 ? status : 400;
  }
  return undefined;
}

function isConnectionFailure(error: unknown): boolean {
  return causeChainOf(error).some((link) => CONNECTION_ERROR_CODES.has(stringProperty(link, 'code') ?? ''));
}

/** Nest's transport exceptions, from optional peers and so recognised by class name. */
const TRANSPORT_EXCEPTIONS: ReadonlySet<string> = new Set(['RpcException', 'WsException']);

/** The status an RpcException or WsException answers with when its content names none. */
const TRANSPORT_EXCEPTION_STATUS = 400;

function isTransportException(value: unknown): value is { getError(): unknown } {
  if (value === null || typeof value !== 'object' || typeof read(value, 'getError') !== 'function') return false;
  for (let proto = Object.getPrototypeOf(value); proto !== null; proto = Object.getPrototypeOf(proto)) {
    if (TRANSPORT_EXCEPTIONS.has(read(proto.constructor, 'name') as string)) return true;
  }
  return false;
}

/**
 * An RpcException or WsException is the app's answer to its caller, as Nest's own filters send
 * it: a string is the message; an object's `message` is the message, its `status` (or
 * `statusCode`) picks the entry, and its other fields are its own details (for a 5xx in
 * production, masked like its message).
 */
function transportExceptionContent(exception: { getError(): unknown }): {
  status: number;
  message: string;
  fields?: Record<string, unknown>;
} {
  const error = exception.getError();
  if (error === null || typeof error !== 'object')
    return { status: TRANSPORT_EXCEPTION_STATUS, message: messageOf(error) };
  const { status, statusCode, message, ...rest } = error as Record<string, unknown>;
  const named = [status, statusCode].find(
    (value) => Number.isInteger(value) && (value as number) >= 400 && (value as number) <= 599,
  );
  return {
    status: (named as number | undefined) ?? TRANSPORT_EXCEPTION_STATUS,
    message: typeof message === 'string' ? message : '',
    ...(Object.keys(rest).length > 0 && { fields: rest }),
  };
}

/** Fields of a response object that are the status, which the entry already names. */
const STATUS_FIELDS: ReadonlySet<string> = new Set(['statusCode', 'status']);

/**
 * The fields of a response object besides its message: what `details` carries. `error` beside
 * a `statusCode` is the status phrase Nest's exceptions add (`{ statusCode, message, error:
 * 'Not Found' }`), which the reason already names. Only plain objects are read: an Error or a
 * class instance as response (an HTTP client's error, say) carries request config and tokens
 * in its enumerable fields.
 */
function otherFieldsOf(response: Record<string, unknown>, used: string): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  const statusPhrase = Object.hasOwn(response, 'statusCode');
  for (const [key, value] of Object.entries(response)) {
    if (key === used || STATUS_FIELDS.has(key) || (key === 'error' && statusPhrase)) continue;
    fields[key] = value;
  }
  return fields;
}

/** What an exception's response says, before `errorCode` is placed. */
interface HttpExceptionContent {
  message: string;
  details?: unknown;
  /** The response object's other fields: answered like the message, always recorded. */
  fields?: Record<string, unknown>;
}

/**
 * What Nest's own exceptions say: a string response; an object's `message` (else its `error`)
 * and its other fields; or a list of messages (ValidationPipe's, also grouped by path), which
 * becomes the details of an input error.
 */
function httpExceptionContent(
  exception: HttpException,
  entry: ErrorCodeEntry,
  maxDetails: number,
): HttpExceptionContent {
  const errors = entry.status < 500 ? validationErrorsOf(exception) : undefined;
  if (errors !== undefined) return inputErrorContent(errors, entry, maxDetails);
  const response = exception.getResponse();
  if (typeof response === 'string') return { message: response };
  const message = (response as { message?: unknown } | null)?.message;
  const plain = isPlainObject(response);
  if (typeof message === 'string') return { message, ...(plain && { fields: otherFieldsOf(response, 'message') }) };
  const messages = Array.isArray(message) ? message : groupedMessagesOf(message);
  // A list is an input error's only below 500; a 5xx's list is its own fields, masked in production.
  if (messages !== undefined && entry.status < 500) return inputErrorContent(messages, entry, maxDetails);
  if (messages !== undefined)
    return { message: exception.message, ...(plain && { fields: otherFieldsOf(response, '') }) };
  if (!plain) return { message: exception.message };
  if (typeof response.error === 'string') return { message: response.error, fields: otherFieldsOf(response, 'error') };
  return { message: exception.message, fields: otherFieldsOf(response, '') };
}

/**
 * Nest's unknown-route exception is made per request with the URL as the client sent it, query
 * included (`Cannot GET /nope?access_token=…`, core's routes-resolver). It is rewritten in place,
 * message, response and stack, before anything reads it: the body, the record's message, `err`
 * and line, reporters and a format function then never see the query.
 */
const UNKNOWN_ROUTE = /^(Cannot \S+ [^?]*)\?/;

function dropUnknownRouteQuery(exception: NotFoundException): void {
  const { message } = exception;
  const safe = UNKNOWN_ROUTE.exec(message)?.[1];
  if (safe === undefined || exception.getResponse() === null || typeof exception.getResponse() !== 'object') return;
  const response = exception.getResponse() as Record<string, unknown>;
  if (response.message !== message) return;
  response.message = safe;
  exception.message = safe;
  if (typeof exception.stack === 'string') exception.stack = exception.stack.replace(message, safe);
}

/** Answers the built-in defaults give, before any handler is consulted. */
export class BuiltInDefaults {
  constructor(
    private readonly entries: StatusEntries,
    private readonly maxValidationDetails: number,
    private readonly codes: ErrorCatalogue,
  ) {}

  resolve(exception: unknown): Resolution {
    if (exception instanceof OperatedException) {
      const { entry, message, details, headers } = exception;
      return { entry, chosen: true, message, details, headers };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (!Number.isInteger(status) || status < 400 || status > 599) return this.unexpected(exception);
      if (exception instanceof NotFoundException) dropUnknownRouteQuery(exception);
      return this.httpExceptionResolution(exception, status);
    }
    if (isTransportException(exception)) {
      const { status, message, fields } = transportExceptionContent(exception);
      const entry = this.entries.entryFor(status);
      return { entry, message: message || entry.message, ...(fields && { ownDetails: fields }) };
    }
    const upstream = upstreamResolution(exception, this.entries);
    if (upstream !== undefined) return upstream;
    const parserStatus = parserFailureStatus(exception);
    if (parserStatus !== undefined) {
      const entry = this.entries.entryFor(parserStatus);
      return { entry, message: parserStatus === 400 ? 'The request body could not be parsed' : entry.message };
    }
    if (isConnectionFailure(exception)) {
      return { entry: ErrorCode.CONNECTION_ERROR, message: messageOf(exception) || ErrorCode.CONNECTION_ERROR.message };
    }
    return this.unexpected(exception);
  }

  /**
   * Nest 12's `errorCode` names the entry of `codes` that answers, under the exception's status.
   * One that names no entry is kept in the details, where clients read the exception's fields.
   */
  private httpExceptionResolution(exception: HttpException, status: number): Resolution {
    const { errorCode } = exception;
    const named =
      typeof errorCode === 'string' && Object.hasOwn(this.codes, errorCode) ? this.codes[errorCode] : undefined;
    const entry =
      named === undefined ? this.entries.entryFor(status) : named.status === status ? named : { ...named, status };
    const { message, details, fields } = httpExceptionContent(exception, entry, this.maxValidationDetails);
    const ownDetails = { ...fields };
    if (named !== undefined) delete ownDetails.errorCode;
    else if (typeof errorCode === 'string') ownDetails.errorCode = errorCode;
    return {
      entry,
      ...(named !== undefined && { chosen: true }),
      message: message || entry.message,
      details,
      ...(Object.keys(ownDetails).length > 0 && { ownDetails }),
    };
  }

  /** What a handler that failed answers with: the 500 entry, and the failure kept for the record. */
  handlerFailed(handlerFailure: unknown): Resolution {
    const entry = this.entries.entryFor(500);
    return { entry, message: entry.message, handlerFailure };
  }

  private unexpected(exception: unknown): Resolution {
    const entry = this.entries.entryFor(500);
    return { entry, message: messageOf(exception) || entry.message };
  }
}
