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

export type ErrorFormat = 'envelope' | 'problem' | ErrorFormatter;

/** A rendered error response: what the responder writes. */
export interface RenderedBody {
  contentType: string;
  body: string;
}
