// Loads an embedding checkpoint (default: the paper's Qwen/Qwen3-Embedding-0.6B) through DiffBench's own
// runtime and tokenizer as a TextEmbedder. A Hub id is fetched once into the Hugging Face cache like any
// model (HF_HUB_OFFLINE=1 keeps it to the cache); a local folder works the same way.
import { resolveModel } from '../../src/hub/resolve.ts';
import type { LoadOptions } from '../../src/runtime/types.ts';
import { loadModel } from '../../src/runtime/index.ts';
import { loadTokenizer } from '../../src/tokenizer/index.ts';
import { ModelTextEmbedder, type ModelEmbedderOptions } from './model-embedder.ts';

/** The toolkit's embedding model for the steering-similarity series (docs/toolkit.md#steering-similarity). */
export const PAPER_EMBEDDING_MODEL = 'Qwen/Qwen3-Embedding-0.6B';

export interface LoadedEmbedder {
  embedder: ModelTextEmbedder;
  /** Where the checkpoint came from: the Hub id and commit, or the folder. */
  source: { id: string; commit: string | null; path: string };
  dispose(): Promise<void>;
}

export async function loadModelEmbedder(
  location: string = PAPER_EMBEDDING_MODEL,
  opts: Pick<LoadOptions, 'cacheDir' | 'threads' | 'device'> &
    Pick<ModelEmbedderOptions, 'instruction' | 'maxTokens' | 'batchTokens' | 'progress'> = {},
): Promise<LoadedEmbedder> {
  const resolved = await resolveModel(location);
  const tokenizer = loadTokenizer(resolved.path);
  // only the final hidden state is read: no early exit
  const model = await loadModel(resolved.path, {
    cacheDir: opts.cacheDir,
    threads: opts.threads,
    device: opts.device,
    exitLayers: [],
  });
  const padId = tokenizer.padTokenId ?? tokenizer.eosTokenIds[0] ?? 0;
  const name = resolved.commit ? `${location}@${resolved.commit.slice(0, 12)}` : location;
  const embedder = new ModelTextEmbedder({
    model,
    encode: (t) => tokenizer.encode(t),
    padId,
    name,
    instruction: opts.instruction,
    maxTokens: opts.maxTokens,
    batchTokens: opts.batchTokens,
    progress: opts.progress,
  });
  return {
    embedder,
    source: { id: location, commit: resolved.commit ?? null, path: resolved.path },
    dispose: () => model.dispose(),
  };
}
