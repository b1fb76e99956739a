import { SchematicsException, Tree } from '@angular-devkit/schematics';

interface PackageJson {
  type?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/** What the schematics need to know about the app they generate into. */
export interface NestApp {
  /** `"type": "module"`: relative imports in generated code then end in `.js`. */
  readonly isEsm: boolean;
  /** Whether the app lists the package among its runtime dependencies. */
  dependsOn(packageName: string): boolean;
}

/** Reads the app's package.json, refusing to run anywhere that is not a Nest application. */
export function readNestApp(tree: Tree): NestApp {
  const buffer = tree.read('package.json');
  if (buffer === null) {
    throw new SchematicsException(
      'No package.json here: run the nestjs-error-handling schematics at the root of a Nest application.',
    );
  }
  let manifest: PackageJson;
  try {
    manifest = JSON.parse(buffer.toString('utf8')) as PackageJson;
  } catch {
    throw new SchematicsException('package.json is not valid JSON.');
  }
  const dependencies = manifest.dependencies ?? {};
  if (!('@nestjs/core' in dependencies) && !('@nestjs/core' in (manifest.devDependencies ?? {}))) {
    throw new SchematicsException(
      'This is not a Nest application (package.json does not depend on @nestjs/core): ' +
        'run the nestjs-error-handling schematics at the root of a Nest application.',
    );
  }
  return {
    isEsm: manifest.type === 'module',
    dependsOn: (packageName) => packageName in dependencies,
  };
}
