import { APP_MODULE, nestAppTree, snapshot, useCollection } from './collection.js';

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
