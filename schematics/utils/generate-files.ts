import { Path, strings } from '@angular-devkit/core';
import {
  apply,
  applyTemplates,
  filter,
  forEach,
  mergeWith,
  move,
  noop,
  Rule,
  SchematicsException,
  url,
} from '@angular-devkit/schematics';

/** The options through which the Nest CLI asks for (or against) spec files. */
export interface SpecOptions {
  spec?: boolean;
  specFileSuffix?: string;
}

/**
 * Renders the schematic's `files/` templates into `folder`, leaving out the spec when asked to;
 * templates get the devkit's string helpers (`classify`, …) besides `values`. Refuses to
 * overwrite a file the app already has.
 */
export function generateFiles(folder: Path, options: SpecOptions, values: Record<string, unknown>): Rule {
  return (tree) =>
    mergeWith(
      apply(url('./files'), [
        options.spec === false ? filter((path) => !path.includes('__specFileSuffix__')) : noop(),
        applyTemplates({
          ...strings,
          specFileSuffix: strings.dasherize(options.specFileSuffix ?? 'spec'),
          ...values,
        }),
        move(folder),
        forEach((file) => {
          if (tree.exists(file.path)) {
            throw new SchematicsException(`${file.path} already exists: remove it first to generate it again.`);
          }
          return file;
        }),
      ]),
    );
}
