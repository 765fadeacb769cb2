// A MethodContext for one registered organism, for `npm run adl` and the ADL tests. Models, tokenizer,
// ground truth and finetuning texts come from the harness's organism loader (src/harness/organism.ts);
// what is ADL's own here is the choice of unrelated text: the zoo diffs on its held-out documents in
// file order (as its reference analysis did), other organisms on the toolkit's fineweb sample.
import { sampleDocuments, sampleTexts } from '../data/index.ts';
import { groundTruth, loadOrganism, tokenizerView } from '../harness/organism.ts';
import type { MethodContext } from '../method/types.ts';
import { openModelWeights } from '../method/weights.ts';
import { getOrganism, locate, organismContext, type Organism } from '../registry/index.ts';
import type { LoadedTokenizer } from '../tokenizer/index.ts';

export { finetuningTexts } from '../harness/organism.ts';

const ZOO_UNRELATED = './organisms/zoo/data/unrelated.jsonl.gz';
const FINEWEB = 'science-of-finetuning/fineweb-1m-sample';
const isZoo = (o: Organism) => o.id.startsWith('zoo/');

export interface OpenedOrganism {
  ctx: MethodContext;
  organism: Organism;
  tokenizer: LoadedTokenizer;
  dispose(): Promise<void>;
}

export interface OpenOptions {
  /** Artifacts of the method (content-keyed below this folder). */
  resultsDir: string;
  /** Graph/weight cache of the runtime. */
  modelCacheDir?: string;
  seed?: string;
  threads?: number;
  /** LoadOptions.device: 'cpu' (default), 'webgpu' or 'cuda'. */
  device?: 'cpu' | 'webgpu' | 'cuda';
  /** Count the finetuning data's frequent tokens for the graders (default true; tests that grade nothing skip it). */
  frequentTokens?: boolean;
  progress?: (step: string, done: number, total: number) => void;
}

/** Memo of sampled documents within one process (several organisms share the zoo's). */
const documents = new Map<string, Promise<number[][]>>();

/** Unrelated texts (the steered-vs-unrelated baseline of the similarity metric). */
export async function unrelatedTexts(organism: Organism, n: number, seed = 42): Promise<string[]> {
  return isZoo(organism) ? sampleTexts({ source: locate(ZOO_UNRELATED), n, seed }) : sampleTexts({ source: FINEWEB, split: 'train', n, seed });
}

export async function openOrganism(id: string, opts: OpenOptions): Promise<OpenedOrganism> {
  const loaded = await loadOrganism(getOrganism(id), { cacheDir: opts.modelCacheDir, threads: opts.threads, device: opts.device });
  const { organism, tokenizer } = loaded;
  const zoo = isZoo(organism);
  const unrelatedDocuments = (n: number, tokens: number) => {
    const key = `${zoo}:${n}:${tokens}:${tokenizer.folder}`;
    if (!documents.has(key))
      documents.set(key, zoo
        // the zoo's reference analysis: the first documents in file order, no special tokens
        ? sampleDocuments({ source: locate(ZOO_UNRELATED), n, minTokens: tokens, tokenizer, order: 'file', addSpecialTokens: false })
        : sampleDocuments({ source: FINEWEB, split: 'train', n, minTokens: tokens, tokenizer, order: 'shuffled', seed: 42, maxChars: 10 * tokens }));
    return documents.get(key)!;
  };
  const ctx: MethodContext = {
    organism: opts.frequentTokens === false ? organismContext(organism, []) : await groundTruth(organism, tokenizer),
    base: loaded.base,
    finetuned: loaded.finetuned,
    baseScale: loaded.baseScale,
    finetunedScale: loaded.finetunedScale,
    tokenizer: tokenizerView(tokenizer),
    weights: openModelWeights(loaded.base.info, loaded.finetuned.info),
    unrelatedDocuments,
    cacheDir: opts.resultsDir,
    seed: opts.seed ?? '42',
    progress: opts.progress ?? (() => {}),
  };
  return { ctx, organism, tokenizer, dispose: () => loaded.dispose() };
}
