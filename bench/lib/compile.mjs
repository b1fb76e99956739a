import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { APPS_OUT_DIR, BENCH_DIR, REPO_DIR } from './paths.mjs';

/**
 * Compiles the bench apps (and the library sources they import) with the repository's tsc into
 * bench/out. Type errors are reported but do not stop the bench: tsc still emits, and a library
 * mid-change elsewhere should not hide the figures of what does compile.
 */
export function compileApps() {
  const tsc = path.join(REPO_DIR, 'node_modules', '.bin', 'tsc');
  const result = spawnSync(tsc, ['-p', path.join(BENCH_DIR, 'tsconfig.json')], { cwd: REPO_DIR, encoding: 'utf8' });
  if (result.error) throw result.error;
  for (const entry of ['nest-server.js', 'platform-server.js', 'raw-http-server.js', 'rpc-server.js']) {
    if (!existsSync(path.join(APPS_OUT_DIR, entry))) {
      throw new Error(`tsc produced no ${entry}:\n${result.stdout}${result.stderr}`);
    }
  }
  const diagnostics = `${result.stdout}${result.stderr}`.trim();
  if (result.status !== 0) console.warn(`tsc reported type errors (compiled anyway):\n${diagnostics}\n`);
}
