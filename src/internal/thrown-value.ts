/** Safe readers for thrown values, which may be anything: null, Proxies, objects with throwing getters. */

const MAX_CAUSE_DEPTH = 10;

/** `value[key]`, or undefined when `value` is not an object or the getter throws. */
export function read(value: unknown, key: string): unknown {
  try {
    return value !== null && (typeof value === 'object' || typeof value === 'function')
      ? (value as Record<string, unknown>)[key]
      : undefined;
  } catch {
    return undefined;
  }
}

/** A thrown value's own message, or '' when it has none that can be read. */
export function messageOf(value: unknown): string {
  if (typeof value === 'string') return value;
  const message = read(value, 'message');
  return typeof message === 'string' ? message : '';
}

export function stackOf(value: unknown): string | undefined {
  const stack = read(value, 'stack');
  return typeof stack === 'string' ? stack : undefined;
}

export function nameOf(value: unknown): string {
  const name = read(value, 'name');
  if (typeof name === 'string') return name;
  return value === null ? 'null' : typeof value;
}

export function stringProperty(value: unknown, key: string): string | undefined {
  const property = read(value, key);
  return typeof property === 'string' ? property : undefined;
}

export function numberProperty(value: unknown, key: string): number | undefined {
  const property = read(value, key);
  return typeof property === 'number' ? property : undefined;
}

/** What `byClass` holds for the nearest class in `value`'s prototype chain. */
export function nearestClassValue<T>(byClass: ReadonlyMap<Function, T>, value: unknown): T | undefined {
  if (byClass.size === 0 || value === null || (typeof value !== 'object' && typeof value !== 'function'))
    return undefined;
  for (let proto = Object.getPrototypeOf(value); proto !== null; proto = Object.getPrototypeOf(proto)) {
    const found = byClass.get(proto.constructor);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The value and its `cause` chain (and AggregateError members), bounded and cycle-safe. */
export function causeChainOf(value: unknown, includeSelf = true): unknown[] {
  const chain: unknown[] = [];
  const seen = new Set<unknown>();
  let current = includeSelf ? value : read(value, 'cause');
  while (current !== undefined && current !== null && !seen.has(current) && chain.length < MAX_CAUSE_DEPTH) {
    seen.add(current);
    chain.push(current);
    const members = read(current, 'errors');
    if (Array.isArray(members)) chain.push(...members.slice(0, MAX_CAUSE_DEPTH));
    current = read(current, 'cause');
  }
  return chain;
}

/** An object literal or a deserialized one: never an Error or a class instance, whose fields may be internals. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
