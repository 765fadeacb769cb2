// Which modules a PEFT LoRA adapter applies to, by PEFT's own rules (peft.tuners.tuners_utils
// check_target_module_exists), and which base model it was trained on.
//   target_modules: a list matches a module whose name equals an entry or ends with '.' + entry; a string is
//     a regex that must match the whole name; 'all-linear' is every decoder linear; absent = every tensor present;
//   exclude_modules (same two forms) wins;
//   layers_to_transform (int or list) keeps list-matched modules of those layer indices (the number after
//     layers_pattern, or after any path component when no pattern is given).
// PEFT builds LoRA layers for targeted modules only, so tensors of other modules are never applied; DiffBench
// ignores them too, and says so (PEFT silently drops them).
import path from 'node:path';

type Patterns = string | string[] | null | undefined;

const fullMatch = (re: string, key: string) => new RegExp(`^(?:${re})$`).test(key);

function matchesAny(patterns: Patterns, key: string): boolean {
  if (typeof patterns === 'string') return fullMatch(patterns, key);
  return (patterns ?? []).some((t) => key === t || key.endsWith(`.${t}`));
}

function layerIndex(key: string, layersPattern: Patterns): number | undefined {
  const patterns =
    layersPattern == null || layersPattern.length === 0
      ? ['[^.]*']
      : typeof layersPattern === 'string'
        ? [layersPattern]
        : layersPattern;
  for (const p of patterns) {
    const m = new RegExp(`^.*\\.${p}\\.(\\d+)\\.`).exec(key);
    if (m) return Number(m[1]);
  }
  return undefined;
}

/** Does an adapter with this adapter_config.json apply LoRA to module `key` (e.g. 'model.layers.0.self_attn.q_proj')? */
export function isTargeted(config: Record<string, any>, key: string): boolean {
  if (matchesAny(config.exclude_modules, key)) return false;
  const targets = config.target_modules as Patterns;
  if (targets == null) return true;
  if (targets === 'all-linear') return true; // the runtime only maps decoder linears; lm_head is excluded by PEFT too
  if (typeof targets === 'string') return fullMatch(targets, key);
  if (targets.includes(key)) return true;
  if (!matchesAny(targets, key)) return false;
  const layers = config.layers_to_transform as number | number[] | null | undefined;
  if (layers == null || (Array.isArray(layers) && layers.length === 0)) return true;
  const i = layerIndex(key, config.layers_pattern);
  if (i === undefined) return false;
  return Array.isArray(layers) ? layers.includes(i) : layers === i;
}

/** Lower-cased last path segment of a Hub id or folder ('Qwen/Qwen3-1.7B' -> 'qwen3-1.7b'). */
export function modelName(idOrPath: string): string {
  return idOrPath
    .replace(/[\\/]+$/, '')
    .split(/[\\/]/)
    .pop()!
    .toLowerCase();
}

/**
 * The names a loaded base model goes by: its folder's name, the Hub id of a Hugging Face cache snapshot
 * (…/models--org--name/snapshots/<sha>), and config.json's _name_or_path.
 */
export function baseModelNames(modelDir: string, config: Record<string, unknown>): string[] {
  const parts = path.resolve(modelDir).split(path.sep);
  const names = new Set<string>();
  const snap = parts.lastIndexOf('snapshots');
  if (snap > 0 && parts[snap - 1].startsWith('models--'))
    names.add(modelName(parts[snap - 1].slice('models--'.length).split('--').join('/')));
  else names.add(modelName(modelDir));
  if (typeof config._name_or_path === 'string' && config._name_or_path) names.add(modelName(config._name_or_path));
  return [...names];
}
