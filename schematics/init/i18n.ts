import { join, logging, normalize } from '@angular-devkit/core';
import { Tree } from '@angular-devkit/schematics';
import { readFileSync } from 'node:fs';
import { Catalogue } from '../utils/catalogue';
import { ModuleImport } from '../utils/module-imports';
import { NestApp } from '../utils/nest-app';

export const NESTJS_I18N = 'nestjs-i18n';

/** The translation files' folder, as nest-cli.json's assets name it (relative to the source root). */
const TRANSLATIONS_FOLDER = 'i18n';
const ASSETS_GLOB = `${TRANSLATIONS_FOLDER}/**/*`;

/** What nestjs-i18n's I18nModule needs listed in the root module, and the names it uses. */
export function i18nModule(app: NestApp): ModuleImport & { readonly names: readonly string[] } {
  // Beside the compiled root module: nest-cli.json's assets copy the folder there.
  const folder = app.isEsm ? 'import.meta.dirname' : '__dirname';
  return {
    symbol: 'I18nModule',
    names: ['I18nModule', 'AcceptLanguageResolver', 'QueryResolver'],
    expression:
      `I18nModule.forRoot({ fallbackLanguage: 'en', loaderOptions: { path: \`\${${folder}}/${TRANSLATIONS_FOLDER}/\` }, ` +
      `resolvers: [{ use: QueryResolver, options: ['lang'] }, AcceptLanguageResolver] })`,
  };
}

/** The English translation files: `errors.json` (a key per catalogue entry) and `validation.json`. */
export function createTranslationFiles(
  tree: Tree,
  sourceRoot: string,
  catalogue: Catalogue | undefined,
  logger: logging.LoggerApi,
): void {
  const folder = join(normalize(sourceRoot), TRANSLATIONS_FOLDER, 'en');
  const files: Record<string, Record<string, string>> = {
    // The library's entries, which answer whatever the app's catalogue holds, then the app's own.
    'errors.json': { ...bundled('catalogue-messages.json'), ...Object.fromEntries(catalogue?.messages() ?? []) },
    'validation.json': bundled('validation-messages.json'),
  };
  for (const [name, keys] of Object.entries(files)) {
    const path = join(folder, name);
    if (tree.exists(path)) {
      logger.info(`${path} already exists; it was left as it is.`);
    } else {
      tree.create(path, `${JSON.stringify(keys, null, 2)}\n`);
    }
  }
}

/** A JSON file shipped beside this factory (build.mjs writes catalogue-messages.json). */
function bundled(name: string): Record<string, string> {
  return JSON.parse(readFileSync(`${__dirname}/${name}`, 'utf8')) as Record<string, string>;
}

interface NestCliJson {
  compilerOptions?: { assets?: Array<string | { include?: string }> };
}

/** Adds the translations to nest-cli.json's assets, so that `nest build` copies them to dist. */
export function copyTranslationsOnBuild(tree: Tree, logger: logging.LoggerApi): void {
  const path = 'nest-cli.json';
  const buffer = tree.read(path);
  const byHand = `add { "include": "${ASSETS_GLOB}", "watchAssets": true } to compilerOptions.assets in ${path} by hand`;
  if (buffer === null) {
    logger.warn(`--i18n: there is no ${path}; ${byHand}, or copy src/${TRANSLATIONS_FOLDER} to dist yourself.`);
    return;
  }
  let config: NestCliJson;
  try {
    config = JSON.parse(buffer.toString('utf8')) as NestCliJson;
  } catch {
    logger.warn(`--i18n: ${path} is not plain JSON; ${byHand}.`);
    return;
  }
  const assets = config.compilerOptions?.assets ?? [];
  if (assets.some((asset) => (typeof asset === 'string' ? asset : asset.include) === ASSETS_GLOB)) return;
  config.compilerOptions = {
    ...config.compilerOptions,
    assets: [...assets, { include: ASSETS_GLOB, watchAssets: true } as { include: string }],
  };
  tree.overwrite(path, `${JSON.stringify(config, null, 2)}\n`);
}
