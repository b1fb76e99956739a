import { ConsoleLogger, Controller, Get, type INestApplication, Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import request from 'supertest';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ErrorCode, ErrorHandlingModule, OperatedException } from '../../src/index.js';
import { ErrorLogger } from '../../src/logging/error-logger.js';
import { type Platform, PLATFORMS } from '../support/platforms.js';

@Controller('shelves')
class ShelvesController {
  @Get('missing')
  missing(): never {
    throw new OperatedException(ErrorCode.RESOURCE_NOT_FOUND, 'No shelf 7 → gone');
  }

  @Get('broken')
  broken(): never {
    throw new Error('Shelf collapsed');
  }
}

interface Write {
  stream: 'stdout' | 'stderr';
  text: string;
}

/** What is written to stdout and stderr from now on (kept from the terminal). */
function captureOutput(): Write[] {
  const writes: Write[] = [];
  for (const stream of ['stdout', 'stderr'] as const) {
    vi.spyOn(process[stream], 'write').mockImplementation((chunk: string | Uint8Array) => {
      writes.push({ stream, text: typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8') });
      return true;
    });
  }
  return writes;
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
// eslint-disable-next-line no-control-regex -- the colour codes ConsoleLogger writes
const ANSI = /\x1B\[[0-9;]*m/g;
/** `[Nest] pid  - timestamp   LEVEL [context] text`, colours taken out. */
const LINE = /^\[Nest\] \d+ {2}- (.+?) +[A-Z]+ \[ErrorHandling\] (.*)$/;

/** The lines of the module's records among the writes, and the writes they came in. */
function recordsIn(writes: Write[]): Array<{ stream: Write['stream']; line: string; text: string; timestamp: string }> {
  return writes.flatMap(({ stream, text }) =>
    text
      .split(/(?<=\n)/)
      .filter((line) => line.includes('[ErrorHandling]'))
      .map((line) => {
        const [, timestamp, body] = LINE.exec(line.replace(ANSI, '').trimEnd()) ?? [];
        return { stream, line, text: body, timestamp };
      }),
  );
}

/** What Nest's ConsoleLogger prints for `text`, its timestamp set to `timestamp` for comparison. */
function printedByNest(level: 'warn' | 'error', text: string, timestamp: string): string {
  const writes = captureOutput();
  new ConsoleLogger('ErrorHandling')[level](text);
  vi.restoreAllMocks();
  const [printed] = recordsIn(writes);
  return printed.line.replace(printed.timestamp, timestamp);
}

@Module({ imports: [ErrorHandlingModule.forRoot()], controllers: [ShelvesController] })
class ShelvesModule {}

/**
 * Made with NestFactory, as main.ts does: a testing module would set its own TestingLogger.
 * Without `logger`, the app keeps Nest's default one.
 */
async function shelvesApp(platform: Platform, logger?: ConsoleLogger): Promise<INestApplication> {
  const adapter = platform === 'express' ? new ExpressAdapter() : new FastifyAdapter();
  captureOutput(); // Nest's bootstrap lines, kept from the terminal
  try {
    const app = await NestFactory.create(ShelvesModule, adapter, { logger, abortOnError: false });
    await app.init();
    if (platform === 'fastify') await app.getHttpAdapter().getInstance().ready();
    return app;
  } finally {
    vi.restoreAllMocks();
  }
}

afterEach(() => vi.restoreAllMocks());

// Nest's logger is process-wide: the app that sets one of its own comes last.
describe.each(PLATFORMS)("records through Nest's default logger on %s", (platform) => {
  it('prints each record as ConsoleLogger would, byte for byte, at the end of the tick', async () => {
    const app = await shelvesApp(platform);
    const writes = captureOutput();
    const notFound = await request(app.getHttpServer()).get('/shelves/missing').expect(404);
    const failed = await request(app.getHttpServer()).get('/shelves/broken').expect(500);
    await nextTurn();
    vi.restoreAllMocks();
    await app.close();

    const [warn, error] = recordsIn(writes);
    expect(warn.stream).toBe('stdout');
    expect(warn.text).toMatch(/^GET \/shelves\/missing -> 404 RESOURCE_NOT_FOUND: No shelf 7 → gone \{/);
    expect(JSON.parse(warn.text.slice(warn.text.indexOf(' {') + 1))).toMatchObject({
      status: 404,
      requestId: notFound.body.requestId,
    });
    expect(warn.line).toBe(printedByNest('warn', warn.text, warn.timestamp));
    expect(error.stream).toBe('stderr');
    expect(JSON.parse(error.text.slice(error.text.indexOf(' {') + 1))).toMatchObject({
      status: 500,
      requestId: failed.body.requestId,
      err: { stack: expect.stringContaining('Shelf collapsed') },
    });
    expect(error.line).toBe(printedByNest('error', error.text, error.timestamp));
  });

  it('writes the records of one tick in one write per stream, and a fatal one at once with what waits', async () => {
    const app = await shelvesApp(platform);
    const logger = app.get(ErrorLogger);
    const writes = captureOutput();
    logger.write('warn', 'first', { n: 1 });
    logger.write('info', 'second', { n: 2 });
    expect(recordsIn(writes)).toEqual([]);
    await nextTurn();
    expect(writes.filter((write) => write.text.includes('[ErrorHandling]'))).toHaveLength(1);
    expect(recordsIn(writes).map((record) => record.text)).toEqual(['first {"n":1}', 'second {"n":2}']);

    logger.write('warn', 'third', { n: 3 });
    logger.logProcessError(new Error('out of memory'), 'uncaughtException');
    const records = recordsIn(writes).slice(2);
    vi.restoreAllMocks();
    await app.close();
    expect(records.map((record) => record.stream)).toEqual(['stdout', 'stderr']);
    expect(records[0].text).toBe('third {"n":3}');
    expect(records[1].text).toMatch(/^uncaughtException: out of memory; closing the application/);
  });

  it('prints nothing for a level Nest leaves out', async () => {
    const app = await shelvesApp(platform);
    app.useLogger(['error']);
    const writes = captureOutput();
    await request(app.getHttpServer()).get('/shelves/missing').expect(404);
    await request(app.getHttpServer()).get('/shelves/broken').expect(500);
    await nextTurn();
    vi.restoreAllMocks();
    app.useLogger(['log', 'error', 'warn', 'debug', 'verbose', 'fatal']);
    await app.close();
    expect(recordsIn(writes).map((record) => record.stream)).toEqual(['stderr']);
  });
});

describe.each(PLATFORMS)('records through a ConsoleLogger the app sets on %s', (platform) => {
  it('calls that logger for every record, as it happens', async () => {
    const logger = new ConsoleLogger();
    const app = await shelvesApp(platform, logger);
    const warn = vi.spyOn(logger, 'warn');
    const writes = captureOutput();
    app.get(ErrorLogger).write('warn', 'first', { n: 1 });
    const printedAtOnce = recordsIn(writes).map((record) => record.text);
    const calls = warn.mock.calls.length;
    vi.restoreAllMocks();
    Logger.overrideLogger(new Logger());
    await app.close();
    expect(calls).toBe(1);
    expect(printedAtOnce).toEqual(['first {"n":1}']);
  });
});
