/** The most kinds of failure counted at once; beyond it, new kinds share one count. */
export const MAX_THROTTLED_KINDS = 1_000;
const OVERFLOW_KIND = '\0overflow';

interface KindWindow {
  startedAt: number;
  written: number;
  suppressed: number;
}

/**
 * `logging.throttle`: at most `limit` records per `windowMs` for each kind of failure. Memory
 * stays bounded whatever kinds an attacker invents: windows that ended are dropped when the
 * table is full, and past MAX_THROTTLED_KINDS live kinds, new kinds are counted as one.
 */
export class RecordThrottle {
  private readonly windows = new Map<string, KindWindow>();
  /** Left-out counts of windows dropped before a record of their kind could tell them. */
  private carried = 0;

  constructor(
    private readonly windowMs: number,
    private readonly limit: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** How many kinds are being counted now (for tests of the bound). */
  get size(): number {
    return this.windows.size;
  }

  /**
   * Whether a record of this kind may be written now; when it may, `suppressed` is how many
   * were left out before it (the record says so).
   */
  admit(kind: string): { admitted: boolean; suppressed: number } {
    const now = this.now();
    const window = this.windowOf(kind, now);
    if (now - window.startedAt >= this.windowMs) Object.assign(window, { startedAt: now, written: 0 });
    if (window.written >= this.limit) {
      window.suppressed += 1;
      return { admitted: false, suppressed: 0 };
    }
    window.written += 1;
    const suppressed = window.suppressed + this.carried;
    window.suppressed = 0;
    this.carried = 0;
    return { admitted: true, suppressed };
  }

  private windowOf(kind: string, now: number): KindWindow {
    let window = this.windows.get(kind);
    if (window !== undefined) return window;
    if (this.windows.size >= MAX_THROTTLED_KINDS) this.dropEndedWindows(now);
    const key = this.windows.size >= MAX_THROTTLED_KINDS ? OVERFLOW_KIND : kind;
    window = this.windows.get(key);
    if (window === undefined) {
      window = { startedAt: now, written: 0, suppressed: 0 };
      this.windows.set(key, window);
    }
    return window;
  }

  /**
   * Ended windows are forgotten, also those still owing a left-out count: kept, they would fill
   * the table for good. What they owe goes on the next record written, of whatever kind, so
   * records plus left-out counts still add up to the failures.
   */
  private dropEndedWindows(now: number): void {
    for (const [kind, window] of this.windows) {
      if (now - window.startedAt < this.windowMs) continue;
      this.carried += window.suppressed;
      this.windows.delete(kind);
    }
  }
}
