import * as ts from 'typescript';
import { appendToList, Insertion } from './source-file';

/**
 * Makes `names` importable from `moduleName`: adds the missing ones to an existing
 * `import { … } from 'moduleName'`, or writes a new import after the last one.
 */
export function importNames(
  source: ts.SourceFile,
  names: readonly string[],
  moduleName: string,
): Insertion | undefined {
  const imports = source.statements.filter(ts.isImportDeclaration);
  const existing = imports.find(
    (declaration) =>
      ts.isStringLiteral(declaration.moduleSpecifier) &&
      declaration.moduleSpecifier.text === moduleName &&
      declaration.importClause?.isTypeOnly !== true &&
      declaration.importClause?.namedBindings !== undefined &&
      ts.isNamedImports(declaration.importClause.namedBindings),
  );
  const namedImports = existing?.importClause?.namedBindings as ts.NamedImports | undefined;
  const imported = new Set(namedImports?.elements.map((element) => element.name.text));
  const missing = names.filter((name) => !imported.has(name));
  if (missing.length === 0) {
    return undefined;
  }
  if (namedImports !== undefined) {
    return appendToList(source, namedImports, namedImports.elements, missing);
  }
  const quote = imports[0]?.moduleSpecifier.getText(source).startsWith('"') ? '"' : "'";
  const statement = `import { ${missing.join(', ')} } from ${quote}${moduleName}${quote};`;
  const lastImport = imports[imports.length - 1];
  return lastImport === undefined
    ? { position: 0, text: `${statement}\n\n` }
    : { position: lastImport.getEnd(), text: `\n${statement}` };
}
