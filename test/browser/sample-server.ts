import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** The sample app (`npm start`) running in a child process on a free loopback port. */
export interface SampleServer {
  baseUrl: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

/**
 * Builds the sample as `npm start` does, starts it with `env` added to the environment, and
 * resolves once it serves `readyPath`.
 */
export async function startSample(readyPath: string, env: Record<string, string> = {}): Promise<SampleServer> {
  execFileSync('npx', ['tsc', '-p', 'sample/tsconfig.json'], { stdio: 'inherit' });
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['sample/dist/sample/main.js'], {
    env: { ...process.env, ...env, PORT: String(port), LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  };
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(250)) {
    if (child.exitCode !== null) throw new Error(`the sample exited with code ${child.exitCode}`);
    const ready = await fetch(`${baseUrl}${readyPath}`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return { baseUrl, stop };
  }
  await stop();
  throw new Error(`the sample did not serve ${readyPath} within 60 s`);
}
