import { Tree } from '@angular-devkit/schematics';
import * as ts from 'typescript';

/** Text to insert at a position of a file's original content. */
export interface Insertion {
  readonly position: number;
  readonly text: string;
}

/** Parses a TypeScript file of the tree, or undefined when there is none. */
export function readSourceFile(tree: Tree, path: string): ts.SourceFile | undefined {
  const buffer = tree.read(path);
  if (buffer === null) {
    return undefined;
  }
  return ts.createSourceFile(path, buffer.toString('utf8'), ts.ScriptTarget.Latest, true);
}

/** Applies insertions computed against one parse of the file, leaving every other byte as it was. */
export function applyInsertions(tree: Tree, path: string, insertions: readonly Insertion[]): void {
  if (insertions.length === 0) {
    return;
  }
  const recorder = tree.beginUpdate(path);
  for (const { position, text } of insertions) {
    recorder.insertLeft(position, text);
  }
  tree.commitUpdate(recorder);
}

/**
 * Appends items to a comma-separated list (array literal, object literal, named imports) in the
 * list's own layout: a multi-line list gets one item a line at its last item's indentation, and
 * a trailing comma stays trailing.
 */
export function appendToList(
  source: ts.SourceFile,
  list: ts.Node,
  elements: ts.NodeArray<ts.Node>,
  items: readonly string[],
): Insertion {
  const open = list.getStart(source);
  const last = elements[elements.length - 1];
  if (last === undefined) {
    const padding = source.text[open] === '{' ? ' ' : '';
    return { position: open + 1, text: `${padding}${items.join(', ')}${padding}` };
  }
  const lastStart = last.getStart(source);
  const multiLine = lineOf(source, lastStart) !== lineOf(source, open);
  const separator = multiLine ? `\n${indentationAt(source, lastStart)}` : ' ';
  if (elements.hasTrailingComma) {
    const comma = source.text.indexOf(',', last.getEnd());
    return { position: comma + 1, text: items.map((item) => `${separator}${item},`).join('') };
  }
  return { position: last.getEnd(), text: items.map((item) => `,${separator}${item}`).join('') };
}

function lineOf(source: ts.SourceFile, position: number): number {
  return source.getLineAndCharacterOfPosition(position).line;
}

function indentationAt(source: ts.SourceFile, position: number): string {
  const lineStart = source.getPositionOfLineAndCharacter(lineOf(source, position), 0);
  return /^[ \t]*/.exec(source.text.slice(lineStart, position))?.[0] ?? '';
}
