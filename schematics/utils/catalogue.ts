import { join, normalize } from '@angular-devkit/core';
import { SchematicsException, Tree } from '@angular-devkit/schematics';
import * as ts from 'typescript';
import { appendToList, Insertion, readSourceFile } from './source-file';

/**
 * The library's own codes are 1100–2004, status × 10 (4010–5990) and 9000 upwards; app entries
 * start here so that generated codes never collide with them when defineErrorCodes checks.
 */
const FIRST_APP_CODE = 6001;

/** Where `init` writes the app's catalogue, and where `exception` and `filter` look for it. */
export function cataloguePath(sourceRoot = 'src'): string {
  return join(normalize(sourceRoot), 'errors', 'error-codes.ts');
}

/** The app's catalogue file: an exported `const AppError = defineErrorCodes({...})`. */
export class Catalogue {
  constructor(
    readonly path: string,
    /** The exported constant, e.g. `AppError`. */
    readonly name: string,
    private readonly source: ts.SourceFile,
    private readonly definitions: ts.ObjectLiteralExpression,
  ) {}

  /** Whether the catalogue spreads the library's `ErrorCode`, so that every default entry is in it. */
  get extendsDefaults(): boolean {
    return this.definitions.properties.some(
      (property) => ts.isSpreadAssignment(property) && property.expression.getText(this.source) === 'ErrorCode',
    );
  }

  /** Whether the file itself defines the entry (not through a spread). */
  defines(key: string): boolean {
    return this.ownEntries().some((entry) => this.keyOf(entry) === key);
  }

  /** `[key, message]` for each entry of its own whose message is a string literal. */
  messages(): Array<[string, string]> {
    return this.ownEntries().flatMap((entry): Array<[string, string]> => {
      const message = this.propertyOf(entry, 'message');
      return message !== undefined && ts.isStringLiteralLike(message.initializer)
        ? [[this.keyOf(entry), message.initializer.text]]
        : [];
    });
  }

  /** Whether `AppError.<key>` names an entry: one of its own, or a default it spreads. */
  has(key: string): boolean {
    return this.defines(key) || this.extendsDefaults;
  }

  /** Adds an entry with the next free app code, in the layout of the entries around it. */
  addEntry(key: string, status: number, message: string): Insertion {
    const entry = `${key}: { code: ${this.nextCode()}, status: ${status}, message: '${message}' }`;
    return appendToList(this.source, this.definitions, this.definitions.properties, [entry]);
  }

  private nextCode(): number {
    const codes = this.ownEntries().flatMap((entry) => {
      const code = this.propertyOf(entry, 'code');
      return code !== undefined && ts.isNumericLiteral(code.initializer) ? [Number(code.initializer.text)] : [];
    });
    return Math.max(FIRST_APP_CODE - 1, ...codes) + 1;
  }

  private keyOf({ name }: ts.PropertyAssignment): string {
    return ts.isIdentifier(name) || ts.isStringLiteral(name) ? name.text : name.getText(this.source);
  }

  /** A property of an entry's `{ code, status, message }` literal. */
  private propertyOf(entry: ts.PropertyAssignment, name: string): ts.PropertyAssignment | undefined {
    return ts.isObjectLiteralExpression(entry.initializer)
      ? entry.initializer.properties.find(
          (property): property is ts.PropertyAssignment =>
            ts.isPropertyAssignment(property) && property.name.getText(this.source) === name,
        )
      : undefined;
  }

  private ownEntries(): ts.PropertyAssignment[] {
    return this.definitions.properties.filter(ts.isPropertyAssignment);
  }
}

/** Reads the catalogue file, or undefined when the app has none. */
export function readCatalogue(tree: Tree, path: string): Catalogue | undefined {
  const source = readSourceFile(tree, path);
  if (source === undefined) {
    return undefined;
  }
  for (const statement of source.statements) {
    const exported =
      ts.canHaveModifiers(statement) &&
      ts.getModifiers(statement)?.some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword);
    if (!exported || !ts.isVariableStatement(statement)) {
      continue;
    }
    for (const declaration of statement.declarationList.declarations) {
      const call = declaration.initializer;
      if (
        call !== undefined &&
        ts.isCallExpression(call) &&
        call.expression.getText(source) === 'defineErrorCodes' &&
        call.arguments[0] !== undefined &&
        ts.isObjectLiteralExpression(call.arguments[0]) &&
        ts.isIdentifier(declaration.name)
      ) {
        return new Catalogue(path, declaration.name.text, source, call.arguments[0]);
      }
    }
  }
  throw new SchematicsException(
    `${path} has no "export const … = defineErrorCodes({...})": the schematics read the app's catalogue from it.`,
  );
}
