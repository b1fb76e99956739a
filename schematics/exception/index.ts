import { join, strings } from '@angular-devkit/core';
import { chain, Rule, SchematicsException } from '@angular-devkit/schematics';
import { cataloguePath, readCatalogue } from '../utils/catalogue';
import { elementFolder } from '../utils/element-folder';
import { parseElementName } from '../utils/element-name';
import { assertEntryExists, entryTemplateValues, referenceEntry } from '../utils/entry-reference';
import { generateFiles } from '../utils/generate-files';
import { readNestApp } from '../utils/nest-app';
import { applyInsertions } from '../utils/source-file';
import { ExceptionOptions } from './schema';

/**
 * `exception <name>`: an OperatedException subclass bound to a catalogue entry, by default a new
 * entry named after the exception (PRODUCT_NOT_FOUND) added to the app's catalogue.
 */
export function exception(options: ExceptionOptions): Rule {
  const element = parseElementName(options.name, 'exception');
  const key = options.code ?? strings.underscore(element.name).toUpperCase();
  return (tree, context) => {
    const app = readNestApp(tree);
    const folder = elementFolder(options, element, 'errors');
    const catalogue = readCatalogue(tree, cataloguePath(options.sourceRoot));
    if (options.code !== undefined) {
      assertEntryExists(key, catalogue);
    } else if (catalogue === undefined) {
      throw new SchematicsException(
        `No error catalogue at ${cataloguePath(options.sourceRoot)} to add ${key} to: run ` +
          '"nest g -c nestjs-error-handling init" first, or bind the exception to an existing entry with --code.',
      );
    }
    const entry = referenceEntry(key, catalogue, join(folder, `${element.name}.exception.ts`), app.isEsm);
    const files = generateFiles(folder, options, entryTemplateValues(element.name, entry, app.isEsm));
    if (options.code !== undefined || catalogue === undefined || catalogue.defines(key)) {
      return files;
    }
    // After the files, which refuse to overwrite: a refused run must not have touched the catalogue.
    return chain([
      files,
      (current) => {
        applyInsertions(current, catalogue.path, [catalogue.addEntry(key, options.status, sentence(element.name))]);
        context.logger.info(`Added ${key} (status ${options.status}) to ${catalogue.path}.`);
      },
    ]);
  };
}

/** `product-not-found` → `Product not found`: the new entry's default message. */
function sentence(name: string): string {
  return strings.capitalize(name.replaceAll('-', ' '));
}
