// A MethodContext for one registered organism, loaded from the registry: models (one LoRA-scaled
// model or two), tokenizer, ground truth, and the unrelated documents. The benchmark harness builds
// its own; this one serves `npm run adl` and the tests.
import { frequentTokens } from '../../graders/offline/generic-tokens.ts';
import type { OrganismContext } from '../../graders/types.ts';
import { allTexts, sampleDocuments, sampleTexts } from '../data/index.ts';
import type { MethodContext } from '../method/types.ts';
import { getOrganism, locate, organismContext as groundTruth, resolveOrganism, type Organism } from '../registry/index.ts';
import { loadModel } from '../runtime/index.ts';
import type { LanguageModel } from '../runtime/types.ts';
import { loadTokenizer, type LoadedTokenizer } from '../tokenizer/index.ts';

/** Where the zoo keeps its unrelated text; other organisms diff on the toolkit's fineweb sample. */
const ZOO_UNRELATED = './organisms/zoo/data/unrelated.jsonl.gz';
const FINEWEB = 'science-of-finetuning/fineweb-1m-sample';

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
  /** Count the finetuning data's frequent tokens for the graders (default true; tests that grade nothing skip it). */
  frequentTokens?: boolean;
  progress?: (step: string, done: number, total: number) => void;
}

const local = (id: string) => locate(id);

const isZoo = (o: Organism) => o.id.startsWith('zoo/');

/** Memo of loaded inputs within one process (several organisms share the zoo's documents and data). */
const memo = new Map<string, Promise<unknown>>();
function memoized<T>(key: string, load: () => Promise<T>): Promise<T> {
  if (!memo.has(key)) memo.set(key, load());
  return memo.get(key) as Promise<T>;
}

/** Ground truth for the graders: description and the 100 most frequent non-generic finetuning tokens. */
export async function organismContext(organism: Organism, tokenizer: LoadedTokenizer, withFrequentTokens = true): Promise<OrganismContext> {
  const dataset = organism.dataset;
  let frequent: string[] = [];
  if (withFrequentTokens && dataset && organism.type !== 'control') {
    frequent = await memoized(`frequent:${dataset.id}:${dataset.split}:${dataset.column}:${tokenizer.folder}`, async () => {
      const texts: string[] = [];
      for await (const t of allTexts({ source: local(dataset.id), split: dataset.split, column: dataset.column })) texts.push(t);
      return frequentTokens(texts, (t) => tokenizer.tokenize(t));
    });
  }
  return groundTruth(organism, frequent);
}

/** Texts of the finetuning data (the steering-similarity reference). */
export async function finetuningTexts(organism: Organism, n: number, seed = 42): Promise<string[]> {
  if (!organism.dataset) throw new Error(`organism ${organism.id} has no finetuning dataset in the registry`);
  return sampleTexts({ source: local(organism.dataset.id), split: organism.dataset.split, column: organism.dataset.column, n, seed });
}

/** Unrelated texts (steered-vs-unrelated baseline of the similarity metric). */
export async function unrelatedTexts(organism: Organism, n: number, seed = 42): Promise<string[]> {
  return isZoo(organism) ? sampleTexts({ source: local(ZOO_UNRELATED), n, seed }) : sampleTexts({ source: FINEWEB, split: 'train', n, seed });
}

export async function openOrganism(id: string, opts: OpenOptions): Promise<OpenedOrganism> {
  const organism = getOrganism(id);
  const resolved = await resolveOrganism(organism);
  const baseDir = resolved.base.path;
  const tokenizer = loadTokenizer(baseDir);
  const load = (dir: string, adapter?: string) => loadModel(dir, { adapter, cacheDir: opts.modelCacheDir, threads: opts.threads });
  let base: LanguageModel;
  let finetuned: LanguageModel;
  let scales: { baseScale?: number; finetunedScale?: number } = {};
  if (organism.finetuned.kind === 'adapter') {
    base = finetuned = await load(baseDir, resolved.finetuned.path);
    scales = { baseScale: 0, finetunedScale: 1 };
  } else {
    base = await load(baseDir);
    finetuned = await load(resolved.finetuned.path);
  }
  const zoo = isZoo(organism);
  const ctx: MethodContext = {
    organism: await organismContext(organism, tokenizer, opts.frequentTokens ?? true),
    base, finetuned, ...scales,
    tokenizer: {
      encode: (text, o) => tokenizer.encode(text, o),
      decode: (ids) => tokenizer.decode(ids),
      displayToken: (tid) => tokenizer.displayToken(tid),
      applyChatTemplate: tokenizer.hasChatTemplate ? (messages, o) => tokenizer.applyChatTemplate(messages, o) : undefined,
    },
    // The zoo's reference analysis: the first documents in file order, no special tokens.
    unrelatedDocuments: (n, tokens) => memoized(`docs:${zoo}:${n}:${tokens}:${tokenizer.folder}`, () => zoo
      ? sampleDocuments({ source: local(ZOO_UNRELATED), n, minTokens: tokens, tokenizer, order: 'file', addSpecialTokens: false })
      : sampleDocuments({ source: FINEWEB, split: 'train', n, minTokens: tokens, tokenizer, order: 'shuffled', seed: 42, maxChars: 10 * tokens })),
    cacheDir: opts.resultsDir,
    seed: opts.seed ?? '42',
    progress: opts.progress ?? (() => {}),
  };
  return {
    ctx, organism, tokenizer,
    dispose: async () => {
      await base.dispose();
      if (finetuned !== base) await finetuned.dispose();
    },
  };
}
