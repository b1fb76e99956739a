/**
 * JSON text of a body. Bodies carry application data (`details`), which may hold BigInts or
 * cycles; those are written as strings and `"[Circular]"` instead of failing the response.
 */
export function stringifySafely(body: unknown): string {
  try {
    return JSON.stringify(body) ?? 'null';
  } catch {
    const ancestors: object[] = [];
    return JSON.stringify(body, function (this: unknown, _key, value: unknown) {
      if (typeof value === 'bigint') return value.toString();
      if (value === null || typeof value !== 'object') return value;
      while (ancestors.length > 0 && ancestors.at(-1) !== this) ancestors.pop();
      if (ancestors.includes(value)) return '[Circular]';
      ancestors.push(value);
      return value;
    });
  }
}
