import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { ErrorHandlingModule } from '../../src/index.js';
import { createApp } from '../support/platforms.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const FIXTURE = join(ROOT, 'test/e2e/fixtures/process-errors.app.ts');

/**
 * The child runs plain JavaScript: the library's sources and the fixture are transpiled (no type
 * check, as vitest does) into a temporary directory that sees the project's node_modules.
 */
async function transpileFixture(): Promise<{ directory: string; entry: string }> {
  const directory = await mkdtemp(join(tmpdir(), 'process-errors-'));
  const sources = (await readdir(join(ROOT, 'src'), { recursive: true }))
    .filter((name) => name.endsWith('.ts'))
    .map((name) => join(ROOT, 'src', name));
  for (const source of [...sources, FIXTURE]) {
    const { outputText } = ts.transpileModule(await readFile(source, 'utf8'), {
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2023,
        experimentalDecorators: true,
        emitDecoratorMetadata: true,
      },
    });
    const target = join(directory, relative(ROOT, source)).replace(/\.ts$/, '.js');
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, outputText);
  }
  await writeFile(join(directory, 'package.json'), '{"type":"module"}');
  await symlink(join(ROOT, 'node_modules'), join(directory, 'node_modules'), 'dir');
  return { directory, entry: join(directory, relative(ROOT, FIXTURE)).replace(/\.ts$/, '.js') };
}

interface ChildOutcome {
  code: number | null;
  lines: Array<Record<string, unknown>>;
  stderr: string;
  elapsed: number;
}

function runChild(entry: string, env: Record<string, string>): Promise<ChildOutcome> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [entry], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const lines = stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line));
      resolve({ code, lines, stderr, elapsed: Date.now() - started });
    });
  });
}

describe("processErrors: 'log-and-exit' in a child process", () => {
  let fixture: { directory: string; entry: string };

  beforeAll(async () => {
    fixture = await transpileFixture();
  });
  afterAll(() => rm(fixture.directory, { recursive: true, force: true }));

  it.each([
    ['rejection', 'express', 'unhandledRejection', 'Queue consumer crashed'],
    ['rejection', 'fastify', 'unhandledRejection', 'Queue consumer crashed'],
    ['exception', 'express', 'uncaughtException', 'Timer callback crashed'],
  ])(
    'logs an unhandled %s on %s as fatal, closes the app and exits with 1',
    async (failure, platform, origin, message) => {
      const { code, lines, stderr } = await runChild(fixture.entry, { FAILURE: failure, PLATFORM: platform });
      expect(stderr).toBe('');
      expect(code).toBe(1);
      const fatal = lines.filter((line) => line.level === 60);
      expect(fatal).toEqual([
        expect.objectContaining({
          origin,
          err: expect.objectContaining({ message, stack: expect.stringContaining(`Error: ${message}\n    at `) }),
        }),
      ]);
      // The app was closed: its shutdown hooks ran. (pino and the probe write to stdout apart: no order.)
      expect(lines.filter((line) => line.probe === 'shutdown hook ran')).toHaveLength(1);
    },
  );

  it('exits with 1 within processErrorsExitTimeout when closing hangs', async () => {
    const { code, lines, elapsed } = await runChild(fixture.entry, {
      FAILURE: 'rejection',
      HANG_ON_SHUTDOWN: '1',
      EXIT_TIMEOUT: '300',
    });
    expect(code).toBe(1);
    expect(lines.some((line) => line.level === 60)).toBe(true);
    expect(lines.some((line) => line.probe === 'shutdown hook ran')).toBe(true);
    expect(elapsed).toBeLessThan(10_000);
  });
});

describe('processErrors listeners', () => {
  const counts = () => [process.listenerCount('uncaughtException'), process.listenerCount('unhandledRejection')];

  it('are installed only when opted in, and removed when the app closes', async () => {
    const before = counts();
    const plain = await createApp('express', { imports: [ErrorHandlingModule.forRoot()] });
    expect(counts()).toEqual(before);
    await plain.close();

    const opted = await createApp('express', {
      imports: [ErrorHandlingModule.forRoot({ processErrors: 'log-and-exit' })],
    });
    expect(counts()).toEqual(before.map((count) => count + 1));
    await opted.close();
    expect(counts()).toEqual(before);
  });
});
