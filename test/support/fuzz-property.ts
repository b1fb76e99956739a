import fc from 'fast-check';
import { MARKER, thrownValue } from './hostile-values.js';

export const FUZZ_SEED = 20261202;
/** How long a caller may wait for its answer to one thrown value. */
export const TIME_BOUND_MS = 2_000;

/** The value each call throws, by case id, so a generated value can cross a transport. */
const cases = new Map<string, unknown>();

/** What the app's handler (or guard) throws for the case `id` its call carries. */
export const thrownFor = (id: string | undefined): unknown => cases.get(id ?? '');

/** The fields of every envelope, of the types a client can rely on. */
export const ANY_ENVELOPE = {
  code: expect.any(Number),
  reason: expect.any(String),
  status: expect.any(Number),
  message: expect.any(String),
  requestId: expect.any(String),
};

export function expectErrorStatus(status: unknown): void {
  expect(status).toBeGreaterThanOrEqual(400);
  expect(status).toBeLessThanOrEqual(599);
}

export interface SafeAnswersProperty<Answer> {
  numRuns: number;
  /** The fast-check seed: FUZZ_SEED unless a suite keeps its own. */
  seed?: number;
  /** Makes the app throw `thrownFor(id)` and returns what the client received, as JSON-able data. */
  call(id: string): Promise<Answer>;
  /** The transport's checks of one answer: its shape, its log record. */
  check(answer: Answer): void;
}

/**
 * The property every transport keeps, over generated hostile thrown values (seeded): each caller
 * gets its answer within the time bound, the answer passes `check`, and nothing of it carries the
 * secret marker or a stack frame of the thrown value. Returns how many values were thrown.
 */
export async function assertSafeAnswers<Answer>({
  numRuns,
  seed = FUZZ_SEED,
  call,
  check,
}: SafeAnswersProperty<Answer>): Promise<number> {
  let counter = 0;
  await fc.assert(
    fc.asyncProperty(thrownValue, async (build) => {
      const id = `c${(counter += 1)}`;
      cases.set(id, build());
      try {
        const started = Date.now();
        const answer = await call(id);
        expect(Date.now() - started).toBeLessThan(TIME_BOUND_MS);
        check(answer);
        const text = JSON.stringify(answer);
        expect(text).not.toContain(MARKER);
        expect(text).not.toContain('/srv/app');
      } finally {
        cases.delete(id);
      }
    }),
    { seed, numRuns },
  );
  expect(counter).toBeGreaterThanOrEqual(numRuns);
  return counter;
}
