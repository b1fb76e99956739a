import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { connect } from 'node:net';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './microservices.js';

/** The real brokers the RPC tests run over, each from its Debian package. */
export type BrokerKind = 'redis' | 'nats';

interface BrokerSpec {
  binary: string;
  debianPackage: string;
  args(port: number): string[];
  /** Bytes the broker sends (or answers to `probe`) once it serves clients. */
  probe?: string;
  ready: RegExp;
}

const SPECS: Record<BrokerKind, BrokerSpec> = {
  redis: {
    binary: 'redis-server',
    debianPackage: 'redis-server',
    // No config file, no persistence, loopback only: nothing of it outlives the test file.
    args: (port) => ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    probe: 'PING\r\n',
    ready: /^\+PONG\r\n/,
  },
  nats: {
    binary: 'nats-server',
    debianPackage: 'nats-server',
    args: (port) => ['-a', '127.0.0.1', '-p', String(port)],
    // A NATS server greets every client with its INFO line.
    ready: /^INFO \{/,
  },
};

const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;
const PORT_ATTEMPTS = 3;

/** Every broker this process started and has not stopped yet, killed if the process exits first. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** A real broker listening on 127.0.0.1; `assertAlive()` fails fast, naming it, once it died. */
export class Broker {
  private exit: string | undefined;
  private output = '';

  private constructor(
    readonly kind: BrokerKind,
    readonly port: number,
    private readonly child: ChildProcess,
  ) {
    running.add(child);
    const keep = (chunk: Buffer): void => {
      this.output = (this.output + chunk.toString()).slice(-4_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.once('exit', (code, signal) => {
      running.delete(child);
      this.exit = signal === null ? `exit code ${String(code)}` : `signal ${signal}`;
    });
  }

  readonly host = '127.0.0.1';

  get url(): string {
    return `${this.kind}://${this.host}:${this.port}`;
  }

  get binary(): string {
    return SPECS[this.kind].binary;
  }

  /** Throws if the broker is no longer running, so a test fails at once rather than timing out. */
  assertAlive(): void {
    if (this.exit !== undefined) {
      throw new Error(`${this.binary} on port ${this.port} died (${this.exit}):\n${this.output}`);
    }
  }

  /** SIGTERM, then SIGKILL if it has not exited within a few seconds. */
  async stop(): Promise<void> {
    if (this.exit !== undefined) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    const stopped = await Promise.race([exited.then(() => true), sleep(STOP_TIMEOUT_MS).then(() => false)]);
    if (!stopped) {
      this.child.kill('SIGKILL');
      await exited;
    }
  }

  /** Starts `kind` on a free port and resolves once it serves clients (bounded, never hangs). */
  static async start(kind: BrokerKind): Promise<Broker> {
    let lastError: unknown;
    for (let attempt = 0; attempt < PORT_ATTEMPTS; attempt += 1) {
      try {
        return await Broker.startOnce(kind, await freePort());
      } catch (error) {
        // Another process may have taken the port between the probe and the bind: try another.
        if (error instanceof BrokerMissingError) throw error;
        lastError = error;
      }
    }
    throw lastError;
  }

  private static async startOnce(kind: BrokerKind, port: number): Promise<Broker> {
    const spec = SPECS[kind];
    const child = spawn(locate(spec), spec.args(port), { stdio: ['ignore', 'pipe', 'pipe'] });
    const spawned = await new Promise<Error | undefined>((resolve) => {
      child.once('spawn', () => resolve(undefined));
      child.once('error', resolve);
    });
    if (spawned !== undefined) {
      throw (spawned as NodeJS.ErrnoException).code === 'ENOENT'
        ? new BrokerMissingError(spec)
        : new Error(`could not start ${spec.binary}: ${spawned.message}`);
    }
    const broker = new Broker(kind, port, child);
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline) {
      broker.assertAlive();
      if (await answers(port, spec)) return broker;
      await sleep(50);
    }
    await broker.stop();
    throw new Error(`${spec.binary} did not accept connections on 127.0.0.1:${port} within ${START_TIMEOUT_MS} ms`);
  }
}

class BrokerMissingError extends Error {
  constructor(spec: BrokerSpec) {
    super(
      `${spec.binary} was not found on PATH: install Debian's ${spec.debianPackage} ` +
        `(apt-get install -y ${spec.debianPackage}); .ci/run does so when it is missing`,
    );
  }
}

/**
 * The broker's executable: on PATH, else in the sbin folders Debian installs some servers to
 * (nats-server is /usr/sbin/nats-server, which a non-root user's PATH often lacks).
 */
function locate(spec: BrokerSpec): string {
  const folders = [...(process.env.PATH ?? '').split(delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  for (const folder of folders.filter(Boolean)) {
    const candidate = join(folder, spec.binary);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  throw new BrokerMissingError(spec);
}

/** Whether the broker on `port` speaks its protocol yet (one short, bounded connection). */
function answers(port: number, spec: BrokerSpec): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let received = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => {
      if (spec.probe !== undefined) socket.write(spec.probe);
    });
    socket.on('data', (chunk) => {
      received += chunk.toString();
      if (spec.ready.test(received)) done(true);
    });
    socket.once('close', () => done(false));
  });
}

/**
 * Starts one `kind` broker for the enclosing describe (or file) and stops it after; the returned
 * getter gives the running broker, and `beforeEach` checks it is still alive.
 */
export function useBroker(kind: BrokerKind): () => Broker {
  let broker: Broker | undefined;
  beforeAll(async () => {
    broker = await Broker.start(kind);
  });
  beforeEach(() => broker?.assertAlive());
  afterAll(async () => {
    await broker?.stop();
  });
  return () => {
    if (broker === undefined) throw new Error(`the ${kind} broker has not started`);
    return broker;
  };
}
