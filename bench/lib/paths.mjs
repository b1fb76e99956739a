import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const BENCH_DIR = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const REPO_DIR = path.dirname(BENCH_DIR);
export const OUT_DIR = path.join(BENCH_DIR, 'out');
/** Where tsc puts the compiled apps (rootDir is the repository, so bench/apps lands here). */
export const APPS_OUT_DIR = path.join(OUT_DIR, 'bench', 'apps');
export const LIBRARY_OUT_DIR = path.join(OUT_DIR, 'src');
export const LOG_DIR = path.join(OUT_DIR, 'logs');
export const PROFILE_DIR = path.join(OUT_DIR, 'profiles');
