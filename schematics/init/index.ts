import { join, logging, normalize } from '@angular-devkit/core';
import {
  apply,
  applyTemplates,
  mergeWith,
  move,
  noop,
  Rule,
  SchematicsException,
  url,
} from '@angular-devkit/schematics';
import { cataloguePath } from '../utils/catalogue';
import { importNames } from '../utils/import-declarations';
import { addModuleImports, ModuleImport } from '../utils/module-imports';
import { NestApp, readNestApp } from '../utils/nest-app';
import { applyInsertions, Insertion, readSourceFile } from '../utils/source-file';
import { InitOptions } from './schema';

const LIBRARY = 'nestjs-error-handling';
const PINO = 'nestjs-pino';

/** A module for the root module's imports, with the package its symbol is imported from. */
interface PackagedModule extends ModuleImport {
  readonly from: string;
}

/**
 * `init`: imports ErrorHandlingModule.forRoot() in the root module (AST edits that keep the rest of
 * the file as it was; a module already listed is left alone, so running it twice changes nothing)
 * and creates the app's error catalogue unless there is one.
 */
export function init(options: InitOptions): Rule {
  return (tree, context) => {
    const app = readNestApp(tree);
    const sourceRoot = normalize(options.sourceRoot ?? 'src');
    const modulePath = options.module ?? join(sourceRoot, 'app.module.ts');
    const rootModule = readSourceFile(tree, modulePath);
    if (rootModule === undefined) {
      throw new SchematicsException(
        `Root module not found: ${modulePath} does not exist. Pass --module with the path of the app's root module.`,
      );
    }
    const modules = modulesToImport(options, app, context.logger);
    const moduleImports = addModuleImports(rootModule, modules);
    if (moduleImports === undefined) {
      context.logger.info(`${modulePath} already imports ${modules.map((module) => module.symbol).join(' and ')}.`);
    } else {
      const packages = [...new Set(modules.map((module) => module.from))];
      const importStatements = packages.map((from) =>
        importNames(
          rootModule,
          modules.filter((module) => module.from === from).map((module) => module.symbol),
          from,
        ),
      );
      applyInsertions(
        tree,
        modulePath,
        [...importStatements, moduleImports].filter((insertion): insertion is Insertion => insertion !== undefined),
      );
    }
    if (tree.exists(cataloguePath(sourceRoot))) {
      context.logger.info(`${cataloguePath(sourceRoot)} already exists; it was left as it is.`);
      return noop();
    }
    return mergeWith(apply(url('./files'), [applyTemplates({}), move(sourceRoot)]));
  };
}

function modulesToImport(options: InitOptions, app: NestApp, logger: logging.LoggerApi): PackagedModule[] {
  const modules: PackagedModule[] = [];
  if (options.pino && app.dependsOn(PINO)) {
    modules.push({ symbol: 'LoggerModule', expression: 'LoggerModule.forRoot()', from: PINO });
  } else if (options.pino) {
    logger.warn(
      `--pino: ${PINO} is not among the dependencies in package.json, so LoggerModule was not added. ` +
        `Install it (npm install ${PINO} pino-http) and run init --pino again.`,
    );
  }
  if (options.validation && !(app.dependsOn('class-validator') && app.dependsOn('class-transformer'))) {
    logger.warn('--validation: the ValidationPipe needs class-validator and class-transformer; install them too.');
  }
  const forRootOptions = options.validation ? '{ validation: true }' : '';
  modules.push({
    symbol: 'ErrorHandlingModule',
    expression: `ErrorHandlingModule.forRoot(${forRootOptions})`,
    from: LIBRARY,
  });
  return modules;
}
