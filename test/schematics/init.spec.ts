import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsDate,
  IsDateString,
  IsDefined,
  IsEmail,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsPositive,
  IsString,
  IsUrl,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
  validateSync,
  ValidateNested,
} from 'class-validator';
import { ErrorCode } from '../../src/index.js';
import { APP_MODULE, CATALOGUE, ESM_APP, nestAppTree, snapshot, useCollection } from './collection.js';

const runner = useCollection();

const withDependencies = (dependencies: Record<string, string>) => ({
  dependencies: { '@nestjs/core': '^12.0.0', ...dependencies },
});

describe('init schematic', () => {
  it('imports ErrorHandlingModule.forRoot() in the root module, keeping the rest of the file', async () => {
    const tree = await runner().runSchematic('init', {}, nestAppTree());

    expect(tree.readContent('src/app.module.ts')).toBe(
      APP_MODULE.replace(
        "import { AppService } from './app.service';\n",
        "import { AppService } from './app.service';\nimport { ErrorHandlingModule } from 'nestjs-error-handling';\n",
      ).replace('imports: [],', 'imports: [ErrorHandlingModule.forRoot()],'),
    );
  });

  it('creates the app catalogue extending the default one', async () => {
    const tree = await runner().runSchematic('init', {}, nestAppTree());

    const catalogue = tree.readContent('src/errors/error-codes.ts');
    expect(catalogue).toContain("import { defineErrorCodes, ErrorCode } from 'nestjs-error-handling';");
    expect(catalogue).toMatch(/export const AppError = defineErrorCodes\(\{\n {2}\.\.\.ErrorCode,\n\}\);/);
  });

  it('changes nothing when run a second time', async () => {
    const once = await runner().runSchematic('init', {}, nestAppTree());
    const twice = await runner().runSchematic('init', { validation: true }, once);

    expect(snapshot(twice)).toEqual(snapshot(once));
  });

  it('adds to an imports list in its own layout and to an existing import from the package', async () => {
    const rootModule = `import { Module } from "@nestjs/common";
import { ErrorCode } from "nestjs-error-handling";
import { UsersModule } from "./users/users.module";

@Module({
  imports: [
    UsersModule,
  ],
})
export class AppModule {}
`;
    const tree = await runner().runSchematic('init', {}, nestAppTree({ 'src/app.module.ts': rootModule }));

    const content = tree.readContent('src/app.module.ts');
    expect(content).toContain('import { ErrorCode, ErrorHandlingModule } from "nestjs-error-handling";');
    expect(content).toContain('  imports: [\n    UsersModule,\n    ErrorHandlingModule.forRoot(),\n  ],');
  });

  it('creates the imports property when the module has none', async () => {
    const rootModule =
      "import { Module } from '@nestjs/common';\n\n@Module({ providers: [] })\nexport class AppModule {}\n";
    const tree = await runner().runSchematic('init', {}, nestAppTree({ 'src/app.module.ts': rootModule }));

    expect(tree.readContent('src/app.module.ts')).toContain(
      '@Module({ providers: [], imports: [ErrorHandlingModule.forRoot()] })',
    );
  });

  it('--validation installs the global ValidationPipe', async () => {
    const app = withDependencies({ 'class-validator': '*', 'class-transformer': '*' });
    const tree = await runner().runSchematic('init', { validation: true }, nestAppTree({}, app));

    expect(tree.readContent('src/app.module.ts')).toContain(
      'imports: [ErrorHandlingModule.forRoot({ validation: true })],',
    );
  });

  it('--validation warns when class-validator is not installed', async () => {
    const warnings = collectWarnings();
    await runner().runSchematic('init', { validation: true }, nestAppTree());

    expect(warnings.join('\n')).toMatch(/class-validator and class-transformer/);
  });

  it('--pino imports LoggerModule.forRoot() when nestjs-pino is a dependency', async () => {
    const tree = await runner().runSchematic(
      'init',
      { pino: true },
      nestAppTree({}, withDependencies({ 'nestjs-pino': '^5.2.1' })),
    );

    const content = tree.readContent('src/app.module.ts');
    expect(content).toContain("import { LoggerModule } from 'nestjs-pino';");
    expect(content).toContain('imports: [LoggerModule.forRoot(), ErrorHandlingModule.forRoot()],');
  });

  it('--pino without nestjs-pino says so and adds only ErrorHandlingModule', async () => {
    const warnings = collectWarnings();
    const tree = await runner().runSchematic('init', { pino: true }, nestAppTree());

    expect(tree.readContent('src/app.module.ts')).not.toContain('LoggerModule');
    expect(warnings.join('\n')).toMatch(/nestjs-pino is not among the dependencies/);
  });

  it('--module and --sourceRoot point at another root module and catalogue folder', async () => {
    const tree = await runner().runSchematic(
      'init',
      { module: 'apps/api/main.module.ts', sourceRoot: 'apps/api' },
      nestAppTree({ 'apps/api/main.module.ts': APP_MODULE }),
    );

    expect(tree.readContent('apps/api/main.module.ts')).toContain('ErrorHandlingModule.forRoot()');
    expect(tree.readContent('src/app.module.ts')).toBe(APP_MODULE);
    expect(tree.exists('apps/api/errors/error-codes.ts')).toBe(true);
  });

  it('keeps an existing catalogue as it is', async () => {
    const catalogue =
      "import { defineErrorCodes } from 'nestjs-error-handling';\nexport const Mine = defineErrorCodes({});\n";
    const tree = await runner().runSchematic('init', {}, nestAppTree({ 'src/errors/error-codes.ts': catalogue }));

    expect(tree.readContent('src/errors/error-codes.ts')).toBe(catalogue);
  });

  it.each([
    ['there is no package.json', () => withoutFile(nestAppTree(), 'package.json'), /No package.json here/],
    [
      'the app does not depend on @nestjs/core',
      () => nestAppTree({}, { dependencies: { express: '*' } }),
      /not a Nest application/,
    ],
    [
      'the root module is missing',
      () => withoutFile(nestAppTree(), 'src/app.module.ts'),
      /Root module not found: src\/app.module.ts/,
    ],
    [
      'the root module has no @Module()',
      () => nestAppTree({ 'src/app.module.ts': 'export class AppModule {}\n' }),
      /no class decorated with @Module/,
    ],
    [
      'the imports are not a list',
      () =>
        nestAppTree({
          'src/app.module.ts':
            "import { Module } from '@nestjs/common';\nconst shared = [];\n@Module({ imports: shared })\nexport class AppModule {}\n",
        }),
      /not an array literal/,
    ],
  ])('refuses to run when %s, writing nothing', async (_, makeTree, message) => {
    const tree = makeTree();
    const before = snapshot(tree);

    await expect(runner().runSchematic('init', {}, tree)).rejects.toThrow(message);
    expect(snapshot(tree)).toEqual(before);
  });

  it('accepts the options the Nest CLI passes to every schematic', async () => {
    const cliOptions = {
      name: undefined,
      language: 'ts',
      sourceRoot: 'src',
      spec: true,
      flat: false,
      specFileSuffix: 'spec',
      format: false,
      skipImport: false,
      collection: 'nestjs-error-handling',
    };
    const tree = await runner().runSchematic('init', cliOptions, nestAppTree());

    expect(tree.readContent('src/app.module.ts')).toContain('ErrorHandlingModule.forRoot()');
  });
});

describe('init --i18n', () => {
  const i18nApp = (files: Record<string, string> = {}, dependencies: Record<string, string> = {}) =>
    nestAppTree(
      { 'nest-cli.json': NEST_CLI_JSON, ...files },
      withDependencies({ 'nestjs-i18n': '^10.8.5', ...dependencies }),
    );
  const I18N_MODULE = (folder: string) =>
    "I18nModule.forRoot({ fallbackLanguage: 'en', loaderOptions: { path: `${" +
    folder +
    "}/i18n/` }, resolvers: [{ use: QueryResolver, options: ['lang'] }, AcceptLanguageResolver] })";

  it('imports I18nModule with its resolvers and sets i18n: true in forRoot', async () => {
    const tree = await runner().runSchematic('init', { i18n: true }, i18nApp());

    expect(tree.readContent('src/app.module.ts')).toBe(
      APP_MODULE.replace(
        "import { AppService } from './app.service';\n",
        "import { AppService } from './app.service';\n" +
          "import { I18nModule, AcceptLanguageResolver, QueryResolver } from 'nestjs-i18n';\n" +
          "import { ErrorHandlingModule } from 'nestjs-error-handling';\n",
      ).replace('imports: [],', `imports: [${I18N_MODULE('__dirname')}, ErrorHandlingModule.forRoot({ i18n: true })],`),
    );
  });

  it('reads the translations beside the module with import.meta.dirname in an ESM app', async () => {
    const tree = await runner().runSchematic(
      'init',
      { i18n: true, validation: true },
      nestAppTree({}, { ...ESM_APP, dependencies: { ...ESM_APP.dependencies, 'nestjs-i18n': '*' } }),
    );

    const content = tree.readContent('src/app.module.ts');
    expect(content).toContain(I18N_MODULE('import.meta.dirname'));
    expect(content).toContain('ErrorHandlingModule.forRoot({ validation: true, i18n: true })');
  });

  it("writes en/errors.json with one key per entry of the library's catalogue", async () => {
    const tree = await runner().runSchematic('init', { i18n: true }, i18nApp());

    const messages = Object.fromEntries(Object.entries(ErrorCode).map(([reason, entry]) => [reason, entry.message]));
    expect(JSON.parse(tree.readContent('src/i18n/en/errors.json'))).toEqual(messages);
  });

  it("adds the app's own catalogue entries to en/errors.json", async () => {
    const catalogue = CATALOGUE.replace(
      '  ...ErrorCode,\n',
      "  ...ErrorCode,\n  PRODUCT_NOT_FOUND: { code: 6001, status: 404, message: 'Product not found' },\n",
    );
    const tree = await runner().runSchematic(
      'init',
      { i18n: true },
      i18nApp({ 'src/errors/error-codes.ts': catalogue }),
    );

    const errors = JSON.parse(tree.readContent('src/i18n/en/errors.json'));
    expect(errors).toMatchObject({ PRODUCT_NOT_FOUND: 'Product not found', RESOURCE_NOT_FOUND: 'Resource not found' });
  });

  it("writes en/validation.json whose messages read as class-validator's own", async () => {
    const tree = await runner().runSchematic('init', { i18n: true }, i18nApp());

    const templates: Record<string, string> = JSON.parse(tree.readContent('src/i18n/en/validation.json'));
    expect(Object.keys(templates).sort()).toEqual(Object.keys(CLASS_VALIDATOR_CASES).sort());
    for (const [constraint, [decorator, value, args]] of Object.entries(CLASS_VALIDATOR_CASES)) {
      const Dto = class {};
      decorator(Dto.prototype, 'field');
      const [error] = validateSync(Object.assign(new Dto(), { field: value }), {
        forbidNonWhitelisted: true,
        forbidUnknownValues: false,
        whitelist: true,
      });
      const formatted = templates[constraint]
        .replaceAll('{property}', 'field')
        .replace(/\{constraints\.(\d)\}/g, (_, index: string) => String(args[Number(index)]));
      expect(formatted, constraint).toBe(error.constraints?.[constraint]);
    }
  });

  it("adds the translations to nest-cli.json's assets, keeping the others", async () => {
    const cli = JSON.stringify({
      sourceRoot: 'src',
      compilerOptions: { deleteOutDir: true, assets: ['**/*.graphql'] },
    });
    const tree = await runner().runSchematic('init', { i18n: true }, i18nApp({ 'nest-cli.json': cli }));

    expect(JSON.parse(tree.readContent('nest-cli.json'))).toEqual({
      sourceRoot: 'src',
      compilerOptions: { deleteOutDir: true, assets: ['**/*.graphql', { include: 'i18n/**/*', watchAssets: true }] },
    });
  });

  it('adds i18n: true to a forRoot an earlier init wrote, and changes nothing when run again', async () => {
    const once = await runner().runSchematic('init', { validation: true }, i18nApp());
    const withI18n = await runner().runSchematic('init', { i18n: true }, once);
    const again = await runner().runSchematic('init', { i18n: true }, withI18n);

    const content = withI18n.readContent('src/app.module.ts');
    expect(content).toContain(
      `imports: [ErrorHandlingModule.forRoot({ validation: true, i18n: true }), ${I18N_MODULE('__dirname')}],`,
    );
    expect(content).toContain("import { I18nModule, AcceptLanguageResolver, QueryResolver } from 'nestjs-i18n';");
    expect(snapshot(again)).toEqual(snapshot(withI18n));
  });

  it('gives an empty forRoot() its options object', async () => {
    const once = await runner().runSchematic('init', {}, i18nApp());
    const tree = await runner().runSchematic('init', { i18n: true }, once);

    expect(tree.readContent('src/app.module.ts')).toContain('ErrorHandlingModule.forRoot({ i18n: true })');
  });

  it('says to add i18n: true by hand when the options are not a literal', async () => {
    const rootModule = APP_MODULE.replace('imports: [],', 'imports: [ErrorHandlingModule.forRoot(options)],').replace(
      "import { Module } from '@nestjs/common';",
      "import { Module } from '@nestjs/common';\nimport { ErrorHandlingModule } from 'nestjs-error-handling';\nconst options = {};",
    );
    const warnings = collectWarnings();
    const tree = await runner().runSchematic('init', { i18n: true }, i18nApp({ 'src/app.module.ts': rootModule }));

    expect(warnings.join('\n')).toMatch(
      /add i18n: true to the options of ErrorHandlingModule in src\/app.module.ts by hand/,
    );
    expect(tree.readContent('src/app.module.ts')).toContain(
      'ErrorHandlingModule.forRoot(options), I18nModule.forRoot(',
    );
  });

  it('keeps translation files that exist', async () => {
    const mine = '{ "RESOURCE_NOT_FOUND": "Not here" }\n';
    const tree = await runner().runSchematic('init', { i18n: true }, i18nApp({ 'src/i18n/en/errors.json': mine }));

    expect(tree.readContent('src/i18n/en/errors.json')).toBe(mine);
    expect(tree.exists('src/i18n/en/validation.json')).toBe(true);
  });

  it('without nestjs-i18n says so and adds nothing for it', async () => {
    const warnings = collectWarnings();
    const tree = await runner().runSchematic('init', { i18n: true }, nestAppTree({ 'nest-cli.json': NEST_CLI_JSON }));

    expect(warnings.join('\n')).toMatch(/nestjs-i18n is not among the dependencies/);
    expect(tree.readContent('src/app.module.ts')).toContain('imports: [ErrorHandlingModule.forRoot()],');
    expect(tree.files.filter((path) => path.includes('i18n'))).toEqual([]);
    expect(tree.readContent('nest-cli.json')).toBe(NEST_CLI_JSON);
  });

  it('without nest-cli.json says how to copy the translations', async () => {
    const warnings = collectWarnings();
    const tree = await runner().runSchematic('init', { i18n: true }, withoutFile(i18nApp(), 'nest-cli.json'));

    expect(warnings.join('\n')).toMatch(/there is no nest-cli.json; add \{ "include": "i18n\/\*\*\/\*"/);
    expect(tree.exists('src/i18n/en/errors.json')).toBe(true);
  });
});

const NEST_CLI_JSON = '{\n  "collection": "@nestjs/schematics",\n  "sourceRoot": "src"\n}\n';

/** For each key init writes to validation.json: a decorator, a value it rejects, its arguments. */
const CLASS_VALIDATOR_CASES: Record<string, [PropertyDecorator, unknown, unknown[]]> = {
  isDefined: [IsDefined(), undefined, []],
  isNotEmpty: [IsNotEmpty(), '', []],
  isString: [IsString(), 1, []],
  isInt: [IsInt(), 'x', []],
  isNumber: [IsNumber(), 'x', []],
  isPositive: [IsPositive(), -1, []],
  min: [Min(3), 1, [3]],
  max: [Max(3), 5, [3]],
  isBoolean: [IsBoolean(), 'x', []],
  isEmail: [IsEmail(), 'x', []],
  isUrl: [IsUrl(), 'x', []],
  isUuid: [IsUUID(), 'x', []],
  isDate: [IsDate(), 'x', []],
  isDateString: [IsDateString(), 'x', []],
  minLength: [MinLength(3), 'a', [3]],
  maxLength: [MaxLength(3), 'abcd', [3]],
  isArray: [IsArray(), 1, []],
  arrayNotEmpty: [ArrayNotEmpty(), [], []],
  arrayMinSize: [ArrayMinSize(2), [1], [2]],
  arrayMaxSize: [ArrayMaxSize(1), [1, 2], [1]],
  isObject: [IsObject(), 1, []],
  nestedValidation: [ValidateNested(), 1, []],
  whitelistValidation: [() => undefined, 1, []],
};

function withoutFile<T extends { delete(path: string): void }>(tree: T, path: string): T {
  tree.delete(path);
  return tree;
}

/** The warnings the runner logs during one test. */
function collectWarnings(): string[] {
  const warnings: string[] = [];
  const subscription = runner().logger.subscribe((entry) => {
    if (entry.level === 'warn') warnings.push(entry.message);
  });
  onTestFinished(() => subscription.unsubscribe());
  return warnings;
}
