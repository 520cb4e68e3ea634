// No import cycles in harness/: type-only and dynamic imports count, as TypeScript's
// own import scanner (ts.preProcessFile) reports them.
import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { ROOT } from './fixtures/util.ts';

type Graph = Map<string, string[]>;

function importGraph(dir: string): Graph {
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => join(dir, f));
  return new Map(files.map((file) => {
    const imports = ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles
      .map((i) => i.fileName)
      .filter((name) => name.startsWith('.'))
      .map((name) => resolve(dirname(file), name));
    return [file, imports];
  }));
}

/** Every cycle found by a depth-first walk, each as the files along it, first file repeated at the end. */
function cycles(graph: Graph): string[][] {
  const found: string[][] = [];
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (file: string) => {
    const at = path.indexOf(file);
    if (at >= 0) return void found.push([...path.slice(at), file]);
    if (done.has(file)) return;
    path.push(file);
    for (const next of graph.get(file) ?? []) visit(next);
    path.pop();
    done.add(file);
  };
  for (const file of graph.keys()) visit(file);
  return found;
}

t.test('the cycle finder finds a type-only cycle through three files', async (t) => {
  const graph = importGraph(join(ROOT, 'test/fixtures/import-cycle'));
  t.same(cycles(graph).map((c) => c.map((f) => relative(ROOT, f))), [[
    'test/fixtures/import-cycle/a.ts', 'test/fixtures/import-cycle/b.ts', 'test/fixtures/import-cycle/c.ts', 'test/fixtures/import-cycle/a.ts',
  ]]);
});

t.test('harness/ has no import cycle', async (t) => {
  const graph = importGraph(join(ROOT, 'harness'));
  t.ok(graph.size > 50, 'the harness sources were found');
  t.same(cycles(graph).map((c) => c.map((f) => relative(ROOT, f)).join(' -> ')), []);
});
