import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

/** Every source file of the package and the relative modules it imports (type imports too). */
function importGraph(): Map<string, string[]> {
  const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.ts'));
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(join(SRC, file), 'utf8');
    const imported = [...text.matchAll(/from '(\.{1,2}\/[^']+)\.js'/g)].map(([, path]) =>
      relative(SRC, resolve(SRC, dirname(file), `${path}.ts`)),
    );
    graph.set(file, imported);
  }
  return graph;
}

describe('the layout of src/', () => {
  const graph = importGraph();

  it('has no import cycles', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (file: string, path: string[]): void => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'visiting') {
        cycles.push([...path.slice(path.indexOf(file)), file].join(' → '));
        return;
      }
      state.set(file, 'visiting');
      for (const next of graph.get(file) ?? []) visit(next, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of graph.keys()) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it('imports only files that exist, and every file is reachable from the barrel', () => {
    const reached = new Set<string>();
    const walk = (file: string): void => {
      if (reached.has(file)) return;
      reached.add(file);
      for (const next of graph.get(file) ?? []) walk(next);
    };
    walk('index.ts');
    const missing = [...graph.values()].flat().filter((file) => !graph.has(file));
    expect(missing).toEqual([]);
    expect([...graph.keys()].filter((file) => !reached.has(file))).toEqual([]);
  });

  it('keeps files in folders by stage and feature, with no hub imported by most of the tree', () => {
    const topLevel = [...graph.keys()].filter((file) => !file.includes('/')).sort();
    expect(topLevel).toEqual(['error-handling.module.ts', 'index.ts']);
    const importers = new Map<string, number>();
    for (const imported of graph.values()) {
      for (const file of new Set(imported)) importers.set(file, (importers.get(file) ?? 0) + 1);
    }
    // The types of a catalogue entry are the package's vocabulary: the one file allowed everywhere.
    const hubs = [...importers]
      .filter(([file, count]) => count > graph.size / 3 && file !== 'catalogue/catalogue.interfaces.ts')
      .map(([file]) => file);
    expect(hubs).toEqual([]);
  });
});
