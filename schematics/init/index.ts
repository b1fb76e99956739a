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
import { cataloguePath, readCatalogue } from '../utils/catalogue';
import { importNames } from '../utils/import-declarations';
import { addForRootOption, addModuleImports, ModuleImport } from '../utils/module-imports';
import { NestApp, readNestApp } from '../utils/nest-app';
import { applyInsertions, Insertion, readSourceFile } from '../utils/source-file';
import { copyTranslationsOnBuild, createTranslationFiles, i18nModule, NESTJS_I18N } from './i18n';
import { InitOptions } from './schema';

const LIBRARY = 'nestjs-error-handling';
const PINO = 'nestjs-pino';

/** A module for the root module's imports, with the package its names are imported from. */
interface PackagedModule extends ModuleImport {
  readonly from: string;
  /** What its expression uses: its symbol, by default. */
  readonly names?: readonly string[];
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
    const i18n = options.i18n && i18nAvailable(app, context.logger);
    const modules = modulesToImport(options, app, i18n, context.logger);
    const moduleImports = addModuleImports(rootModule, modules);
    const insertions: Array<Insertion | undefined> = [];
    if (moduleImports === undefined) {
      context.logger.info(`${modulePath} already imports ${modules.map((module) => module.symbol).join(' and ')}.`);
    } else {
      const { added } = moduleImports;
      const packages = [...new Set(added.map((module) => module.from))];
      for (const from of packages) {
        const names = added
          .filter((module) => module.from === from)
          .flatMap((module) => module.names ?? [module.symbol]);
        insertions.push(importNames(rootModule, names, from));
      }
      insertions.push(moduleImports.insertion);
    }
    if (i18n && !moduleImports?.added.some((module) => module.symbol === 'ErrorHandlingModule')) {
      // Listed before, by a run without --i18n: its forRoot() gets the option.
      const option = addForRootOption(rootModule, 'ErrorHandlingModule', 'i18n: true');
      if (option === 'by hand') {
        context.logger.warn(`--i18n: add i18n: true to the options of ErrorHandlingModule in ${modulePath} by hand.`);
      } else if (option !== 'set') {
        insertions.push(option);
      }
    }
    applyInsertions(
      tree,
      modulePath,
      insertions.filter((insertion): insertion is Insertion => insertion !== undefined),
    );
    if (i18n) {
      createTranslationFiles(tree, sourceRoot, readCatalogue(tree, cataloguePath(sourceRoot)), context.logger);
      copyTranslationsOnBuild(tree, context.logger);
    }
    if (tree.exists(cataloguePath(sourceRoot))) {
      context.logger.info(`${cataloguePath(sourceRoot)} already exists; it was left as it is.`);
      return noop();
    }
    return mergeWith(apply(url('./files'), [applyTemplates({}), move(sourceRoot)]));
  };
}

function modulesToImport(
  options: InitOptions,
  app: NestApp,
  i18n: boolean,
  logger: logging.LoggerApi,
): PackagedModule[] {
  const modules: PackagedModule[] = [];
  if (options.pino && app.dependsOn(PINO)) {
    modules.push({ symbol: 'LoggerModule', expression: 'LoggerModule.forRoot()', from: PINO });
  } else if (options.pino) {
    logger.warn(
      `--pino: ${PINO} is not among the dependencies in package.json, so LoggerModule was not added. ` +
        `Install it (npm install ${PINO} pino-http) and run init --pino again.`,
    );
  }
  if (i18n) modules.push({ ...i18nModule(app), from: NESTJS_I18N });
  if (options.validation && !(app.dependsOn('class-validator') && app.dependsOn('class-transformer'))) {
    logger.warn('--validation: the ValidationPipe needs class-validator and class-transformer; install them too.');
  }
  const forRootOptions = [options.validation && 'validation: true', i18n && 'i18n: true'].filter(Boolean).join(', ');
  modules.push({
    symbol: 'ErrorHandlingModule',
    expression: `ErrorHandlingModule.forRoot(${forRootOptions && `{ ${forRootOptions} }`})`,
    from: LIBRARY,
  });
  return modules;
}

function i18nAvailable(app: NestApp, logger: logging.LoggerApi): boolean {
  if (app.dependsOn(NESTJS_I18N)) return true;
  logger.warn(
    `--i18n: ${NESTJS_I18N} is not among the dependencies in package.json, so nothing was added for it. ` +
      `Install it (npm install ${NESTJS_I18N}) and run init --i18n again.`,
  );
  return false;
}
