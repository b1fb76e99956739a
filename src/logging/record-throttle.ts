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
    if (now - window.startedAt >= this.windowMs) {
      const suppressed = window.suppressed;
      Object.assign(window, { startedAt: now, written: 1, suppressed: 0 });
      return { admitted: true, suppressed };
    }
    if (window.written < this.limit) {
      window.written += 1;
      const suppressed = window.suppressed;
      window.suppressed = 0;
      return { admitted: true, suppressed };
    }
    window.suppressed += 1;
    return { admitted: false, suppressed: 0 };
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

  /** Ended windows with nothing left to tell are forgotten. */
  private dropEndedWindows(now: number): void {
    for (const [kind, window] of this.windows) {
      if (now - window.startedAt >= this.windowMs && window.suppressed === 0) this.windows.delete(kind);
    }
  }
}
