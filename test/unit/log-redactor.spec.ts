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

  it('answers the value itself when nothing in it is redacted, and copies only the branches that changed', () => {
    const redactor = new LogRedactor();
    const clean = { headers: { accept: '*/*', 'user-agent': 'curl' }, items: [{ n: 1 }, { n: 2 }] };
    expect(redactor.redact(clean)).toBe(clean);
    const mixed = { a: 1, b: { c: 2 }, list: [{ n: 1 }, { token: 't' }], headers: { accept: '*/*', cookie: 'sid=1' } };
    const copy = redactor.redact(mixed) as typeof mixed;
    expect(copy).toEqual({
      a: 1,
      b: { c: 2 },
      list: [{ n: 1 }, { token: REDACTED }],
      headers: { accept: '*/*', cookie: REDACTED },
    });
    expect(copy).not.toBe(mixed);
    expect(copy.b).toBe(mixed.b);
    expect(copy.list[0]).toBe(mixed.list[0]);
    expect(mixed.headers.cookie).toBe('sid=1');
    expect(mixed.list[1]).toEqual({ token: 't' });
  });

  it('copies an object that is not plain, so that its prototype (a toJSON, getters) never reaches a logger', () => {
    class Credentials {
      user = 'ada';
      toJSON(): object {
        return { user: this.user, password: 'hunter2' };
      }
    }
    const value = new Credentials();
    const copy = new LogRedactor().redact({ credentials: value }) as { credentials: object };
    expect(copy.credentials).not.toBe(value);
    expect(JSON.stringify(copy)).toBe('{"credentials":{"user":"ada"}}');
  });

  it('cuts what is nested too deep, a cycle included', () => {
    const cycle: Record<string, unknown> = { name: 'loop' };
    cycle.self = cycle;
    const copy = new LogRedactor().redact(cycle);
    expect(copy).not.toBe(cycle);
    expect(JSON.stringify(copy)).toContain('"[Too deep]"');
  });
});
