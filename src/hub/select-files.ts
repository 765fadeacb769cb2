// Which files of a repo a run needs: weights, config and tokenizer for a model; the adapter for a
// LoRA repo; data files for a dataset. Pickle weights are never loaded.
import { HubError } from './errors.ts';

export type RepoKind = 'model' | 'adapter' | 'dataset';

const MODEL_FILES = new Set([
  'config.json',
  'generation_config.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
  'chat_template.jinja',
  'chat_template.json',
  'model.safetensors.index.json',
]);
const ADAPTER_FILES = new Set(['adapter_config.json', 'adapter_model.safetensors']);
const PICKLE = /\.(bin|pt|pth|ckpt|pkl)$/;
const DATA = /\.(parquet|jsonl|jsonl\.gz|json\.gz|json)$/;

/** Match a path against a simple glob: `*` matches within one path segment, `**` across segments. */
function globMatch(pattern: string, path: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*\*\/?/g, '\u0000')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is the placeholder for '**/' set above
    .replace(/\u0000/g, '(?:.*/)?.*');
  return new RegExp(`^${re}$`).test(path);
}

/**
 * Pick the needed files from `all` (paths relative to the folder being resolved).
 * `patterns` (globs) override the default choice. Throws when a model or adapter has only pickle weights.
 */
export function selectFiles(all: string[], kind: RepoKind, what: string, patterns?: string[]): string[] {
  if (patterns && patterns.length > 0) {
    const picked = all.filter((f) => patterns.some((p) => globMatch(p, f)));
    if (picked.length === 0) {
      throw new HubError(`repo or file not found: ${what} has no file matching ${patterns.join(', ')}`, 'not-found');
    }
    return picked;
  }
  if (kind === 'dataset') {
    const data = all.filter((f) => DATA.test(f) && !f.startsWith('.'));
    if (data.length === 0) throw new HubError(`${what} has no parquet/jsonl/json data files`, 'not-found');
    return data;
  }
  const top = all.filter((f) => !f.includes('/'));
  const safetensors = top.filter((f) => f.endsWith('.safetensors'));
  const pickles = top.filter((f) => PICKLE.test(f));
  if (kind === 'adapter') {
    if (!top.includes('adapter_config.json')) {
      throw new HubError(
        `repo or file not found: ${what} has no adapter_config.json (is it a full model? use kind 'model')`,
        'not-found',
      );
    }
    if (!top.includes('adapter_model.safetensors')) {
      throw refusePickle(what, pickles);
    }
    return top.filter((f) => ADAPTER_FILES.has(f) || MODEL_FILES.has(f));
  }
  if (!top.includes('config.json')) {
    throw new HubError(`repo or file not found: ${what} has no config.json`, 'not-found');
  }
  if (safetensors.length === 0) throw refusePickle(what, pickles);
  return top.filter((f) => MODEL_FILES.has(f) || f.endsWith('.safetensors'));
}

function refusePickle(what: string, pickles: string[]): HubError {
  if (pickles.length > 0) {
    return new HubError(
      `${what} has only pickle weights (${pickles.join(', ')}); DiffBench loads safetensors only, because ` +
        `unpickling runs arbitrary code. Convert the checkpoint to safetensors first.`,
      'pickle',
    );
  }
  return new HubError(`repo or file not found: ${what} has no .safetensors weights`, 'not-found');
}

/**
 * What a cached snapshot lacks for a run of this kind, or null when it holds everything (cache-only use).
 * `shardIndex` lists the shards named by model.safetensors.index.json when the snapshot has one.
 */
export function missingFromSnapshot(
  present: string[],
  kind: RepoKind,
  patterns: string[] | undefined,
  shardIndex?: string[],
): string | null {
  const has = new Set(present);
  if (patterns && patterns.length > 0) {
    const absent = patterns.filter((p) => !present.some((f) => globMatch(p, f)));
    return absent.length > 0 ? absent.join(', ') : null;
  }
  if (kind === 'dataset') return present.some((f) => DATA.test(f)) ? null : 'a parquet/jsonl data file';
  if (kind === 'adapter') {
    const absent = [...ADAPTER_FILES].filter((f) => !has.has(f));
    return absent.length > 0 ? absent.join(', ') : null;
  }
  if (!has.has('config.json')) return 'config.json';
  if (shardIndex) {
    const absent = shardIndex.filter((f) => !has.has(f));
    return absent.length > 0 ? absent.join(', ') : null;
  }
  return present.some((f) => !f.includes('/') && f.endsWith('.safetensors')) ? null : 'model.safetensors';
}
