import { ConsoleLogger, Logger, type LogLevel } from '@nestjs/common';

/** What a line is made of: ConsoleLogger's own formatting steps (protected in its types, public in JS). */
interface ConsoleFormatting {
  options: { json?: boolean; forceConsole?: boolean };
  isLevelEnabled(level: LogLevel): boolean;
  getTimestamp(): string;
  formatPid(pid: number): string;
  formatContext(context: string): string;
  colorize(message: string, level: LogLevel): string;
  updateAndGetTimestampDiff(): string;
}

/** Logger's statics that say whether `localInstance` is its own ConsoleLogger. */
const loggerStatics = Logger as unknown as { staticInstanceRef?: unknown; isBufferAttached?: boolean };

/** Characters gathered per stream before they are written without waiting for the end of the turn. */
const MAX_PENDING_LENGTH = 64 * 1024;

/**
 * Lines waiting for the end of the event-loop turn, for one stream, written as one string that
 * the stream encodes once: encoding each line into a buffer as it came cost more per record, and
 * the buffer had to be copied. One line beyond Latin-1 makes its turn's string two-byte, whose
 * encoding is slower, not different.
 */
class PendingLines {
  private lines: string[] = [];
  private length = 0;

  constructor(private readonly stream: 'stdout' | 'stderr') {}

  add(line: string): void {
    this.lines.push(line);
    this.length += line.length;
    if (this.length >= MAX_PENDING_LENGTH) this.flush();
  }

  flush(): void {
    if (this.lines.length === 0) return;
    const text = this.lines.length === 1 ? this.lines[0] : this.lines.join('');
    this.lines = [];
    this.length = 0;
    process[this.stream].write(text);
  }
}

const pendingLines = { stdout: new PendingLines('stdout'), stderr: new PendingLines('stderr') };
let flushScheduled = false;
let exitHookInstalled = false;

/** Writes every line still waiting: each stream's in one write. */
export function flushConsoleLines(): void {
  flushScheduled = false;
  pendingLines.stdout.flush();
  pendingLines.stderr.flush();
}

function scheduleFlush(): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // A process.exit() in the same turn still prints what was logged before it.
    process.on('exit', flushConsoleLines);
  }
  if (flushScheduled) return;
  flushScheduled = true;
  setImmediate(flushConsoleLines);
}

/** A ConsoleLogger's line parts for one level, made at most once a second. */
interface LineParts {
  /** Prefix, pid, timestamp, level and context (what `formatMessage` puts first), and the colour code that opens the message. */
  start: string;
  /** The colour code that closes the message. */
  close: string;
}

const PLACEHOLDER = '\u0000';

/**
 * The module's records as Nest's default logger prints them, byte for byte, but written once
 * per event-loop turn for all the failures of that turn, instead of one synchronous write (and
 * one timestamp formatting) each: under load, that was most of what a 4xx record cost. Only for
 * the ConsoleLogger Nest makes itself when the app set no logger: a logger given to
 * `app.useLogger` (a ConsoleLogger too, or a subclass) is called for every record, and so is
 * the default one while Nest buffers logs (`bufferLogs`) or in its JSON or console modes.
 * Fatal records are written at once, with whatever waits before them.
 */
export class ConsoleLines {
  private instance: ConsoleFormatting | undefined;
  private parts = new Map<LogLevel, LineParts>();
  private second = -1;

  constructor(private readonly context: string) {}

  /**
   * Prints `${message} ${json}` at `level` and answers true when `localInstance` (a Nest
   * Logger's) is Nest's own default; answers false, printing nothing, when the record must go
   * through the logger. The line is one string: the JSON carries the message too, so a message
   * beyond Latin-1 would make the line two-byte even if the two were kept apart.
   */
  write(localInstance: unknown, level: LogLevel, message: string, json: string): boolean {
    if (!isNestDefault(localInstance)) return false;
    if (!localInstance.isLevelEnabled(level)) return true;
    const parts = this.partsOf(localInstance, level);
    if (parts === undefined) return false;
    const pending = pendingLines[level === 'error' || level === 'fatal' ? 'stderr' : 'stdout'];
    pending.add(`${parts.start}${message} ${json}${parts.close}${localInstance.updateAndGetTimestampDiff()}\n`);
    if (level === 'fatal') flushConsoleLines();
    else scheduleFlush();
    return true;
  }

  /** Undefined if the level's colouring is not a wrapper around the message, as it is in Nest. */
  private partsOf(instance: ConsoleFormatting, level: LogLevel): LineParts | undefined {
    const second = Math.floor(Date.now() / 1000);
    if (second !== this.second || instance !== this.instance) {
      this.second = second;
      this.instance = instance;
      this.parts = new Map();
    }
    let parts = this.parts.get(level);
    if (parts === undefined) {
      const pid = instance.colorize(instance.formatPid(process.pid), level);
      const label = instance.colorize(level.toUpperCase().padStart(7, ' '), level);
      const colored = instance.colorize(PLACEHOLDER, level);
      const at = colored.indexOf(PLACEHOLDER);
      if (at === -1) return undefined;
      const head = `${pid}${instance.getTimestamp()} ${label} ${instance.formatContext(this.context)}`;
      parts = { start: `${head}${colored.slice(0, at)}`, close: colored.slice(at + PLACEHOLDER.length) };
      this.parts.set(level, parts);
    }
    return parts;
  }
}

/** Logger made this instance itself (no `useLogger`), and it prints as ConsoleLogger's `printMessages` does. */
function isNestDefault(instance: unknown): instance is ConsoleFormatting {
  if (
    !(instance instanceof ConsoleLogger) ||
    instance.constructor !== ConsoleLogger ||
    instance === loggerStatics.staticInstanceRef ||
    loggerStatics.isBufferAttached === true
  ) {
    return false;
  }
  const { options } = instance as unknown as ConsoleFormatting;
  return !options.json && !options.forceConsole;
}
