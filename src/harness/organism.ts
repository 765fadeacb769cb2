// One organism made ready for a method: models loaded through the runtime, tokenizer, ground truth
// (description + frequent tokens of the finetuning data) and texts for the metrics.
import { join } from 'node:path';
import { InputError } from '../errors.ts';
import type { OrganismContext } from '../method/graders.ts';
import { allTexts, sampleTexts } from '../data/index.ts';
import { resolveOrganism, locate, organismContext } from '../registry/index.ts';
import type { Organism } from '../registry/index.ts';
import { loadModel, type LoadOptions } from '../runtime/index.ts';
import { contentHash, defaultCacheDir } from '../runtime/cache.ts';
import { openModel } from '../runtime/open-model.ts';
import { loadTokenizer, type LoadedTokenizer } from '../tokenizer/index.ts';
import type { ModelRevision } from '../results/types.ts';
import type { MethodContext, ModelPair } from '../method/types.ts';

/** baseScale / finetunedScale are set for LoRA organisms, where base and finetuned are one model. */
export interface LoadedOrganism extends ModelPair {
  organism: Organism;
  tokenizer: LoadedTokenizer;
  revisions: { base: ModelRevision; finetuned: ModelRevision & { kind: 'adapter' | 'model' } };
  /** What loading warned about (printed on stderr as it happened; result files record it). */
  warnings: string[];
  dispose(): Promise<void>;
}

export interface LoadOrganismOptions {
  threads?: number;
  /** LoadOptions.device: 'cpu' (default), 'webgpu' or 'cuda'. */
  device?: LoadOptions['device'];
  cacheDir?: string;
}

/**
 * The runtime's content hash of a checkpoint (+ adapter) without loading it (same recipe as loadModel). The files
 * are checked as loadModel checks them before converting (layout, configs, shapes, finite weights; memoised by
 * content), so a bad file stops a run before any model loads.
 */
export function checkpointHash(modelDir: string, adapterDir?: string, cacheDir?: string): string {
  const cacheRoot = cacheDir ?? defaultCacheDir();
  return contentHash(openModel(modelDir, adapterDir, cacheRoot).files, cacheRoot);
}

/** Every id the tokenizer can produce must be a row of the model's embedding. */
function checkTokenizerFits(tokenizer: LoadedTokenizer, modelDir: string, cacheRoot: string): void {
  const { spec } = openModel(modelDir, undefined, cacheRoot);
  const maxId = tokenizer.maxTokenId;
  if (maxId >= spec.vocab)
    throw new InputError(
      `${join(modelDir, 'config.json')}: vocab_size ${spec.vocab} is smaller than the tokenizer's vocabulary (${join(tokenizer.folder, 'tokenizer.json')} has ids up to ${maxId}); the model cannot embed every token`,
    );
}

/**
 * Model revisions of an organism (what result files are keyed by), without loading the models. The files are
 * checked on the way (checkpointHash), and the base's tokenizer against both models' vocabularies.
 */
export async function organismRevisions(organism: Organism, cacheDir?: string): Promise<LoadedOrganism['revisions']> {
  const resolved = await resolveOrganism(organism);
  const adapter = resolved.finetuned.kind === 'adapter';
  const revisions: LoadedOrganism['revisions'] = {
    base: {
      id: organism.base.id,
      revision: resolved.base.commit ?? organism.base.revision ?? null,
      contentHash: checkpointHash(resolved.base.path, undefined, cacheDir),
    },
    finetuned: {
      id: organism.finetuned.id,
      revision: resolved.finetuned.commit ?? organism.finetuned.revision ?? null,
      contentHash: adapter
        ? checkpointHash(resolved.base.path, resolved.finetuned.path, cacheDir)
        : checkpointHash(resolved.finetuned.path, undefined, cacheDir),
      kind: resolved.finetuned.kind,
    },
  };
  const tokenizer = loadTokenizer(resolved.base.path);
  const cacheRoot = cacheDir ?? defaultCacheDir();
  checkTokenizerFits(tokenizer, resolved.base.path, cacheRoot);
  if (!adapter) checkTokenizerFits(tokenizer, resolved.finetuned.path, cacheRoot);
  return revisions;
}

export async function loadOrganism(organism: Organism, opts: LoadOrganismOptions = {}): Promise<LoadedOrganism> {
  const resolved = await resolveOrganism(organism);
  const tokenizer = loadTokenizer(resolved.base.path);
  const warnings: string[] = [];
  const onWarning = (message: string) => {
    warnings.push(message);
    process.stderr.write(`warning: ${message}\n`);
  };
  const common = { threads: opts.threads, cacheDir: opts.cacheDir, device: opts.device, onWarning };
  if (resolved.finetuned.kind === 'adapter') {
    // One model, the LoRA branch scaled per call: 0 = base, 1 = finetuned.
    const model = await loadModel(resolved.base.path, { ...common, adapter: resolved.finetuned.path });
    const baseHash = checkpointHash(resolved.base.path, undefined, opts.cacheDir);
    return {
      organism,
      base: model,
      finetuned: model,
      baseScale: 0,
      finetunedScale: 1,
      tokenizer,
      warnings,
      revisions: {
        base: {
          id: organism.base.id,
          revision: resolved.base.commit ?? organism.base.revision ?? null,
          contentHash: baseHash,
        },
        finetuned: {
          id: organism.finetuned.id,
          revision: resolved.finetuned.commit ?? organism.finetuned.revision ?? null,
          contentHash: model.info.contentHash,
          kind: 'adapter',
        },
      },
      dispose: () => model.dispose(),
    };
  }
  const base = await loadModel(resolved.base.path, common);
  const finetuned = await loadModel(resolved.finetuned.path, common);
  return {
    organism,
    base,
    finetuned,
    tokenizer,
    warnings,
    revisions: {
      base: {
        id: organism.base.id,
        revision: resolved.base.commit ?? organism.base.revision ?? null,
        contentHash: base.info.contentHash,
      },
      finetuned: {
        id: organism.finetuned.id,
        revision: resolved.finetuned.commit ?? organism.finetuned.revision ?? null,
        contentHash: finetuned.info.contentHash,
        kind: 'model',
      },
    },
    dispose: async () => {
      await base.dispose();
      await finetuned.dispose();
    },
  };
}

const frequentCache = new Map<string, string[]>();

/** Counts a finetuning corpus's most frequent non-generic tokens (HarnessGraders.frequentTokens); null: none. */
export type FrequentTokensFn = ((texts: string[], tokenize: (text: string) => string[]) => string[]) | null;

/** Ground truth for graders: the description and the most frequent non-generic tokens of the finetuning data. */
export async function groundTruth(
  organism: Organism,
  tokenizer: LoadedTokenizer,
  frequentTokens: FrequentTokensFn,
): Promise<OrganismContext> {
  if (!frequentTokens || !organism.dataset || !organism.dataPublic || organism.description === '')
    return organismContext(organism, []);
  const key = `${organism.dataset.id}|${organism.dataset.split}|${tokenizer.folder}`;
  let tokens = frequentCache.get(key);
  if (!tokens) {
    const texts: string[] = [];
    for await (const text of allTexts({
      source: locate(organism.dataset.id),
      split: organism.dataset.split,
      column: organism.dataset.column,
    }))
      texts.push(text);
    tokens = frequentTokens(texts, (t) => tokenizer.tokenize(t));
    frequentCache.set(key, tokens);
  }
  return organismContext(organism, tokens);
}

/** n texts of the organism's finetuning data (seeded), or [] when it has none that is public. */
export async function finetuningTexts(organism: Organism, n: number, seed: string): Promise<string[]> {
  if (!organism.dataset || !organism.dataPublic) return [];
  return sampleTexts({
    source: locate(organism.dataset.id),
    split: organism.dataset.split,
    column: organism.dataset.column,
    n,
    seed,
  });
}

/** The tokenizer as methods and agents see it (MethodContext['tokenizer']). */
export function tokenizerView(tok: LoadedTokenizer): MethodContext['tokenizer'] {
  return {
    encode: (text, o) => tok.encode(text, o),
    // an EOS-only sample leaves no tokens once EOS is dropped; the tokenizer library throws on []
    decode: (ids) => (ids.length === 0 ? '' : tok.decode(ids)),
    displayToken: (id) => tok.displayToken(id),
    applyChatTemplate: tok.hasChatTemplate ? (messages, o) => tok.applyChatTemplate(messages, o) : undefined,
  };
}
