// The one-way architecture: src/ is the library; graders/ and baselines/ depend on it, never the
// other way round; only the composition layer (src/cli/) picks concrete graders and baselines.
// Every import of every .ts file is resolved to the file it names and checked against the rules.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name.startsWith('.')) return [];
    if (statSync(path).isDirectory()) return tsFiles(path);
    return /\.(ts|mts)$/.test(name) ? [path] : [];
  });
}

/** Module specifiers of static imports/exports, dynamic import('...') and new URL('...', import.meta.url). */
// biome-ignore lint/suspicious/noExportsInTest: the import parser is tested by its own test file
export function importsOf(source: string): string[] {
  const patterns = [
    /\b(?:import|export)\s[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\bnew URL\(\s*['"]([^'"]+)['"]\s*,\s*import\.meta\.url\s*\)/g,
  ];
  return patterns.flatMap((re) => [...source.matchAll(re)].map((m) => m[1]));
}

/** Repository-relative path (with '/') of a relative specifier; undefined for packages and node: builtins. */
function target(file: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  return relative(ROOT, resolve(dirname(file), spec))
    .split(sep)
    .join('/');
}

interface Edge {
  from: string;
  to: string;
}

function edges(folders: string[]): Edge[] {
  return folders.flatMap((folder) =>
    tsFiles(join(ROOT, folder)).flatMap((file) =>
      importsOf(readFileSync(file, 'utf8'))
        .map((spec) => target(file, spec))
        .filter((to): to is string => to !== undefined)
        .map((to) => ({ from: relative(ROOT, file).split(sep).join('/'), to })),
    ),
  );
}

const under = (path: string, folder: string) => path === folder || path.startsWith(`${folder}/`);

/**
 * The layers, lowest first: a module may import its own layer and those below, never one above. A path
 * belongs to the layer of its longest matching entry (so the results folder's atomic writes and hashes
 * sit in the foundation while the result files themselves sit above the runtime).
 */
const LAYERS: string[][] = [
  [
    'src/errors.ts',
    'src/paths.ts',
    'src/merge-config.ts',
    'src/vector.ts',
    'src/xorshift.ts',
    'src/code-hash.ts',
    'src/secrets.ts',
    'src/results/atomic.ts',
    'src/results/hash.ts',
  ],
  ['src/onnx', 'src/tokenizer', 'src/hub'],
  ['src/runtime', 'src/data'],
  ['src/method', 'src/results', 'src/toolkit'],
  ['src/metrics', 'src/registry', 'src/llm', 'src/conformance', 'src/perf'],
  ['src/adl', 'src/agent', 'graders'],
  ['src/methods', 'src/llm-tier', 'baselines'],
  ['src/harness'],
  ['src/leaderboard'],
  ['src/cli'],
];

function layerOf(path: string): number | undefined {
  let best: { layer: number; length: number } | undefined;
  LAYERS.forEach((entries, layer) => {
    for (const entry of entries)
      if (under(path, entry) && (!best || entry.length > best.length)) best = { layer, length: entry.length };
  });
  return best?.layer;
}

/** Imports that run upward: from a module to one in a higher layer. */
function upwardImports(all: Edge[]): string[] {
  return all
    .filter((e) => {
      const from = layerOf(e.from);
      const to = layerOf(e.to);
      return from !== undefined && to !== undefined && to > from;
    })
    .map((e) => `${e.from} (layer ${layerOf(e.from)}) -> ${e.to} (layer ${layerOf(e.to)})`);
}

describe('one-way architecture', () => {
  it('finds the imports it checks (the parser is not blind)', () => {
    expect(
      importsOf(
        `import a from '../x.ts';\nimport type { B } from "./y.ts";\nexport * from '../z.ts';\nimport './side.ts';\nawait import('../dyn.ts');\nnew URL('../u.ts', import.meta.url);`,
      ),
    ).toEqual(['../x.ts', './y.ts', '../z.ts', './side.ts', '../dyn.ts', '../u.ts']);
    const all = edges(['src']);
    expect(all.some((e) => e.from === 'src/cli/compose.ts' && under(e.to, 'graders'))).toBe(true);
    expect(all.length).toBeGreaterThan(300);
  });

  it('src/ outside the composition layer (src/cli/) imports nothing from graders/, baselines/, benchmark/, reports/ or src/cli/', () => {
    const bad = edges(['src'])
      .filter((e) => !under(e.from, 'src/cli'))
      .filter((e) => ['graders', 'baselines', 'benchmark', 'reports', 'src/cli'].some((f) => under(e.to, f)));
    expect(bad.map((e) => `${e.from} -> ${e.to}`)).toEqual([]);
  });

  it('graders/ and baselines/ depend on the library, never on the composition layer or the suites', () => {
    const bad = edges(['graders', 'baselines']).filter((e) =>
      ['src/cli', 'benchmark', 'reports'].some((f) => under(e.to, f)),
    );
    expect(bad.map((e) => `${e.from} -> ${e.to}`)).toEqual([]);
  });

  it('graders/ and baselines/ do not import each other', () => {
    const bad = [
      ...edges(['graders']).filter((e) => under(e.to, 'baselines')),
      ...edges(['baselines']).filter((e) => under(e.to, 'graders')),
    ];
    expect(bad.map((e) => `${e.from} -> ${e.to}`)).toEqual([]);
  });
});

describe('layers', () => {
  const LAYERED = ['src', 'graders', 'baselines'];

  it('places every module in a layer', () => {
    const unplaced = LAYERED.flatMap((folder) => tsFiles(join(ROOT, folder)))
      .map((file) => relative(ROOT, file).split(sep).join('/'))
      .filter((path) => layerOf(path) === undefined);
    expect(unplaced).toEqual([]);
  });

  it('finds an upward import (the rule is not blind)', () => {
    const planted = [
      { from: 'src/runtime/model.ts', to: 'src/harness/run.ts' },
      { from: 'src/results/hash.ts', to: 'src/results/types.ts' },
      { from: 'src/harness/run.ts', to: 'src/runtime/model.ts' },
    ];
    expect(upwardImports(planted)).toEqual([
      'src/runtime/model.ts (layer 2) -> src/harness/run.ts (layer 7)',
      'src/results/hash.ts (layer 0) -> src/results/types.ts (layer 3)',
    ]);
  });

  it('no module imports a layer above its own', () => {
    expect(upwardImports(edges(LAYERED))).toEqual([]);
  });
});

describe('one name per concept', () => {
  it('no two modules export an interface, type or class of the same name', () => {
    const owners = new Map<string, string[]>();
    for (const file of ['src', 'graders', 'baselines'].flatMap((f) => tsFiles(join(ROOT, f))))
      for (const m of readFileSync(file, 'utf8').matchAll(/^export (?:interface|type|class) (\w+)/gm))
        owners.set(m[1], [...(owners.get(m[1]) ?? []), relative(ROOT, file).split(sep).join('/')]);
    const shared = [...owners]
      .filter(([, files]) => files.length > 1)
      .map(([name, files]) => `${name}: ${files.join(', ')}`);
    expect(shared).toEqual([]);
  });
});
