import { Inject, Injectable } from '@nestjs/common';
import { RESOLVED_ERROR_HANDLING_OPTIONS } from './error-handling.constants.js';
import type { ErrorDescription } from './error-handling.interfaces.js';
import type { ResolvedErrorHandlingOptions } from './error-handling.options.js';
import { envelopeBody, problemBody, stringifySafely } from './error-body.formats.js';
import type { ErrorCodeEntry } from './error-code.interfaces.js';
import { problemTypeOf } from './problem-type.js';
import type { ResolvedError } from './resolved-error.interfaces.js';
import { requestIdOf } from './request-id.js';
import { stringProperty } from './thrown-value.js';

/** A rendered error response: what the filter writes. */
export interface RenderedError {
  contentType: string;
  body: string;
}

/** The request path without its query, for problem details' `instance`. */
function pathOf(request: unknown): string {
  const url = stringProperty(request, 'originalUrl') ?? stringProperty(request, 'url') ?? '';
  const queryAt = url.indexOf('?');
  return queryAt === -1 ? url : url.slice(0, queryAt);
}

/** The largest body (in UTF-16 code units) sent with its details: 64 KiB. */
export const MAX_BODY_LENGTH = 64 * 1024;

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

/** Turns a resolved error into the data clients see, and that data into the body, per mode and format. */
@Injectable()
export class ErrorDescriber {
  private readonly development: boolean;
  private readonly requestIdLookup: string;
  /** Chosen once from `format`: the envelope, problem details, or the user's formatter. */
  private readonly renderBody: (info: ErrorDescription, entry: ErrorCodeEntry) => RenderedError;

  constructor(@Inject(RESOLVED_ERROR_HANDLING_OPTIONS) options: ResolvedErrorHandlingOptions) {
    this.development = options.mode === 'development';
    this.requestIdLookup = options.requestIdHeader.toLowerCase();
    const { format } = options;
    this.renderBody =
      format === 'envelope'
        ? (info) => ({ contentType: JSON_CONTENT_TYPE, body: stringifySafely(envelopeBody(info, this.development)) })
        : format === 'problem'
          ? (info, entry) => ({
              contentType: PROBLEM_CONTENT_TYPE,
              body: stringifySafely(
                problemBody(info, this.development, problemTypeOf(entry, options.problemTypeBaseUrl), pathOf(info.request)),
              ),
            })
          : (info) => ({ contentType: JSON_CONTENT_TYPE, body: stringifySafely(format(info)) });
  }

  /**
   * The body for a description. Details come from application code and may be huge: a body over
   * MAX_BODY_LENGTH is rendered again with `details: { omitted: true, length }` in their place.
   */
  render(info: ErrorDescription, entry: ErrorCodeEntry): RenderedError {
    const rendered = this.renderBody(info, entry);
    if (rendered.body.length <= MAX_BODY_LENGTH || info.details === undefined) return rendered;
    return this.renderBody({ ...info, details: { omitted: true, length: rendered.body.length } }, entry);
  }

  /** The envelope data. In production a 5xx carries only the catalogue message. */
  describe(resolved: ResolvedError, request: unknown): ErrorDescription {
    const { entry } = resolved;
    const masked = entry.status >= 500 && !this.development;
    return {
      status: entry.status,
      code: entry.code,
      reason: entry.reason,
      message: masked ? entry.message : resolved.message || entry.message,
      details: resolved.details,
      requestId: requestIdOf(request, this.requestIdLookup),
      exception: resolved.exception,
      request,
    };
  }

}
