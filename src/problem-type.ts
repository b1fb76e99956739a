import { STATUS_CODES } from 'node:http';
import type { ErrorCodeEntry } from './error-code.interfaces.js';

/** RFC 9457's `type` and `title` of a catalogue entry. */
export interface ProblemType {
  type: string;
  title: string;
}

/** `RESOURCE_NOT_FOUND` → `resource-not-found`: the last segment of an entry's type URI. */
function slugOf(reason: string): string {
  return encodeURIComponent(reason.toLowerCase().replaceAll('_', '-'));
}

/**
 * With a base URL, each entry has its own type URI (`<base>/resource-not-found`) titled with the
 * catalogue message. Without one the type is `about:blank`, whose title RFC 9457 (§4.2.1) says
 * SHOULD be the HTTP status phrase, so that is what it gets; `code` and `reason` still name the entry.
 */
export function problemTypeOf(entry: ErrorCodeEntry, baseUrl: string | undefined): ProblemType {
  if (baseUrl === undefined) return { type: 'about:blank', title: STATUS_CODES[entry.status] ?? entry.message };
  return { type: `${baseUrl}${baseUrl.endsWith('/') ? '' : '/'}${slugOf(entry.reason)}`, title: entry.message };
}
