import { SchematicsException } from '@angular-devkit/schematics';
import { basename, dirname, normalize, strings } from '@angular-devkit/core';

/** A generated element's name, split from the folders written in front of it. */
export interface ElementName {
  /** kebab-case, e.g. `product-not-found`: the file name and the source of every other spelling. */
  readonly name: string;
  /** Folders given with the name (`catalog/product-not-found` → `catalog`), or ''. */
  readonly folder: string;
}

const KEBAB_SEGMENT = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/**
 * Accepts the spellings the Nest CLI accepts (`ProductNotFound`, `product_not_found`, a leading
 * folder) and rejects anything that cannot become both a file name and a class name.
 */
export function parseElementName(raw: string | undefined, kind: string): ElementName {
  if (raw === undefined || raw.trim() === '') {
    throw new SchematicsException(`Option (name) is required: the name of the ${kind}.`);
  }
  const segments = raw
    .trim()
    .split('/')
    .filter((segment) => segment !== '');
  const kebab = segments.map((segment) => strings.dasherize(segment));
  const invalid = kebab.find((segment) => !KEBAB_SEGMENT.test(segment));
  if (invalid !== undefined) {
    throw new SchematicsException(
      `Invalid ${kind} name "${raw}": each part must start with a letter and hold only letters, digits, - or _.`,
    );
  }
  const path = normalize(kebab.join('/'));
  return { name: basename(path), folder: dirname(path) };
}
