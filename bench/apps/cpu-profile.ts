import { Session } from 'node:inspector/promises';
import { writeFile } from 'node:fs/promises';

/**
 * The V8 CPU profile `node --cpu-prof` would write, but started once the server listens, so
 * that module loading and Nest's bootstrap do not crowd out the request path.
 * Returns the function that stops it and writes `file`.
 */
export async function startCpuProfile(file: string): Promise<() => Promise<void>> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    await writeFile(file, JSON.stringify(profile));
    session.disconnect();
  };
}
