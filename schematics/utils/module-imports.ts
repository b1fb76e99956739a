import { SchematicsException } from '@angular-devkit/schematics';
import * as ts from 'typescript';
import { appendToList, Insertion } from './source-file';

/** A module to list in `@Module({ imports })`: `LoggerModule` as `LoggerModule.forRoot()`. */
export interface ModuleImport {
  readonly symbol: string;
  readonly expression: string;
}

/**
 * Adds to the `imports` of the file's `@Module({...})` the modules it does not list yet (whatever
 * their options), creating the property when there is none.
 */
export function addModuleImports(source: ts.SourceFile, modules: readonly ModuleImport[]): Insertion | undefined {
  const metadata = findModuleMetadata(source);
  const imports = metadata.properties.find(
    (property): property is ts.PropertyAssignment =>
      ts.isPropertyAssignment(property) && property.name.getText(source) === 'imports',
  );
  if (imports === undefined) {
    const expressions = modules.map((module) => module.expression);
    return appendToList(source, metadata, metadata.properties, [`imports: [${expressions.join(', ')}]`]);
  }
  const list = imports.initializer;
  if (!ts.isArrayLiteralExpression(list)) {
    throw new SchematicsException(
      `The imports of @Module() in ${source.fileName} are not an array literal; ` +
        `add ${modules.map((module) => module.expression).join(', ')} to them by hand.`,
    );
  }
  const listed = list.elements.map((element) => element.getText(source));
  const missing = modules.filter((module) => !listed.some((text) => new RegExp(`^${module.symbol}\\b`).test(text)));
  return missing.length === 0
    ? undefined
    : appendToList(
        source,
        list,
        list.elements,
        missing.map((module) => module.expression),
      );
}

function findModuleMetadata(source: ts.SourceFile): ts.ObjectLiteralExpression {
  for (const statement of source.statements) {
    if (!ts.isClassDeclaration(statement)) {
      continue;
    }
    for (const decorator of ts.getDecorators(statement) ?? []) {
      const call = decorator.expression;
      if (ts.isCallExpression(call) && call.expression.getText(source) === 'Module') {
        const [metadata] = call.arguments;
        if (metadata !== undefined && ts.isObjectLiteralExpression(metadata)) {
          return metadata;
        }
      }
    }
  }
  throw new SchematicsException(`${source.fileName} has no class decorated with @Module({...}).`);
}
