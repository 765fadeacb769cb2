// The code a cached artifact was produced by, as a hash of sources: a module and every file it imports by a
// relative or absolute path, transitively (static imports, re-exports, dynamic import() of a string literal,
// require() and `new URL('./x', import.meta.url)`). Type-only imports are left out: they change no output.
// Packages (bare specifiers, node:) are not followed. Method outputs and every ADL step are keyed by
// their inputs and this hash, so editing a helper they import recomputes them.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sha256 } from './results/hash.ts';

const SPECIFIERS = [
  /\b(?:import|export)\s+(?!type\b)(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/g,
  /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  /\bnew\s+URL\s*\(\s*['"]([^'"]+)['"]\s*,\s*import\.meta\.url\s*\)/g,
];
const EXTENSIONS = ['', '.ts', '.tsx', '.mts', '.js', '.mjs', '.json', '/index.ts', '/index.js'];

/** Strips comments so commented-out imports do not count (string contents are left as they are). */
function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

/** Local specifiers of one file, resolved to existing files. */
function importsOf(file: string): string[] {
  if (!/\.(ts|tsx|mts|cts|js|mjs|cjs)$/.test(file)) return [];
  const source = stripComments(readFileSync(file, 'utf8'));
  const out: string[] = [];
  for (const pattern of SPECIFIERS)
    for (const m of source.matchAll(pattern)) {
      const spec = m[1];
      if (!spec.startsWith('.') && !isAbsolute(spec) && !spec.startsWith('file:')) continue;
      const target = spec.startsWith('file:') ? new URL(spec).pathname : resolve(dirname(file), spec);
      // TypeScript's NodeNext style: './x.js' names './x.ts'
      const candidates = [
        ...EXTENSIONS.map((e) => target + e),
        target.replace(/\.js$/, '.ts'),
        target.replace(/\.mjs$/, '.mts'),
      ];
      const found = candidates.find((c) => existsSync(c) && statSync(c).isFile());
      if (found) out.push(found);
    }
  return out;
}

/** The entry file and every local file it imports, transitively; sorted. */
export function methodSourceFiles(entry: string): string[] {
  const seen = new Set<string>();
  const stack = [resolve(entry)];
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    stack.push(...importsOf(file));
  }
  return [...seen].sort();
}

/**
 * sha256 (12 hex digits) over the method's source files (paths relative to the entry's folder, so a moved
 * checkout keys the same) and, optionally, every file of extra folders (data files a method reads, e.g. prompts).
 */
export function hashMethodSources(entry: string, extraFolders: string[] = []): string {
  const root = dirname(resolve(entry));
  const files = new Set(methodSourceFiles(entry));
  for (const folder of extraFolders) for (const f of listFiles(folder)) files.add(f);
  const lines = [...files].sort().map((f) => `${relative(root, f)}:${sha256(readFileSync(f, 'utf8'))}`);
  return sha256(lines.join('\n')).slice(0, 12);
}

function listFiles(folder: string): string[] {
  if (!existsSync(folder)) return [];
  if (!statSync(folder).isDirectory()) return [folder];
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .map((f) => join(folder, f))
    .filter((f) => statSync(f).isFile());
}

/** What produced an artifact: modules with everything they import, and single files without their imports. */
export interface CodeSpec {
  modules: (string | URL)[];
  files?: (string | URL)[];
}

const memo = new Map<string, { files: string[]; stamps: string; hash: string }>();

const pathOf = (p: string | URL) => resolve(typeof p === 'string' ? p : fileURLToPath(p));
const stamp = (f: string) => {
  if (!existsSync(f)) return 'missing';
  const st = statSync(f);
  return `${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
};

/**
 * sha256 (hex) over the sources of `spec` (paths relative to the first module's folder, so a moved checkout
 * keys the same). Memoised per process, and recomputed when any of its files' size or times change.
 */
export function hashCode(spec: CodeSpec): string {
  const modules = spec.modules.map(pathOf);
  const single = (spec.files ?? []).map(pathOf);
  const key = JSON.stringify([modules, single]);
  const known = memo.get(key);
  if (known && known.files.map(stamp).join('\n') === known.stamps) return known.hash;
  const files = [...new Set([...modules.flatMap(methodSourceFiles), ...single])].sort();
  // stamped before reading: a file edited while it is read gets a new stamp, so the next call rehashes
  const stamps = files.map(stamp).join('\n');
  const root = dirname(modules[0] ?? single[0]);
  const hash = sha256(files.map((f) => `${relative(root, f)}:${sha256(readFileSync(f, 'utf8'))}`).join('\n'));
  memo.set(key, { files, stamps, hash });
  return hash;
}
