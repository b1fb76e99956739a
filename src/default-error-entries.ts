import { HttpException } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import type { ErrorCodeEntry } from './error-code.interfaces.js';
import { ErrorCode } from './error-codes.js';
import type { ResolvedError } from './resolved-error.interfaces.js';
import { OperatedException } from './operated.exception.js';
import { causeChainOf, messageOf, numberProperty, stringProperty } from './thrown-value.js';
import { groupedMessagesOf, inputErrorContent } from './validation-details.js';
import { ValidationFailedException } from './validation-failed.exception.js';

/** System error codes that mean a downstream service could not be reached. */
const CONNECTION_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

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

/**
 * What Nest's own exceptions say: a string response, a `message` string, or a list of messages
 * (ValidationPipe's, also grouped by path), which becomes the details of an input error.
 */
function httpExceptionContent(
  exception: HttpException,
  entry: ErrorCodeEntry,
  maxDetails: number,
): { message: string; details?: unknown } {
  if (exception instanceof ValidationFailedException) return inputErrorContent(exception.errors, entry, maxDetails);
  const response = exception.getResponse();
  if (typeof response === 'string') return { message: response };
  const message = (response as { message?: unknown } | null)?.message;
  if (typeof message === 'string') return { message };
  const messages = Array.isArray(message) ? message : groupedMessagesOf(message);
  if (messages !== undefined) return inputErrorContent(messages, entry, maxDetails);
  return { message: exception.message };
}

/** Answers the built-in defaults give, before any handler is consulted. */
export class DefaultErrorEntries {
  private readonly synthesized = new Map<number, ErrorCodeEntry>();

  constructor(
    private readonly entryByStatus: ReadonlyMap<number, ErrorCodeEntry>,
    private readonly maxValidationDetails: number,
  ) {}

  resolve(exception: unknown): ResolvedError {
    if (exception instanceof OperatedException) {
      const { entry, message, details, headers } = exception;
      return { entry, message, details, headers, exception };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (!Number.isInteger(status) || status < 400 || status > 599) return this.unexpected(exception);
      const entry = this.entryFor(status);
      const { message, details } = httpExceptionContent(exception, entry, this.maxValidationDetails);
      return { entry, message: message || entry.message, details, exception };
    }
    const parserStatus = parserFailureStatus(exception);
    if (parserStatus !== undefined) {
      const entry = this.entryFor(parserStatus);
      const message = parserStatus === 400 ? 'The request body could not be parsed' : entry.message;
      return { entry, message, exception };
    }
    if (isConnectionFailure(exception)) {
      return { entry: ErrorCode.CONNECTION_ERROR, message: messageOf(exception) || ErrorCode.CONNECTION_ERROR.message, exception };
    }
    return this.unexpected(exception);
  }

  /** An entry for any status: the configured one, or a generic one made once for odd statuses. */
  entryFor(status: number): ErrorCodeEntry {
    const entry = this.entryByStatus.get(status);
    if (entry !== undefined) return entry;
    let made = this.synthesized.get(status);
    if (made === undefined) {
      made = Object.freeze({ code: status * 10, reason: `HTTP_${status}`, status, message: STATUS_CODES[status] ?? 'Error' });
      this.synthesized.set(status, made);
    }
    return made;
  }

  private unexpected(exception: unknown): ResolvedError {
    const entry = this.entryFor(500);
    return { entry, message: messageOf(exception) || entry.message, exception };
  }
}
