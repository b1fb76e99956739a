import { describe, expect, it } from 'vitest';
import { LogRedactor, REDACTED } from '../../src/logging/log-redactor.js';

describe('LogRedactor', () => {
  it('gives the same verdict for a name asked again, and after more distinct names than it keeps', () => {
    const redactor = new LogRedactor(['ssn']);
    const names = Array.from({ length: 2500 }, (_, index) =>
      index % 2 === 0 ? `X-Api-Key-${index}` : `field${index}`,
    );
    for (let pass = 0; pass < 2; pass++) {
      for (const [index, name] of names.entries()) expect(redactor.isSensitive(name)).toBe(index % 2 === 0);
    }
    expect(redactor.isSensitive('user_SSN')).toBe(true);
    expect(redactor.isSensitive('user_SSN')).toBe(true);
  });

  it('redacts sensitive names at any depth of a copy and leaves the original alone', () => {
    const redactor = new LogRedactor();
    const value = { headers: { authorization: 'Bearer abc', accept: '*/*' }, body: [{ refresh_token: 't', n: 1 }] };
    expect(redactor.redact(value)).toEqual({
      headers: { authorization: REDACTED, accept: '*/*' },
      body: [{ refresh_token: REDACTED, n: 1 }],
    });
    expect(value.headers.authorization).toBe('Bearer abc');
  });

  it("keeps a parsed body's own __proto__ field as a field of the copy, redacted inside", () => {
    const body = JSON.parse('{"__proto__": {"password": "hunter2", "n": 1}, "name": "x"}') as object;
    const copy = new LogRedactor().redact(body) as Record<string, unknown>;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(JSON.stringify(copy)).toBe('{"__proto__":{"password":"[Redacted]","n":1},"name":"x"}');
  });
});
