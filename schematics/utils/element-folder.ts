import { join, normalize, Path } from '@angular-devkit/core';
import { ElementName } from './element-name';

/** The options through which the Nest CLI says where generated files go. */
export interface LocationOptions {
  /** Folder relative to the source root (the CLI's third positional argument). */
  path?: string;
  /** The app's source root from nest-cli.json; `src` when absent. */
  sourceRoot?: string;
  /** Nest's convention: false puts the files in a folder named after the element. */
  flat?: boolean;
}

/**
 * The folder a generated element's files go to. With a `home` (such as `errors`) and no explicit
 * path, the element lands flat in that home, which is already the grouping folder.
 */
export function elementFolder(options: LocationOptions, element: ElementName, home?: string): Path {
  const sourceRoot = normalize(options.sourceRoot ?? 'src');
  if (options.path === undefined && home !== undefined) {
    return join(sourceRoot, home, element.folder);
  }
  return join(sourceRoot, options.path ?? '', element.folder, options.flat === true ? '' : element.name);
}
