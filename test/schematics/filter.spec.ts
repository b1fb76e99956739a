import { CATALOGUE, ESM_APP, nestAppTree, snapshot, useCollection } from './collection.js';

const runner = useCollection();

describe('filter schematic', () => {
  it('writes a @Catch filter on OperatedExceptionFilter and its spec in a folder named after it', async () => {
    const tree = await runner().runSchematic(
      'filter',
      { name: 'products' },
      nestAppTree({ 'src/errors/error-codes.ts': CATALOGUE }),
    );

    const filter = tree.readContent('src/products/products.filter.ts');
    expect(filter).toContain("import { OperatedException, OperatedExceptionFilter } from 'nestjs-error-handling';");
    expect(filter).toContain("import { AppError } from '../errors/error-codes';");
    expect(filter).toContain('@Catch(Error)\nexport class ProductsFilter extends OperatedExceptionFilter<Error> {');
    expect(filter).toContain(
      'new OperatedException(AppError.UNEXPECTED_ERROR, exception.message, { cause: exception })',
    );
    expect(tree.readContent('src/products/products.filter.spec.ts')).toContain(
      'expect(ProductsFilter.prototype).toBeInstanceOf(OperatedExceptionFilter);',
    );
  });

  it('--code picks the entry; without a catalogue it comes from the library ErrorCode', async () => {
    const tree = await runner().runSchematic('filter', { name: 'orders', code: 'CONFLICT' }, nestAppTree());

    const filter = tree.readContent('src/orders/orders.filter.ts');
    expect(filter).toContain(
      "import { ErrorCode, OperatedException, OperatedExceptionFilter } from 'nestjs-error-handling';",
    );
    expect(filter).toContain('new OperatedException(ErrorCode.CONFLICT,');
  });

  it('--flat, --path and --no-spec follow the Nest CLI conventions', async () => {
    const tree = await runner().runSchematic(
      'filter',
      { name: 'orders', path: 'shop', flat: true, spec: false },
      nestAppTree(),
    );

    expect(tree.files.filter((path) => path.includes('orders'))).toEqual(['/src/shop/orders.filter.ts']);
  });

  it('uses .js suffixes in relative imports of an ESM app', async () => {
    const tree = await runner().runSchematic(
      'filter',
      { name: 'orders' },
      nestAppTree({ 'src/errors/error-codes.ts': CATALOGUE }, ESM_APP),
    );

    expect(tree.readContent('src/orders/orders.filter.ts')).toContain("from '../errors/error-codes.js';");
    expect(tree.readContent('src/orders/orders.filter.spec.ts')).toContain("from './orders.filter.js';");
  });

  it.each([
    ['an invalid name', nestAppTree(), { name: 'orders filter!' }, /Invalid filter name/],
    [
      'an entry the catalogue does not have',
      nestAppTree({
        'src/errors/error-codes.ts':
          "import { defineErrorCodes } from 'nestjs-error-handling';\nexport const AppError = defineErrorCodes({});\n",
      }),
      { name: 'orders' },
      /UNEXPECTED_ERROR is not an entry/,
    ],
    [
      'a catalogue file without defineErrorCodes',
      nestAppTree({ 'src/errors/error-codes.ts': 'export const AppError = {};\n' }),
      { name: 'orders' },
      /has no "export const … = defineErrorCodes/,
    ],
    ['a folder that is not a Nest application', nestAppTree({}, {}), { name: 'orders' }, /not a Nest application/],
  ])('refuses %s, writing nothing', async (_, tree, options, message) => {
    const before = snapshot(tree);

    await expect(runner().runSchematic('filter', options, tree)).rejects.toThrow(message);
    expect(snapshot(tree)).toEqual(before);
  });
});
