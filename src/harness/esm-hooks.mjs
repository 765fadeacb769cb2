// Node module hooks (registered by load-method.ts) that load a researcher's TypeScript method file as an
// ES module wherever it lives. Node (and tsx, which follows Node) treats a .ts file as CommonJS unless
// the nearest package.json says "type": "module"; a method file in a folder without one would then fail on
// top-level await or import.meta. Here such a file, and the local files it imports, resolve as ESM.
// Files under node_modules, and folders whose package.json names a "type" (either one), are left alone.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const TS = /\.(ts|tsx)$/;
const declared = new Map();

/** The "type" of the nearest package.json above `dir`, or null when none says. */
function packageType(dir) {
  if (declared.has(dir)) return declared.get(dir);
  let type = null;
  const pkg = join(dir, 'package.json');
  if (existsSync(pkg)) {
    try {
      type = JSON.parse(readFileSync(pkg, 'utf8')).type ?? null;
    } catch {
      type = null;
    }
  } else if (dirname(dir) !== dir) type = packageType(dirname(dir));
  declared.set(dir, type);
  return type;
}

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  if (!resolved.url.startsWith('file:')) return resolved;
  const file = fileURLToPath(resolved.url);
  if (!TS.test(file) || file.includes(`${'/'}node_modules${'/'}`) || file.includes('\\node_modules\\')) return resolved;
  if (packageType(dirname(file)) !== null) return resolved;
  return { ...resolved, format: 'module' };
}
