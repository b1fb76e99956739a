import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { LOG_DIR, REPO_DIR } from './paths.mjs';

/**
 * The reference app the issue compares with: uvicorn (uvloop, httptools) serving FastAPI, in
 * `../shared/fastapi-reference` beside the checkout (or beside the worktrees' parent), or
 * `BENCH_FASTAPI_DIR`.
 */
export const FASTAPI_DIR =
  process.env.BENCH_FASTAPI_DIR ??
  [path.resolve(REPO_DIR, '..', 'shared'), path.resolve(REPO_DIR, '..', '..', 'shared')]
    .map((dir) => path.join(dir, 'fastapi-reference'))
    .find((dir) => existsSync(dir)) ??
  path.resolve(REPO_DIR, '..', 'shared', 'fastapi-reference');
const PYTHON = '/usr/bin/python3';
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;

/** Why the FastAPI app cannot run here (Debian's packages missing), or undefined when it can. */
export function fastapiUnavailable() {
  const check = spawnSync(PYTHON, ['-c', 'import fastapi, uvicorn, uvloop, httptools'], { encoding: 'utf8' });
  if (check.error || check.status !== 0) {
    return (
      `Debian's python3-fastapi, python3-uvicorn, python3-uvloop and python3-httptools are not installed ` +
      `(apt-get install -y python3-fastapi python3-uvicorn python3-uvloop python3-httptools)`
    );
  }
  if (!existsSync(path.join(FASTAPI_DIR, 'run.sh'))) return `no ${FASTAPI_DIR}/run.sh`;
  return undefined;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ). */
const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/**
 * The FastAPI reference app started by its own `run.sh` (which `exec`s uvicorn, so the pid is
 * uvicorn's), its log and access log to a file as the Nest servers' console. The same interface
 * as ServerProcess where the comparisons use it: `url`, `cpuMicros()` (from /proc/<pid>/stat, at
 * the kernel's 10 ms resolution), `stop()`.
 */
export class FastapiServer {
  #child;
  #exit;

  constructor(name, child, port) {
    this.name = name;
    this.#child = child;
    this.port = port;
    this.url = `http://127.0.0.1:${port}`;
    this.#exit = new Promise((resolve) => child.once('exit', resolve));
  }

  static async start(name) {
    mkdirSync(LOG_DIR, { recursive: true });
    const logFile = path.join(LOG_DIR, `${name}.log`);
    const logFd = openSync(logFile, 'w');
    const port = await freePort();
    const child = spawn('bash', [path.join(FASTAPI_DIR, 'run.sh'), String(port)], {
      stdio: ['ignore', logFd, logFd],
    });
    closeSync(logFd);
    const server = new FastapiServer(name, child, port);
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`server ${name} exited with code ${child.exitCode}`);
      try {
        if ((await fetch(`${server.url}/ok`)).ok) return server;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`server ${name} did not answer GET /ok within ${START_TIMEOUT_MS} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async cpuMicros() {
    const stat = readFileSync(`/proc/${this.#child.pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): utime and stime are the 14th and 15th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS) * 1e6;
  }

  async stop() {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    this.#child.kill('SIGTERM');
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await this.#exit;
    clearTimeout(timer);
  }
}
