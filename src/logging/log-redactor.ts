/** What a redacted value is replaced with. */
export const REDACTED = '[Redacted]';

/** Parts of names whose values never reach a log: headers, body, query and details fields. */
export const DEFAULT_REDACTED_NAMES: readonly string[] = [
  'authorization',
  'cookie',
  'password',
  'passwd',
  'token',
  'secret',
  'apikey',
];

/**
 * How many names' verdicts are kept: request and response serializers ask about the same header
 * and field names on every request. Names are the client's (headers, query, body), so the cache
 * is bounded and simply starts over when full.
 */
const MAX_CACHED_NAMES = 1000;

/** Deep enough for request bodies and details; deeper values are cut rather than walked. */
const MAX_DEPTH = 8;
const TOO_DEEP = '[Too deep]';

function normalize(name: string): string {
  return name.toLowerCase().replace(/[-_]/g, '');
}

/**
 * Replaces the values of sensitive names with `[Redacted]`: a name is sensitive when, lower-cased
 * and without `-` and `_`, it contains one of the redacted names (`X-Api-Key`, `refresh_token`).
 */
export class LogRedactor {
  private readonly names: readonly string[];
  private readonly verdicts = new Map<string, boolean>();

  constructor(extraNames: readonly string[] = []) {
    this.names = [...DEFAULT_REDACTED_NAMES, ...extraNames].map(normalize);
  }

  isSensitive(name: string): boolean {
    let sensitive = this.verdicts.get(name);
    if (sensitive === undefined) {
      const normalized = normalize(name);
      sensitive = this.names.some((part) => normalized.includes(part));
      if (this.verdicts.size >= MAX_CACHED_NAMES) this.verdicts.clear();
      this.verdicts.set(name, sensitive);
    }
    return sensitive;
  }

  /**
   * The value with sensitive fields redacted: a copy of what changed, the value itself when
   * nothing did (most requests carry nothing to redact, and a copy per request and record was
   * the redactor's whole cost). Only plain objects and arrays are kept as they are: any other
   * object becomes a copy of its own enumerable fields, so that no `toJSON` or getter of its
   * prototype runs in a logger. Dates and binary data stay as they are.
   */
  redact(value: unknown, depth = 0): unknown {
    if (value === null || typeof value !== 'object' || value instanceof Date || ArrayBuffer.isView(value)) return value;
    if (depth >= MAX_DEPTH) return TOO_DEEP;
    if (Array.isArray(value)) return this.redactArray(value, depth);
    const prototype: unknown = Object.getPrototypeOf(value);
    let copy: Record<string, unknown> | undefined =
      prototype === Object.prototype || prototype === null ? undefined : {};
    const keys = Object.keys(value);
    for (let index = 0; index < keys.length; index++) {
      const key = keys[index];
      const field = (value as Record<string, unknown>)[key];
      const item = this.isSensitive(key) ? REDACTED : this.redact(field, depth + 1);
      if (copy === undefined) {
        if (item === field) continue;
        copy = {};
        for (let before = 0; before < index; before++)
          setField(copy, keys[before], (value as Record<string, unknown>)[keys[before]]);
      }
      setField(copy, key, item);
    }
    return copy ?? value;
  }

  /**
   * Redacts the object's own fields in place and returns it: for an object that is the caller's
   * to change (pino's serialized request, made afresh for each line), where a copy per line was
   * the redactor's whole cost.
   */
  redactFields<T extends object>(value: T): T {
    const fields = value as Record<string, unknown>;
    for (const key of Object.keys(fields)) {
      const field = fields[key];
      const item = this.isSensitive(key) ? REDACTED : this.redact(field, 1);
      if (item !== field) setField(fields, key, item);
    }
    return value;
  }

  private redactArray(array: readonly unknown[], depth: number): unknown[] {
    let copy: unknown[] | undefined;
    for (let index = 0; index < array.length; index++) {
      const item = this.redact(array[index], depth + 1);
      if (copy === undefined) {
        if (item === array[index]) continue;
        copy = array.slice(0, index);
      }
      copy.push(item);
    }
    return copy ?? (array as unknown[]);
  }

  /** The URL with the values of sensitive query parameters redacted; the rest kept byte for byte. */
  redactUrl(url: string): string {
    const queryAt = url.indexOf('?');
    if (queryAt === -1) return url;
    const query = url
      .slice(queryAt + 1)
      .split('&')
      .map((pair) => {
        const equalsAt = pair.indexOf('=');
        const name = equalsAt === -1 ? pair : pair.slice(0, equalsAt);
        return this.isSensitive(safeDecode(name)) ? `${name}=${REDACTED}` : pair;
      })
      .join('&');
    return `${url.slice(0, queryAt)}?${query}`;
  }
}

function setField(copy: Record<string, unknown>, key: string, item: unknown): void {
  // A parsed body's own `__proto__` is a field like any other: assigned, it would set the copy's prototype.
  if (key === '__proto__') Object.defineProperty(copy, key, { value: item, enumerable: true, writable: true });
  else copy[key] = item;
}

function safeDecode(component: string): string {
  try {
    return decodeURIComponent(component.replace(/\+/g, ' '));
  } catch {
    return component;
  }
}
