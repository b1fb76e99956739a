/**
 * OpenAPI 3 schemas of the error bodies, written inline into each documented response so the
 * package needs no schema classes from @nestjs/swagger.
 */

const CODE = { type: 'integer', description: 'The stable numeric code of the catalogue entry' };
const REASON = { type: 'string', description: 'The catalogue key of the entry' };
const REQUEST_ID = {
  type: 'string',
  description: 'Also sent as the request id response header and written to the log',
};
const DETAILS = {
  description:
    'Only when there is something to say. For invalid input, a list of `{ field, messages, constraints }` with dotted field paths; otherwise the details the exception carries.',
};

export const ENVELOPE_SCHEMA = {
  type: 'object',
  required: ['code', 'reason', 'message', 'requestId'],
  properties: {
    code: CODE,
    reason: REASON,
    message: { type: 'string', description: 'Client-safe; for a 5xx in production always the catalogue message' },
    details: DETAILS,
    requestId: REQUEST_ID,
  },
};

/** RFC 9457 problem details with the envelope's fields as extension members. */
export const PROBLEM_SCHEMA = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail', 'code', 'reason', 'requestId'],
  properties: {
    type: {
      type: 'string',
      format: 'uri-reference',
      description: 'The problem type: a URI per catalogue entry, or `about:blank`',
    },
    title: { type: 'string', description: 'The catalogue message, or the HTTP status phrase with `about:blank`' },
    status: { type: 'integer', description: 'The HTTP status' },
    detail: { type: 'string', description: 'This occurrence; for a 5xx in production always the catalogue message' },
    instance: { type: 'string', format: 'uri-reference', description: 'The request path' },
    code: CODE,
    reason: REASON,
    requestId: REQUEST_ID,
    errors: DETAILS,
  },
};

/** A custom `format` function: its shape is the application's own. */
export const CUSTOM_BODY_SCHEMA = { type: 'object' };
