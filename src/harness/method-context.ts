// The MethodContext a method runs in: the organism's models, tokenizer and ground truth, the suite's
// unrelated text, a content-keyed work folder in the cache, and the graders for these models; for a
// method that declares needs.finetuningData / chatData (diagnostic), the finetuning and chat texts.
import { sampleConversations, sampleDocuments, sampleTexts, type SampleDocumentsOptions } from '../data/index.ts';
import type { DataNeeds } from '../method/needs.ts';
import type { MethodGraders, OrganismContext } from '../method/graders.ts';
import type { MethodContext, SteeringPromptSet } from '../method/types.ts';
import { openModelWeights } from '../method/weights.ts';
import { getOrganism, locate, type Organism } from '../registry/index.ts';
import type { HarnessGraders } from './graders.ts';
import { deepFrozenCopy, ownView, readOnly } from './own-view.ts';
import { finetuningTexts, groundTruth, loadOrganism, tokenizerView, type LoadedOrganism } from './organism.ts';
import type { ProgressFn } from './progress.ts';
import type { Suite, UnrelatedText } from './suite.ts';

export interface ContextOptions {
  /** The suite's unrelated text is what ctx.unrelatedDocuments samples (the one rule for every command). */
  unrelated: Suite['unrelated'];
  /** The method's artifact folder (below the cache). */
  cacheDir: string;
  seed: string;
  graders: HarnessGraders;
  progress?: ProgressFn;
  /** The method's data needs for its config (src/method/needs.ts); none when absent. */
  needs?: DataNeeds;
  /** The suite's chat dataset (ctx.chatTexts samples its assistant replies). */
  chat?: Suite['chat'];
  /** ctx.steeringPrompts: the run's steering prompts (the toolkit's), replacing the method's own. */
  steeringPrompts?: SteeringPromptSet;
  /** Called on every progress report and model or grader call of the method (the inactivity watchdog). */
  touch?: () => void;
}

const HARNESS_OWNS_MODELS =
  'a method cannot dispose the models: the harness owns them and disposes them after every step';

/**
 * The method's own views of the models, the ground truth and the graders (src/harness/own-view.ts): what it
 * does to them cannot change what the baselines, the null organism or the scoring see. For a LoRA
 * organism base and finetuned stay one object.
 */
function ownModels(loaded: LoadedOrganism, touch?: () => void): Pick<MethodContext, 'base' | 'finetuned'> {
  const view = (m: LoadedOrganism['base']) => ownView(m, { touch, refuse: { dispose: HARNESS_OWNS_MODELS } });
  const finetuned = view(loaded.finetuned);
  return { base: loaded.base === loaded.finetuned ? finetuned : view(loaded.base), finetuned };
}

function ownGraders(graders: MethodGraders, touch?: () => void): MethodGraders {
  return readOnly({
    coherence: ownView(graders.coherence, { touch }),
    scale: ownView(graders.scale, { touch }),
    ...(graders.calibratedCoherence ? { calibratedCoherence: ownView(graders.calibratedCoherence, { touch }) } : {}),
    ...(graders.embedder ? { embedder: ownView(graders.embedder, { touch }) } : {}),
    ...(graders.codeHash ? { codeHash: graders.codeHash } : {}),
  });
}

/** ctx.finetuningTexts / ctx.chatTexts: only for a method that declared the need, and only where the data exists. */
export function diagnosticTexts(
  organism: Organism,
  opts: Pick<ContextOptions, 'needs' | 'chat' | 'seed'>,
): Pick<MethodContext, 'finetuningTexts' | 'chatTexts' | 'finetuningConversations' | 'chatConversations'> {
  const out: ReturnType<typeof diagnosticTexts> = {};
  const dataset = organism.dataset;
  if (opts.needs?.finetuningData && dataset && organism.dataPublic) {
    const seed = `${opts.seed}|method-finetuning-texts`;
    out.finetuningTexts = (n) => finetuningTexts(organism, n, seed);
    out.finetuningConversations = (n) =>
      sampleConversations({ source: locate(dataset.id), split: dataset.split, column: dataset.column, n, seed });
  }
  const chat = opts.chat;
  if (opts.needs?.chatData && chat) {
    const source = { source: locate(chat.source), column: chat.column, split: chat.split };
    const seed = `${opts.seed}|method-chat-texts`;
    out.chatTexts = (n) => sampleTexts({ ...source, n, seed, chat: 'assistant' });
    out.chatConversations = (n) => sampleConversations({ ...source, n, seed });
  }
  return out;
}

// The method and each baseline of an organism ask for the same unrelated documents (ADL's collection and every
// baseline that reuses it): read and tokenise them once per process. Each caller gets its own row arrays.
const documentCache = new Map<string, Promise<number[][]>>();

function cachedDocuments(key: string, load: () => Promise<number[][]>): Promise<number[][]> {
  let docs = documentCache.get(key);
  if (!docs) {
    documentCache.set(key, (docs = load()));
    docs.catch(() => documentCache.delete(key));
  }
  return docs.then((d) => d.map((row) => row.slice()));
}

/** How a suite's unrelated documents are drawn: the 'numpy' order takes the suite's shuffle seed, not the run's. */
export function documentSampling(
  unrelated: UnrelatedText,
  runSeed: string,
  tokens: number,
): Pick<SampleDocumentsOptions, 'split' | 'order' | 'seed' | 'maxChars' | 'addSpecialTokens'> {
  return {
    split: unrelated.split,
    order: unrelated.order,
    seed: unrelated.order === 'numpy' ? unrelated.shuffleSeed : runSeed,
    maxChars: unrelated.charsPerToken ? unrelated.charsPerToken * tokens : undefined,
    addSpecialTokens: unrelated.addSpecialTokens,
  };
}

export function methodContext(loaded: LoadedOrganism, organism: OrganismContext, opts: ContextOptions): MethodContext {
  const { unrelated, seed } = opts;
  const tok = loaded.tokenizer;
  const tokenizer = readOnly(tokenizerView(tok));
  const touch = opts.touch;
  const progress = opts.progress ?? (() => {});
  return {
    organism: deepFrozenCopy(organism),
    ...ownModels(loaded, touch),
    baseScale: loaded.baseScale,
    finetunedScale: loaded.finetunedScale,
    tokenizer,
    weights: openModelWeights(loaded.base.info, loaded.finetuned.info),
    unrelatedDocuments: (n, tokens) =>
      cachedDocuments(JSON.stringify([unrelated, tok.folder, n, tokens, seed]), () =>
        sampleDocuments({
          source: locate(unrelated.source),
          column: unrelated.column,
          n,
          minTokens: tokens,
          tokenizer: tok,
          ...documentSampling(unrelated, seed, tokens),
        }),
      ),
    ...diagnosticTexts(loaded.organism, opts),
    cacheDir: opts.cacheDir,
    seed,
    progress: (step, done, total) => {
      touch?.();
      progress(step, done, total);
    },
    graders: ownGraders(
      {
        ...opts.graders.forMethod(loaded, (t) => tokenizer.encode(t, { addSpecialTokens: false })),
        embedder: opts.graders.embedder,
        codeHash: opts.graders.codeHash,
      },
      touch,
    ),
    ...(opts.steeringPrompts ? { steeringPrompts: deepFrozenCopy(opts.steeringPrompts) } : {}),
  };
}

export interface OpenedContext {
  ctx: MethodContext;
  organism: Organism;
  loaded: LoadedOrganism;
  dispose(): Promise<void>;
}

/**
 * Loads a registered organism and opens a MethodContext on it with a suite's unrelated text: for
 * tests and tools that run a method's steps directly. `frequentTokens: false` skips counting the
 * finetuning data's tokens (for callers that grade nothing).
 */
export async function openMethodContext(
  organismId: string,
  opts: Omit<ContextOptions, 'seed' | 'unrelated'> & {
    suite: Suite;
    seed?: string;
    modelCacheDir?: string;
    threads?: number;
    device?: 'cpu' | 'webgpu' | 'cuda';
    frequentTokens?: boolean;
  },
): Promise<OpenedContext> {
  const organism = getOrganism(organismId);
  const loaded = await loadOrganism(organism, {
    cacheDir: opts.modelCacheDir,
    threads: opts.threads,
    device: opts.device,
  });
  const truth = await groundTruth(
    organism,
    loaded.tokenizer,
    opts.frequentTokens === false ? null : (t, tok) => opts.graders.frequentTokens(t, tok),
  );
  const ctx = methodContext(loaded, truth, {
    ...opts,
    unrelated: opts.suite.unrelated,
    seed: opts.seed ?? opts.suite.seed,
  });
  return { ctx, organism, loaded, dispose: () => loaded.dispose() };
}
