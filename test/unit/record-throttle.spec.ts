import { MAX_THROTTLED_KINDS, RecordThrottle } from '../../src/logging/record-throttle.js';

describe('RecordThrottle', () => {
  let now = 0;
  const clock = () => now;

  beforeEach(() => {
    now = 0;
  });

  it('admits `limit` records per window and tells the first one of the next window how many it left out', () => {
    const throttle = new RecordThrottle(1_000, 2, clock);
    expect([1, 2, 3, 4, 5].map(() => throttle.admit('a').admitted)).toEqual([true, true, false, false, false]);
    now = 1_000;
    expect(throttle.admit('a')).toEqual({ admitted: true, suppressed: 3 });
    expect(throttle.admit('a')).toEqual({ admitted: true, suppressed: 0 });
    expect(throttle.admit('a').admitted).toBe(false);
  });

  it('counts kinds apart', () => {
    const throttle = new RecordThrottle(1_000, 1, clock);
    expect(throttle.admit('a').admitted).toBe(true);
    expect(throttle.admit('b').admitted).toBe(true);
    expect(throttle.admit('a').admitted).toBe(false);
  });

  it('stays bounded when an attacker invents 100,000 kinds in one window, and still throttles them', () => {
    const throttle = new RecordThrottle(60_000, 5, clock);
    let admitted = 0;
    for (let kind = 0; kind < 100_000; kind += 1) {
      if (throttle.admit(`RESOURCE_NOT_FOUND /products/${kind} Error`).admitted) admitted += 1;
    }
    expect(throttle.size).toBeLessThanOrEqual(MAX_THROTTLED_KINDS + 1);
    // Each kind the table holds is seen once; the kinds beyond it share the overflow's limit.
    expect(admitted).toBe(MAX_THROTTLED_KINDS + 5);
  });

  it('forgets ended windows when the table is full, so new kinds get their own count again', () => {
    const throttle = new RecordThrottle(10, 1, clock);
    for (let kind = 0; kind < MAX_THROTTLED_KINDS; kind += 1) throttle.admit(`old ${kind}`);
    now = 100;
    expect(throttle.admit('new one').admitted).toBe(true);
    expect(throttle.admit('new two').admitted).toBe(true);
    expect(throttle.size).toBeLessThan(10);
  });

  it('forgets ended windows that still owe a left-out count, and the next record carries it', () => {
    const throttle = new RecordThrottle(10, 1, clock);
    // Every kind is seen three times: one record and two left out, owed to its next record.
    for (let kind = 0; kind < MAX_THROTTLED_KINDS; kind += 1) {
      for (let time = 0; time < 3; time += 1) throttle.admit(`old ${kind}`);
    }
    now = 100;
    // Those kinds never come back; a new kind still gets its own count, not the overflow's.
    expect(throttle.admit('new one')).toEqual({ admitted: true, suppressed: 2 * MAX_THROTTLED_KINDS });
    expect(throttle.admit('new two')).toEqual({ admitted: true, suppressed: 0 });
    expect(throttle.size).toBe(2);
  });
});
