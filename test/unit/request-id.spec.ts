import { describe, expect, it } from 'vitest';
import { newRequestId } from '../../src/request-id/request-id.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('newRequestId', () => {
  it('makes random UUID v4s, none twice, across several refills of its random pool', () => {
    // 5,000 ids draw 80,000 random bytes: the 16 KiB pool is refilled four times.
    const ids = Array.from({ length: 5000 }, newRequestId);
    for (const id of ids) expect(id).toMatch(UUID_V4);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('returns strings of their own, not views of a buffer it writes again', () => {
    const first = newRequestId();
    const copy = `${first}`;
    newRequestId();
    expect(first).toBe(copy);
  });

  it('draws every hex digit in the random positions', () => {
    const digits = new Set(Array.from({ length: 2000 }, newRequestId).join('').replaceAll('-', ''));
    expect([...digits].sort().join('')).toBe('0123456789abcdef');
  });
});
