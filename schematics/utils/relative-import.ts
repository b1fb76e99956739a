import { posix } from 'node:path';

/**
 * The module specifier by which `fromFile` imports `toFile` (both .ts paths in the tree);
 * ESM apps resolve like Node, so their relative imports name the emitted `.js` file.
 */
export function relativeImport(fromFile: string, toFile: string, isEsm: boolean): string {
  const path = posix.relative(posix.dirname(fromFile), toFile).replace(/\.ts$/, '');
  const specifier = path.startsWith('.') ? path : `./${path}`;
  return isEsm ? `${specifier}.js` : specifier;
}
