// Builds the schematics collection: CommonJS factories (the devkit require()s them) plus the
// collection, schemas and templates they read at run time.
// Usage: node schematics/build.mjs [outDir]   (default: dist/schematics; only that folder is replaced)
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const sourceDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = dirname(sourceDir);
const outDir = resolve(process.argv[2] ?? join(repoRoot, 'dist', 'schematics'));

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

const tsc = join(repoRoot, 'node_modules', '.bin', 'tsc');
const compiled = spawnSync(tsc, ['-p', join(sourceDir, 'tsconfig.json'), '--outDir', outDir], {
  stdio: 'inherit',
});
if (compiled.status !== 0) {
  process.exit(compiled.status ?? 1);
}

// What the devkit reads besides the factories: the collection, each schema and each template.
const isRuntimeAsset = (path) =>
  statSync(path).isDirectory() ||
  path.split(sep).includes('files') ||
  (path.endsWith('.json') && basename(path) !== 'tsconfig.json');
cpSync(sourceDir, outDir, { recursive: true, filter: isRuntimeAsset });

// The library is ESM; this folder must not inherit its "type": "module".
writeFileSync(join(outDir, 'package.json'), `${JSON.stringify({ type: 'commonjs' }, null, 2)}\n`);

// `init --i18n` writes a translation key per entry of the library's catalogue: their messages,
// read from its one definition (src/catalogue/error-codes.ts) rather than kept in a copy.
writeFileSync(join(outDir, 'init', 'catalogue-messages.json'), `${JSON.stringify(catalogueMessages(), null, 2)}\n`);

/** `{ REASON: message }` for each entry of `ErrorCode = defineErrorCodes({...})`. */
function catalogueMessages() {
  const path = join(repoRoot, 'src', 'catalogue', 'error-codes.ts');
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  let definitions;
  const visit = (node) => {
    if (
      ts.isVariableDeclaration(node) &&
      node.name.getText(source) === 'ErrorCode' &&
      node.initializer !== undefined &&
      ts.isCallExpression(node.initializer)
    ) {
      definitions = node.initializer.arguments[0];
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  const messages = {};
  for (const entry of definitions?.properties ?? []) {
    const message = ts.isObjectLiteralExpression(entry.initializer)
      ? entry.initializer.properties.find((property) => property.name?.getText(source) === 'message')
      : undefined;
    if (message === undefined || !ts.isStringLiteralLike(message.initializer)) {
      throw new Error(`${path}: ${entry.name.getText(source)} has no string message`);
    }
    messages[entry.name.getText(source)] = message.initializer.text;
  }
  if (Object.keys(messages).length === 0) throw new Error(`${path}: no ErrorCode = defineErrorCodes({...}) found`);
  return messages;
}
