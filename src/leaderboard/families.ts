// Organism families: the units the leaderboard resamples. Organisms that share a base model and a
// domain (e.g. every zoo cake_bake variant) or a registry ladder are one family: they are not
// independent evidence about a method.
import { getOrganism } from '../registry/index.ts';
import type { Organism } from '../registry/types.ts';

/** family id -> its organisms (in the given order); the id is the family's first organism. */
export function organismFamilies(
  ids: string[],
  lookup: (id: string) => Organism = (id) => getOrganism(id),
): Map<string, string[]> {
  const parent = new Map(ids.map((id) => [id, id]));
  const find = (id: string): string => (parent.get(id) === id ? id : find(parent.get(id)!));
  const union = (a: string, b: string) => parent.set(find(b), find(a));
  const byKey = new Map<string, string>();
  for (const id of ids) {
    const o = lookup(id);
    const keys = [`${o.base.id}|domain:${o.domain ?? o.id}`, ...o.groups.map((g) => `ladder:${g.ladder}`)];
    for (const key of keys) {
      const first = byKey.get(key);
      if (first === undefined) byKey.set(key, id);
      else union(first, id);
    }
  }
  const families = new Map<string, string[]>();
  for (const id of ids) {
    const root = find(id);
    families.set(root, [...(families.get(root) ?? []), id]);
  }
  return families;
}
