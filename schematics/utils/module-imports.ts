import { SchematicsException } from '@angular-devkit/schematics';
import * as ts from 'typescript';
import { appendToList, Insertion } from './source-file';

/** A module to list in `@Module({ imports })`: `LoggerModule` as `LoggerModule.forRoot()`. */
export interface ModuleImport {
  readonly symbol: string;
  readonly expression: string;
}

/** The modules `addModuleImports` adds, and where. */
export interface ModuleImportsInsertion<M extends ModuleImport> {
  readonly insertion: Insertion;
  readonly added: readonly M[];
}

/**
 * Adds to the `imports` of the file's `@Module({...})` the modules it does not list yet (whatever
 * their options), creating the property when there is none.
 */
export function addModuleImports<M extends ModuleImport>(
  source: ts.SourceFile,
  modules: readonly M[],
): ModuleImportsInsertion<M> | undefined {
  const metadata = findModuleMetadata(source);
  const list = importsListOf(source, metadata);
  if (list === undefined) {
    const expressions = modules.map((module) => module.expression);
    return {
      insertion: appendToList(source, metadata, metadata.properties, [`imports: [${expressions.join(', ')}]`]),
      added: modules,
    };
  }
  if (!ts.isArrayLiteralExpression(list)) {
    throw new SchematicsException(
      `The imports of @Module() in ${source.fileName} are not an array literal; ` +
        `add ${modules.map((module) => module.expression).join(', ')} to them by hand.`,
    );
  }
  const missing = modules.filter((module) => listedModule(source, list, module.symbol) === undefined);
  return missing.length === 0
    ? undefined
    : {
        insertion: appendToList(
          source,
          list,
          list.elements,
          missing.map((module) => module.expression),
        ),
        added: missing,
      };
}

/**
 * Adds `option` (`i18n: true`) to the options of a listed `symbol.forRoot(...)`: into its object
 * literal, or as `{ option }` when it has none. `set` when the literal has a property of that
 * name already; `by hand` when the options are not a literal (a variable, forRootAsync).
 */
export function addForRootOption(source: ts.SourceFile, symbol: string, option: string): Insertion | 'set' | 'by hand' {
  const list = importsListOf(source, findModuleMetadata(source));
  const call = list !== undefined && ts.isArrayLiteralExpression(list) ? listedModule(source, list, symbol) : undefined;
  if (call === undefined || !ts.isCallExpression(call) || call.expression.getText(source) !== `${symbol}.forRoot`) {
    return 'by hand';
  }
  const [options] = call.arguments;
  if (options === undefined) return { position: call.arguments.pos, text: `{ ${option} }` };
  if (!ts.isObjectLiteralExpression(options)) return 'by hand';
  const name = option.slice(0, option.indexOf(':')).trim();
  if (options.properties.some((property) => property.name?.getText(source) === name)) return 'set';
  return appendToList(source, options, options.properties, [option]);
}

function importsListOf(source: ts.SourceFile, metadata: ts.ObjectLiteralExpression): ts.Expression | undefined {
  return metadata.properties.find(
    (property): property is ts.PropertyAssignment =>
      ts.isPropertyAssignment(property) && property.name.getText(source) === 'imports',
  )?.initializer;
}

/** The element of the imports list that names the module (`LoggerModule`, `LoggerModule.forRoot()`). */
function listedModule(
  source: ts.SourceFile,
  list: ts.ArrayLiteralExpression,
  symbol: string,
): ts.Expression | undefined {
  return list.elements.find((element) => new RegExp(`^${symbol}\\b`).test(element.getText(source)));
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
