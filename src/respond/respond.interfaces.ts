/** What a formatter receives: one failure's data, ready to be written. */
export interface ErrorDescription {
  status: number;
  code: number;
  reason: string;
  message: string;
  details?: unknown;
  requestId: string;
  /** The thrown value, for formatters that need more than the fields above. */
  exception: unknown;
  request: unknown;
}

export type ErrorFormatter = (info: ErrorDescription) => unknown;

export type ErrorFormat = 'envelope' | 'problem' | 'negotiate' | ErrorFormatter;

/** A rendered error response: what the responder writes. */
export interface RenderedBody {
  contentType: string;
  body: string;
}

/**
 * What an HTML error page shows (`format: 'negotiate'`): the envelope's data, masked as the
 * envelope is, so a 5xx in production says nothing of its internals.
 */
export interface ErrorPageInfo {
  status: number;
  /** The HTTP status phrase, e.g. `Not Found`. */
  statusText: string;
  code: number;
  reason: string;
  message: string;
  requestId: string;
  details?: unknown;
  /** Development mode only. */
  stack?: string;
  /** Development mode only: `[{ name, message }]` along the cause chain, outermost first. */
  cause?: Array<{ name: string; message: string }>;
}

/** `htmlPage`: renders the whole page; everything taken from `info` must be HTML-escaped. */
export type ErrorPageRenderer = (info: ErrorPageInfo) => string;
