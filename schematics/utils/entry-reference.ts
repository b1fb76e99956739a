import { SchematicsException } from '@angular-devkit/schematics';
import { Catalogue } from './catalogue';
import { relativeImport } from './relative-import';

/** How generated code names a catalogue entry, and where that name is imported from. */
export interface EntryReference {
  /** e.g. `AppError.PRODUCT_NOT_FOUND`. */
  readonly expression: string;
  /** The app catalogue's import, when the entry is read from it. */
  readonly catalogueImport?: { readonly name: string; readonly from: string };
  /** What the reference needs from nestjs-error-handling itself. */
  readonly libraryNames: readonly string[];
}

/**
 * Names the entry through the app's catalogue when there is one (so app entries and overrides
 * apply), and through the library's `ErrorCode` otherwise.
 */
export function referenceEntry(
  key: string,
  catalogue: Catalogue | undefined,
  fromFile: string,
  isEsm: boolean,
): EntryReference {
  if (catalogue === undefined) {
    return { expression: `ErrorCode.${key}`, libraryNames: ['ErrorCode'] };
  }
  return {
    expression: `${catalogue.name}.${key}`,
    catalogueImport: { name: catalogue.name, from: relativeImport(fromFile, catalogue.path, isEsm) },
    libraryNames: [],
  };
}

/** Refuses an entry the catalogue cannot name, before any file is written. */
export function assertEntryExists(key: string, catalogue: Catalogue | undefined): void {
  if (catalogue !== undefined && !catalogue.has(key)) {
    throw new SchematicsException(
      `${key} is not an entry of ${catalogue.path}: add it there first, or pass an existing entry with --code.`,
    );
  }
}

/**
 * The import statements of a generated file that names the entry: `libraryNames` (`type X` for a
 * type) and the entry's own name from nestjs-error-handling, then the app catalogue if needed.
 */
export function entryImports(reference: EntryReference, libraryNames: readonly string[]): string {
  const names = [...libraryNames, ...reference.libraryNames].sort((a, b) =>
    a.replace(/^type /, '').localeCompare(b.replace(/^type /, '')),
  );
  const statements = [`import { ${names.join(', ')} } from 'nestjs-error-handling';`];
  if (reference.catalogueImport !== undefined) {
    const { name, from } = reference.catalogueImport;
    statements.push(`import { ${name} } from '${from}';`);
  }
  return statements.map((statement) => `${statement}\n`).join('');
}

/** What the exception and filter templates share: the element's name and how they import and name its entry. */
export function entryTemplateValues(name: string, reference: EntryReference, isEsm: boolean): Record<string, unknown> {
  return {
    name,
    entry: reference,
    imports: (...libraryNames: string[]) => entryImports(reference, libraryNames),
    importSuffix: isEsm ? '.js' : '',
  };
}
