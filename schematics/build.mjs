// Builds the schematics collection: CommonJS factories (the devkit require()s them) plus the
// collection, schemas and templates they read at run time.
// Usage: node schematics/build.mjs [outDir]   (default: dist/schematics; only that folder is replaced)
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const sourceDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = dirname(sourceDir);
const outDir = resolve(process.argv[2] ?? join(repoRoot, 'dist', 'schematics'));

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

const tsc = join(repoRoot, 'node_modules', '.bin', 'tsc');
const compiled = spawnSync(tsc, ['-p', join(sourceDir, 'tsconfig.json'), '--outDir', outDir], {
  stdio: 'inherit',
});
if (compiled.status !== 0) {
  process.exit(compiled.status ?? 1);
}

// What the devkit reads besides the factories: the collection, each schema and each template.
const isRuntimeAsset = (path) =>
  statSync(path).isDirectory() ||
  path.split(sep).includes('files') ||
  (path.endsWith('.json') && basename(path) !== 'tsconfig.json');
cpSync(sourceDir, outDir, { recursive: true, filter: isRuntimeAsset });

// The library is ESM; this folder must not inherit its "type": "module".
writeFileSync(join(outDir, 'package.json'), `${JSON.stringify({ type: 'commonjs' }, null, 2)}\n`);
