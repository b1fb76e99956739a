import { describe, expect, it } from 'vitest';
// @ts-expect-error -- the bench is plain ESM JavaScript without type declarations
import { comparisonResult } from '../../bench/lib/compare.mjs';
// @ts-expect-error -- the bench is plain ESM JavaScript without type declarations
import { roundsPerStart } from '../../bench/lib/stats.mjs';

const run = (cpuPerRequest: number, requestsPerSecond = 1000) => ({
  cpuPerRequest,
  requestsPerSecond,
  p50: 1,
  p99: 2,
  completed: 100,
  statuses: { 200: 100 },
  errors: 0,
});

describe("the bench's rounds over fresh server starts", () => {
  it.each([
    [3, 3, [1, 1, 1]],
    [8, 3, [3, 3, 2]],
    [2, 5, [1, 1]],
    [4, 1, [4]],
  ])('spreads %i rounds over %i starts as %j', (rounds, starts, expected) => {
    expect(roundsPerStart({ rounds, starts })).toEqual(expected);
  });

  it('takes the efficiency as the median of the rounds of every start, one slow process outvoted', () => {
    const comparison = { baseline: { route: { status: 200 } }, candidate: { route: { status: 200 } } };
    // Round 2's candidate process ran slow for its whole life: the median of the three is 1.0.
    const runs = { baseline: [run(100), run(100), run(100)], candidate: [run(100), run(150), run(95)] };
    const result = comparisonResult(comparison, runs);
    expect(result.efficiency).toBeCloseTo(1, 5);
    expect(result.candidate.cpuPerRequest).toBe(100);
    expect(result.candidate.completed).toBe(300);
  });

  it("gives the range of the rounds' figure the target applies to: efficiency, or req/s ratio against FastAPI", () => {
    const sides = { baseline: { route: { status: 200 } }, candidate: { route: { status: 200 } } };
    const runs = { baseline: [run(100, 1000), run(100, 1000)], candidate: [run(80, 500), run(125, 2000)] };
    const cpu = comparisonResult({ ...sides, measure: 'cpu' }, runs);
    expect(cpu.range.min).toBeCloseTo(0.8, 5);
    expect(cpu.range.max).toBeCloseTo(1.25, 5);
    const rps = comparisonResult({ ...sides, measure: 'rps' }, runs);
    expect(rps.range).toEqual({ min: 0.5, max: 2 });
  });
});
