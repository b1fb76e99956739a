import { HostTree } from '@angular-devkit/schematics';
import { SchematicTestRunner, UnitTestTree } from '@angular-devkit/schematics/testing';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '..', '..');

/**
 * Builds the collection the way `npm run build` does, into a temporary folder (so tests never race
 * a build of dist/), with the repo's node_modules beside it for the factories' require() calls.
 */
export function buildCollection(): { collectionPath: string; remove: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'schematics-'));
  symlinkSync(join(repoRoot, 'node_modules'), join(root, 'node_modules'), 'dir');
  const outDir = join(root, 'collection');
  execFileSync(process.execPath, [join(repoRoot, 'schematics', 'build.mjs'), outDir], { stdio: 'pipe' });
  return {
    collectionPath: join(outDir, 'collection.json'),
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** How long a build may take on a busy two-core machine (it runs tsc). */
export const BUILD_TIMEOUT = 180_000;

/** A runner over a freshly built collection, removed after the spec file's tests. */
export function useCollection(): () => SchematicTestRunner {
  let runner: SchematicTestRunner | undefined;
  let remove = (): void => undefined;
  beforeAll(() => {
    const built = buildCollection();
    remove = built.remove;
    runner = new SchematicTestRunner('nestjs-error-handling', built.collectionPath);
  }, BUILD_TIMEOUT);
  afterAll(() => remove());
  return () => {
    if (runner === undefined) throw new Error('the collection is built in beforeAll');
    return runner;
  };
}

export const APP_MODULE = `import { Module } from '@nestjs/common';
import { AppController } from './app.controller';
import { AppService } from './app.service';

@Module({
  imports: [],
  controllers: [AppController],
  providers: [AppService],
})
export class AppModule {}
`;

/** A tree holding what `nest new` leaves that the schematics read: package.json and the root module. */
export function nestAppTree(
  files: Record<string, string> = {},
  manifest: Record<string, unknown> = { dependencies: { '@nestjs/common': '^12.0.0', '@nestjs/core': '^12.0.0' } },
): UnitTestTree {
  const tree = new UnitTestTree(new HostTree());
  tree.create('package.json', JSON.stringify(manifest, null, 2));
  for (const [path, content] of Object.entries({ 'src/app.module.ts': APP_MODULE, ...files })) {
    tree.create(path, content);
  }
  return tree;
}

/** Every file of a tree with its content, to show that a failed run wrote nothing. */
export function snapshot(tree: UnitTestTree): Map<string, string> {
  return new Map(tree.files.map((path) => [path, tree.readContent(path)]));
}

export const CATALOGUE = `import { defineErrorCodes, ErrorCode } from 'nestjs-error-handling';

export const AppError = defineErrorCodes({
  ...ErrorCode,
});
`;

export const ESM_APP = { type: 'module', dependencies: { '@nestjs/core': '^12.0.0' } };
