// The organism registry: organisms/registry/**/<id>.json, each validated against
// organisms/schema/organism.schema.json. The file path is the id, so ids are unique by construction.
import { InputError } from '../errors.ts';
import { readdirSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { REPO_ROOT } from '../paths.ts';
import { Ajv, type ErrorObject } from 'ajv';
import type { Organism } from './types.ts';

export interface Registry {
  root: string;
  organisms: Map<string, Organism>;
}

function describeError(e: ErrorObject): string {
  const field = e.instancePath || '(top level)';
  if (e.keyword === 'additionalProperties')
    return `${field}: unknown field '${(e.params as { additionalProperty: string }).additionalProperty}'`;
  if (e.keyword === 'required')
    return `${field}: missing field '${(e.params as { missingProperty: string }).missingProperty}'`;
  if (e.keyword === 'enum')
    return `${field} must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
  return `${field} ${e.message}`;
}

let validator: ReturnType<Ajv['compile']> | undefined;
function validate(root: string) {
  if (!validator) {
    const schema = JSON.parse(readFileSync(join(root, 'organisms/schema/organism.schema.json'), 'utf8'));
    validator = new Ajv({ allErrors: true }).compile(schema);
  }
  return validator;
}

/** Parse and validate one registry file; `relative` is its path under organisms/registry. */
export function parseOrganismFile(path: string, relative: string, root = REPO_ROOT): Organism {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`${path}: not valid JSON (${(err as Error).message})`);
  }
  const check = validate(root);
  if (!check(data)) {
    // oneOf failures repeat every branch's complaint; the most specific ones come first.
    const messages = [...new Set((check.errors ?? []).filter((e) => e.keyword !== 'oneOf').map(describeError))];
    throw new Error(`${path}: does not match organisms/schema/organism.schema.json: ${messages.join('; ')}`);
  }
  const organism = data as Organism;
  const expectedId = relative.replace(/\.json$/, '');
  if (organism.id !== expectedId) {
    throw new Error(`${path}: /id is '${organism.id}' but the file's place in organisms/registry says '${expectedId}'`);
  }
  return organism;
}

const loaded = new Map<string, Registry>();

/** Reads and validates every registry file (once per root; pass fresh=true to re-read). */
export function loadRegistry(root = REPO_ROOT, fresh = false): Registry {
  const cached = loaded.get(root);
  if (cached && !fresh) return cached;
  const folder = join(root, 'organisms/registry');
  const files = readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .map((f) => f.split(sep).join('/'))
    .filter((f) => f.endsWith('.json'))
    .sort();
  const organisms = new Map<string, Organism>();
  for (const relative of files) {
    const organism = parseOrganismFile(join(folder, relative), relative, root);
    organisms.set(organism.id, organism);
  }
  const registry = { root, organisms };
  loaded.set(root, registry);
  return registry;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** Up to `k` registered ids closest to `id`: ids containing it first, then by edit distance. */
export function closeIds(id: string, ids: Iterable<string>, k = 5): string[] {
  const q = id.toLowerCase();
  return [...ids]
    .map((candidate) => {
      const c = candidate.toLowerCase();
      const contains = c.includes(q) || q.includes(c.split('/').pop() ?? c);
      return { candidate, score: (contains ? 0 : 1000) + editDistance(q, c) };
    })
    .sort((x, y) => x.score - y.score || x.candidate.localeCompare(y.candidate))
    .slice(0, k)
    .map((x) => x.candidate);
}

export function getOrganism(id: string, registry: Registry = loadRegistry()): Organism {
  const organism = registry.organisms.get(id);
  if (organism) return organism;
  const suggestions = closeIds(id, registry.organisms.keys());
  throw new InputError(
    `unknown organism '${id}'; did you mean: ${suggestions.join(', ')}? (npm run organisms lists all)`,
  );
}
