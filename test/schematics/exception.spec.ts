import { CATALOGUE, ESM_APP, nestAppTree, snapshot, useCollection } from './collection.js';

const runner = useCollection();

const appWithCatalogue = (catalogue = CATALOGUE) => nestAppTree({ 'src/errors/error-codes.ts': catalogue });

describe('exception schematic', () => {
  it('writes the exception and its spec beside the catalogue, bound to a new entry', async () => {
    const tree = await runner().runSchematic('exception', { name: 'product-not-found' }, appWithCatalogue());

    expect(tree.readContent('src/errors/product-not-found.exception.ts'))
      .toBe(`import { OperatedException, type OperatedExceptionOptions } from 'nestjs-error-handling';
import { AppError } from './error-codes';

/** Answers with the catalogue entry AppError.PRODUCT_NOT_FOUND. */
export class ProductNotFoundException extends OperatedException {
  constructor(message?: string, options?: OperatedExceptionOptions) {
    super(AppError.PRODUCT_NOT_FOUND, message, options);
  }
}
`);
    const spec = tree.readContent('src/errors/product-not-found.exception.spec.ts');
    expect(spec).toContain("import { ProductNotFoundException } from './product-not-found.exception';");
    expect(spec).toContain('expect(exception.entry).toBe(AppError.PRODUCT_NOT_FOUND);');
    expect(tree.readContent('src/errors/error-codes.ts')).toContain(
      "  ...ErrorCode,\n  PRODUCT_NOT_FOUND: { code: 6001, status: 400, message: 'Product not found' },\n});",
    );
  });

  it('--status sets the new entry status, and codes go on from the highest app code', async () => {
    const catalogue = CATALOGUE.replace(
      '...ErrorCode,',
      "...ErrorCode,\n  OUT_OF_STOCK: { code: 6007, status: 409, message: 'Out of stock' },",
    );
    const tree = await runner().runSchematic(
      'exception',
      { name: 'ProductNotFound', status: 404 },
      appWithCatalogue(catalogue),
    );

    expect(tree.readContent('src/errors/error-codes.ts')).toContain(
      "PRODUCT_NOT_FOUND: { code: 6008, status: 404, message: 'Product not found' },",
    );
    expect(tree.exists('src/errors/product-not-found.exception.ts')).toBe(true);
  });

  it('reuses an entry the catalogue already defines', async () => {
    const catalogue = CATALOGUE.replace(
      '...ErrorCode,',
      "...ErrorCode,\n  PRODUCT_NOT_FOUND: { code: 7001, status: 404, message: 'No such product' },",
    );
    const tree = await runner().runSchematic('exception', { name: 'product-not-found' }, appWithCatalogue(catalogue));

    expect(tree.readContent('src/errors/error-codes.ts')).toBe(catalogue);
    expect(tree.readContent('src/errors/product-not-found.exception.ts')).toContain('super(AppError.PRODUCT_NOT_FOUND');
  });

  it('--code binds to an existing entry of the catalogue without adding one', async () => {
    const tree = await runner().runSchematic(
      'exception',
      { name: 'product-missing', code: 'RESOURCE_NOT_FOUND' },
      appWithCatalogue(),
    );

    expect(tree.readContent('src/errors/error-codes.ts')).toBe(CATALOGUE);
    expect(tree.readContent('src/errors/product-missing.exception.ts')).toContain(
      'super(AppError.RESOURCE_NOT_FOUND, message, options);',
    );
  });

  it('--code without a catalogue binds to the library ErrorCode', async () => {
    const tree = await runner().runSchematic(
      'exception',
      { name: 'product-missing', code: 'RESOURCE_NOT_FOUND' },
      nestAppTree(),
    );

    const content = tree.readContent('src/errors/product-missing.exception.ts');
    expect(content).toContain(
      "import { ErrorCode, OperatedException, type OperatedExceptionOptions } from 'nestjs-error-handling';",
    );
    expect(content).toContain('super(ErrorCode.RESOURCE_NOT_FOUND, message, options);');
    expect(tree.readContent('src/errors/product-missing.exception.spec.ts')).toContain(
      "import { ErrorCode, OperatedException } from 'nestjs-error-handling';",
    );
  });

  it('--path puts the files in a folder of that path, --flat straight in it', async () => {
    const nested = await runner().runSchematic(
      'exception',
      { name: 'product-not-found', path: 'products' },
      appWithCatalogue(),
    );
    const flat = await runner().runSchematic(
      'exception',
      { name: 'product-not-found', path: 'products', flat: true },
      appWithCatalogue(),
    );

    expect(nested.readContent('src/products/product-not-found/product-not-found.exception.ts')).toContain(
      "import { AppError } from '../../errors/error-codes';",
    );
    expect(flat.readContent('src/products/product-not-found.exception.ts')).toContain(
      "import { AppError } from '../errors/error-codes';",
    );
  });

  it('takes folders in front of the name', async () => {
    const tree = await runner().runSchematic('exception', { name: 'catalog/out-of-stock' }, appWithCatalogue());

    expect(tree.readContent('src/errors/catalog/out-of-stock.exception.ts')).toContain(
      "import { AppError } from '../error-codes';\n\n/** Answers with the catalogue entry AppError.OUT_OF_STOCK. */\nexport class OutOfStockException",
    );
  });

  it('--no-spec leaves the spec out; --specFileSuffix renames it', async () => {
    const noSpec = await runner().runSchematic('exception', { name: 'gone', spec: false }, appWithCatalogue());
    const suffixed = await runner().runSchematic(
      'exception',
      { name: 'gone', specFileSuffix: 'test' },
      appWithCatalogue(),
    );

    expect(noSpec.files.filter((path) => path.startsWith('/src/errors/gone'))).toEqual([
      '/src/errors/gone.exception.ts',
    ]);
    expect(suffixed.exists('src/errors/gone.exception.test.ts')).toBe(true);
  });

  it('uses .js suffixes in relative imports of an ESM app', async () => {
    const tree = await runner().runSchematic(
      'exception',
      { name: 'gone' },
      nestAppTree({ 'src/errors/error-codes.ts': CATALOGUE }, ESM_APP),
    );

    expect(tree.readContent('src/errors/gone.exception.ts')).toContain("import { AppError } from './error-codes.js';");
    expect(tree.readContent('src/errors/gone.exception.spec.ts')).toContain("from './gone.exception.js';");
  });

  it.each([
    ['an invalid name', { name: '404-page' }, /Invalid exception name "404-page"/],
    ['a name that climbs out of the source root', { name: '../outside' }, /Invalid exception name/],
    ['no name', { name: '' }, /Option \(name\) is required/],
    ['a status outside 400–599', { name: 'gone', status: 302 }, /status/],
    ['a --code that is not an entry key', { name: 'gone', code: 'not-a-key' }, /code/],
    [
      'a --code the catalogue does not have',
      { name: 'gone', code: 'NOPE' },
      /NOPE is not an entry of src\/errors\/error-codes.ts/,
    ],
  ])('refuses %s, writing nothing', async (_, options, message) => {
    const strictCatalogue =
      "import { defineErrorCodes } from 'nestjs-error-handling';\nexport const AppError = defineErrorCodes({});\n";
    const tree = appWithCatalogue(strictCatalogue);
    const before = snapshot(tree);

    await expect(runner().runSchematic('exception', options, tree)).rejects.toThrow(message);
    expect(snapshot(tree)).toEqual(before);
  });

  it('refuses to add an entry when the app has no catalogue', async () => {
    await expect(runner().runSchematic('exception', { name: 'gone' }, nestAppTree())).rejects.toThrow(
      /No error catalogue at src\/errors\/error-codes.ts to add GONE to: run "nest g -c nestjs-error-handling init" first/,
    );
  });

  it('refuses to overwrite an existing exception, leaving the catalogue as it was', async () => {
    const tree = appWithCatalogue();
    tree.create('src/errors/gone.exception.ts', '// mine\n');
    const before = snapshot(tree);

    await expect(runner().runSchematic('exception', { name: 'gone' }, tree)).rejects.toThrow(
      '/src/errors/gone.exception.ts already exists: remove it first to generate it again.',
    );
    expect(snapshot(tree)).toEqual(before);
  });

  it('refuses to run outside a Nest application', async () => {
    const tree = nestAppTree({}, { dependencies: {} });

    await expect(runner().runSchematic('exception', { name: 'gone', code: 'GONE' }, tree)).rejects.toThrow(
      /not a Nest application/,
    );
  });
});
