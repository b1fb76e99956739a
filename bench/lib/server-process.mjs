import { fork } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { APPS_OUT_DIR, LOG_DIR, PROFILE_DIR } from './paths.mjs';

// Generous: on a loaded 2-core machine, nine Nest apps booting at once can take a minute.
const START_TIMEOUT_MS = 120_000;
const REPLY_TIMEOUT_MS = 15_000;

function tail(file, lines = 25) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no output)';
  }
}

/**
 * One bench server in a child process on 127.0.0.1 and a port it picked itself. Its stdout and
 * stderr (Nest's console logger) go to a file, so console logging costs what a file costs and the
 * runner's terminal stays readable.
 */
export class ServerProcess {
  #child;
  #exit;

  constructor(name, child, logFile, port) {
    this.name = name;
    this.#child = child;
    this.logFile = logFile;
    this.port = port;
    this.url = `http://127.0.0.1:${port}`;
    this.#exit = new Promise((resolve) => child.once('exit', resolve));
  }

  /** `script` is a compiled app in bench/out; `env` is added to the child's environment. */
  static async start(name, script, { env = {}, cpuProf = false } = {}) {
    mkdirSync(LOG_DIR, { recursive: true });
    const logFile = path.join(LOG_DIR, `${name}.log`);
    const logFd = openSync(logFile, 'w');
    const profileEnv = {};
    if (cpuProf) {
      mkdirSync(PROFILE_DIR, { recursive: true });
      profileEnv.BENCH_CPU_PROFILE = path.join(PROFILE_DIR, `${name}.cpuprofile`);
    }
    const child = fork(path.join(APPS_OUT_DIR, script), [], {
      execArgv: ['--expose-gc'],
      env: { ...process.env, NODE_ENV: 'production', ...env, ...profileEnv },
      stdio: ['ignore', logFd, logFd, 'ipc'],
    });
    closeSync(logFd);
    try {
      const ready = await replyOf(child, 'ready', START_TIMEOUT_MS);
      return new ServerProcess(name, child, logFile, ready.port);
    } catch (error) {
      child.kill('SIGKILL');
      throw new Error(`server ${name} did not start: ${error.message}\n${tail(logFile)}`, { cause: error });
    }
  }

  /** The server's CPU time so far (user + system), in microseconds. */
  async cpuMicros() {
    this.#child.send({ type: 'cpu' });
    return (await replyOf(this.#child, 'cpu', REPLY_TIMEOUT_MS)).micros;
  }

  /** The heap in use after a forced full GC, in bytes. */
  async heapUsed() {
    return (await this.memory()).heapUsed;
  }

  /** After a forced full GC: `{ heapUsed, rss }` in bytes, and the unhandled rejections so far. */
  async memory() {
    this.#child.send({ type: 'heap' });
    const { heapUsed, rss, unhandledRejections } = await replyOf(this.#child, 'heap', REPLY_TIMEOUT_MS);
    return { heapUsed, rss, unhandledRejections };
  }

  /** A clean exit, so that the CPU profile (--cpu-prof) gets written; killed if it hangs. */
  async stop() {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    this.#child.send({ type: 'stop' });
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), REPLY_TIMEOUT_MS);
    await this.#exit;
    clearTimeout(timer);
  }
}

function replyOf(child, type, timeoutMs) {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    const onMessage = (message) => {
      if (message?.type !== type) return;
      cleanup();
      resolve(message);
    };
    const onExit = (code, signal) => {
      cleanup();
      reject(new Error(`exited (${signal ?? `code ${code}`}) before answering "${type}"`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no "${type}" answer within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}
