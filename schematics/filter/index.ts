import { join } from '@angular-devkit/core';
import { Rule } from '@angular-devkit/schematics';
import { cataloguePath, readCatalogue } from '../utils/catalogue';
import { elementFolder } from '../utils/element-folder';
import { parseElementName } from '../utils/element-name';
import { assertEntryExists, entryTemplateValues, referenceEntry } from '../utils/entry-reference';
import { generateFiles } from '../utils/generate-files';
import { readNestApp } from '../utils/nest-app';
import { FilterOptions } from './schema';

/**
 * `filter <name>`: a `@Catch` filter extending OperatedExceptionFilter, for `@UseFilters()` on a
 * controller, so that the errors it maps still get the module's envelope and logging.
 */
export function filter(options: FilterOptions): Rule {
  const element = parseElementName(options.name, 'filter');
  return (tree) => {
    const app = readNestApp(tree);
    const folder = elementFolder(options, element);
    const catalogue = readCatalogue(tree, cataloguePath(options.sourceRoot));
    assertEntryExists(options.code, catalogue);
    const entry = referenceEntry(options.code, catalogue, join(folder, `${element.name}.filter.ts`), app.isEsm);
    return generateFiles(folder, options, entryTemplateValues(element.name, entry, app.isEsm));
  };
}
