import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import request from 'supertest';
import { BUILD_TIMEOUT, repoRoot } from './collection.js';

// Each test runs the CLI (a few seconds, much more when the machine is busy).
vi.setConfig({ testTimeout: 120_000, hookTimeout: BUILD_TIMEOUT });

// The real binaries: `nest g` runs the devkit's `schematics` binary, which loads the collection by
// package name from the app's node_modules, exactly as in a user's app.
const NEST = join(repoRoot, 'node_modules', '@nestjs', 'cli', 'bin', 'nest.js');
const SCHEMATICS = join(repoRoot, 'node_modules', '@angular-devkit', 'schematics-cli', 'bin', 'schematics.js');
const TSC = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');

const workspace = mkdtempSync(join(tmpdir(), 'schematics-e2e-'));
const app = join(workspace, 'app');

/** What the app's node_modules holds after `npm install nestjs-error-handling`, made offline. */
function installPackages(appDir: string): void {
  const modules = join(appDir, 'node_modules');
  mkdirSync(modules);
  for (const name of readdirSync(join(repoRoot, 'node_modules'))) {
    if (!name.startsWith('.') && name !== 'nestjs-error-handling') {
      symlinkSync(join(repoRoot, 'node_modules', name), join(modules, name), 'dir');
    }
  }
  const ours = join(modules, 'nestjs-error-handling');
  mkdirSync(ours);
  cpSync(join(repoRoot, 'package.json'), join(ours, 'package.json'));
  execFileSync(process.execPath, [TSC, '-p', join(repoRoot, 'tsconfig.build.json'), '--outDir', join(ours, 'dist')]);
  execFileSync(process.execPath, [join(repoRoot, 'schematics', 'build.mjs'), join(ours, 'dist', 'schematics')]);
}

/** Runs a binary in `cwd`, returning what it printed without colours (the Nest CLI may print an error and exit 0). */
function run(cwd: string, script: string, ...args: string[]): string {
  const result = spawnSync(process.execPath, [script, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true' },
  });
  return stripVTControlCharacters(`${result.stdout}${result.stderr}`);
}

const nestGenerate = (...args: string[]) => run(app, NEST, 'g', '-c', 'nestjs-error-handling', ...args);
const read = (path: string) => readFileSync(join(app, path), 'utf8');
const sourceSnapshot = () =>
  readdirSync(join(app, 'src'), { recursive: true, encoding: 'utf8' }).map((path) => [
    path,
    existsSync(join(app, 'src', path)),
  ]);

// What the app's own code does with the generated pieces: throw the exception, use the filter.
const PRODUCTS_CONTROLLER = `import { Controller, Get, UseFilters } from '@nestjs/common';
import { ProductNotFoundException } from '../errors/product-not-found.exception.js';
import { ProductsFilter } from './products.filter.js';

class StockLedgerError extends Error {}

@Controller('products')
@UseFilters(ProductsFilter)
export class ProductsController {
  @Get('missing')
  missing(): never {
    throw new ProductNotFoundException('Product 99 not found', { details: { productId: 99 } });
  }

  @Get('ledger')
  ledger(): never {
    throw new StockLedgerError('ledger at /srv/stock is locked');
  }
}
`;

let outputs: Record<'init' | 'exception' | 'filter' | 'status' | 'i18n', string>;
/** AppModule as init left it, before init --i18n. */
let initModule: string;

beforeAll(() => {
  cpSync(join(import.meta.dirname, 'fixture'), app, { recursive: true });
  installPackages(app);
  const initOutput = nestGenerate('init');
  initModule = read('src/app.module.ts');
  outputs = {
    init: initOutput,
    exception: nestGenerate('exception', 'product-not-found'),
    filter: nestGenerate('filter', 'products'),
    // Options of this collection's own (--status, --code, --validation, --pino, --module) are
    // not forwarded by `nest g`; the schematics binary that @nestjs/cli installs takes them.
    status: run(app, SCHEMATICS, 'nestjs-error-handling:exception', 'out-of-stock', '--status=409', '--spec=false'),
    // After the others, as a user who turns translations on later would.
    i18n: run(app, SCHEMATICS, 'nestjs-error-handling:init', '--i18n'),
  };
  // What a translator adds from the generated English file.
  mkdirSync(join(app, 'src', 'i18n', 'de'));
  writeFileSync(join(app, 'src', 'i18n', 'de', 'errors.json'), '{ "UNEXPECTED_ERROR": "Unerwarteter Fehler" }\n');
  writeFileSync(join(app, 'src', 'products', 'products.controller.ts'), PRODUCTS_CONTROLLER);
}, 2 * BUILD_TIMEOUT);

afterAll(() => rmSync(workspace, { recursive: true, force: true }));

describe('nest g -c nestjs-error-handling (real Nest CLI, installed package)', () => {
  it('init adds ErrorHandlingModule.forRoot() to AppModule and creates the catalogue', () => {
    expect(outputs.init).toContain('UPDATE src/app.module.ts');
    expect(outputs.init).toContain('CREATE src/errors/error-codes.ts');
    expect(initModule).toContain(
      "import { AppController } from './app.controller.js';\nimport { ErrorHandlingModule } from 'nestjs-error-handling';",
    );
    expect(initModule).toContain('imports: [ErrorHandlingModule.forRoot()],');
    expect(read('src/errors/error-codes.ts')).toContain('export const AppError = defineErrorCodes({');
  });

  it('init run again changes nothing', () => {
    const before = read('src/app.module.ts');

    expect(nestGenerate('init')).not.toMatch(/UPDATE|CREATE/);
    expect(read('src/app.module.ts')).toBe(before);
  });

  it('exception writes the class and spec beside the catalogue and adds its entry', () => {
    expect(outputs.exception).toContain('CREATE src/errors/product-not-found.exception.ts');
    expect(read('src/errors/product-not-found.exception.spec.ts')).toContain(
      "from './product-not-found.exception.js';",
    );
    expect(read('src/errors/error-codes.ts')).toContain(
      "PRODUCT_NOT_FOUND: { code: 6001, status: 400, message: 'Product not found' },",
    );
  });

  it('filter writes the filter and spec in a folder named after it', () => {
    expect(outputs.filter).toContain('CREATE src/products/products.filter.ts');
    expect(read('src/products/products.filter.ts')).toContain("import { AppError } from '../errors/error-codes.js';");
    expect(existsSync(join(app, 'src/products/products.filter.spec.ts'))).toBe(true);
  });

  it('the schematics binary passes the options nest g does not', () => {
    expect(outputs.status).toContain('CREATE src/errors/out-of-stock.exception.ts');
    expect(read('src/errors/error-codes.ts')).toContain(
      "OUT_OF_STOCK: { code: 6002, status: 409, message: 'Out of stock' },",
    );
    expect(existsSync(join(app, 'src/errors/out-of-stock.exception.spec.ts'))).toBe(false);
  });

  it('init --i18n turns translations on in AppModule and writes the English files and the assets entry', () => {
    expect(outputs.i18n).toContain('CREATE src/i18n/en/errors.json');
    expect(outputs.i18n).toContain('CREATE src/i18n/en/validation.json');
    const rootModule = read('src/app.module.ts');
    expect(rootModule).toContain("import { I18nModule, AcceptLanguageResolver, QueryResolver } from 'nestjs-i18n';");
    expect(rootModule).toContain('ErrorHandlingModule.forRoot({ i18n: true }), I18nModule.forRoot({');
    expect(JSON.parse(read('src/i18n/en/errors.json'))).toMatchObject({
      UNEXPECTED_ERROR: 'Unexpected error',
      PRODUCT_NOT_FOUND: 'Product not found',
      OUT_OF_STOCK: 'Out of stock',
    });
    expect(JSON.parse(read('nest-cli.json')).compilerOptions.assets).toEqual([
      { include: 'i18n/**/*', watchAssets: true },
    ]);
  });

  it('--dry-run reports the files without writing them', () => {
    const catalogue = read('src/errors/error-codes.ts');

    expect(nestGenerate('exception', 'order-gone', '--dry-run')).toContain('CREATE src/errors/order-gone.exception.ts');
    expect(existsSync(join(app, 'src/errors/order-gone.exception.ts'))).toBe(false);
    expect(read('src/errors/error-codes.ts')).toBe(catalogue);
  });

  it('an invalid name is refused with a clear message and nothing written', () => {
    const before = sourceSnapshot();

    expect(nestGenerate('exception', '404-page')).toContain('Invalid exception name "404-page"');
    expect(sourceSnapshot()).toEqual(before);
  });

  it('outside a Nest application it says so', () => {
    const plain = join(workspace, 'plain');
    mkdirSync(plain);
    writeFileSync(join(plain, 'package.json'), '{ "name": "plain" }\n');
    symlinkSync(join(app, 'node_modules'), join(plain, 'node_modules'), 'dir');

    expect(run(plain, NEST, 'g', '-c', 'nestjs-error-handling', 'init')).toContain('This is not a Nest application');
    expect(readdirSync(plain).sort()).toEqual(['node_modules', 'package.json']);
  });

  it('the generated app type-checks with tsc', () => {
    const result = spawnSync(process.execPath, [TSC, '-p', join(app, 'tsconfig.json')], { encoding: 'utf8' });

    expect(result.stdout).toBe('');
    expect(result.status).toBe(0);
  });

  describe('the generated app, booted', () => {
    let nestApp: INestApplication;

    beforeAll(async () => {
      const { AppModule } = (await import(pathToFileURL(join(app, 'src/app.module.ts')).href)) as {
        AppModule: new () => unknown;
      };
      const { ProductsController } = (await import(
        pathToFileURL(join(app, 'src/products/products.controller.ts')).href
      )) as {
        ProductsController: new () => unknown;
      };
      const moduleRef = await Test.createTestingModule({
        imports: [AppModule],
        controllers: [ProductsController],
      }).compile();
      nestApp = moduleRef.createNestApplication({ logger: false });
      await nestApp.init();
    });

    afterAll(() => nestApp?.close());

    it('answers a generated exception with its envelope', async () => {
      const response = await request(nestApp.getHttpServer()).get('/products/missing');

      expect(response.status).toBe(400);
      expect(response.body).toEqual({
        code: 6001,
        reason: 'PRODUCT_NOT_FOUND',
        message: 'Product 99 not found',
        details: { productId: 99 },
        requestId: response.headers['x-request-id'],
      });
      expect(response.body.requestId).toEqual(expect.any(String));
    });

    it('answers an error mapped by the generated filter with the envelope of its entry', async () => {
      const response = await request(nestApp.getHttpServer()).get('/products/ledger');

      expect(response.status).toBe(500);
      expect(response.body).toMatchObject({ code: 9000, reason: 'UNEXPECTED_ERROR', message: 'Unexpected error' });
    });

    it("answers in the request's language from the app's translation files", async () => {
      const response = await request(nestApp.getHttpServer()).get('/products/ledger').set('Accept-Language', 'de');

      expect(response.status).toBe(500);
      expect(response.body).toMatchObject({ reason: 'UNEXPECTED_ERROR', message: 'Unerwarteter Fehler' });
    });
  });
});
