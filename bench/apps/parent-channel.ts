import { startCpuProfile } from './cpu-profile.js';

/**
 * The IPC protocol between a bench server and the runner: the server announces its port, and
 * answers `cpu` (the process's CPU time so far, user + system, in microseconds: the runner asks
 * before and after each measured window), `heap` (forced GC, then heapUsed and rss, and the
 * unhandled rejections counted so far) and `stop` (close, then exit so --cpu-prof is written).
 */
type ParentMessage = { type: 'cpu' } | { type: 'heap' } | { type: 'stop' };

function collectGarbage(): void {
  if (typeof globalThis.gc !== 'function') throw new Error('start the server with --expose-gc');
  // Twice: the first pass can leave objects whose finalizers free more.
  globalThis.gc();
  globalThis.gc();
}

/** `BENCH_CPU_PROFILE`, when set, is the file the server's CPU profile is written to on `stop`. */
export async function serveParent(port: number, close: () => Promise<unknown>): Promise<void> {
  const profileFile = process.env.BENCH_CPU_PROFILE;
  const stopProfile = profileFile ? await startCpuProfile(profileFile) : async () => {};
  const send = (message: object) => process.send?.(message);
  let unhandledRejections = 0;
  process.on('unhandledRejection', () => (unhandledRejections += 1));
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'cpu') {
      const { user, system } = process.cpuUsage();
      send({ type: 'cpu', micros: user + system });
    } else if (message.type === 'heap') {
      collectGarbage();
      const { heapUsed, rss } = process.memoryUsage();
      send({ type: 'heap', heapUsed, rss, unhandledRejections });
    } else if (message.type === 'stop') {
      void close()
        .then(stopProfile)
        .finally(() => process.exit(0));
    }
  });
  // The runner going away must not leave a server behind.
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', port });
}
