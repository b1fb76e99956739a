/** One parsed pino line. */
export interface LogLine {
  level: number;
  msg?: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed JSON; the tests read nested fields (`line.req.id`, `line.err.cause`) without narrowing
  [field: string]: any;
}

export const WARN = 40;

/**
 * An in-memory pino destination, as nestjs-pino's own tests use: pino writes each record as one
 * JSON line to `write`, synchronously.
 */
export class LogCapture {
  readonly raw: string[] = [];

  write(chunk: string): void {
    this.raw.push(chunk);
  }

  get lines(): LogLine[] {
    return this.raw
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as LogLine);
  }

  /** Lines that belong to one request: ours by `requestId`, pino-http's by `req.id`. */
  linesOf(requestId: string): LogLine[] {
    return this.lines.filter((line) => line.requestId === requestId || line.req?.id === requestId);
  }

  clear(): void {
    this.raw.length = 0;
  }
}
