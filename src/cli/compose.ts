// The composition layer: the one place that picks concrete graders, baselines and the LLM tier and
// hands them to the library (src/harness/, src/adl/, ...). src/ outside src/cli/ never imports
// graders/ or baselines/ (test/architecture.test.ts checks it); commands, the per-organism benchmark
// files and tests get the default toolkit from here.
import { fileURLToPath } from 'node:url';
import { baselines as baselineMethods } from '../../baselines/index.ts';
import { nllCalibratedCoherence } from '../../graders/offline/calibrated-coherence.ts';
import { HeuristicCoherenceGrader } from '../../graders/offline/coherence.ts';
import { frequentTokens } from '../../graders/offline/generic-tokens.ts';
import { modelScaleGrader } from '../../graders/offline/patchscope-scale.ts';
import { HashedTfidfEmbedder } from '../../graders/offline/text-embedder.ts';
import { LexicalRelevanceGrader } from '../../graders/offline/token-relevance.ts';
import { buildLlmGradersFromEnv } from '../../graders/llm/index.ts';
import { loadModelEmbedder, PAPER_EMBEDDING_MODEL, type LoadedEmbedder } from '../../graders/embedding/load.ts';
import type { ProgressFn } from '../harness/progress.ts';
import type { HarnessGraders } from '../harness/graders.ts';
import { llmTierFromEnv, type LlmTier, type LlmTierOptions } from '../llm-tier/tier.ts';
import { assertDiffingMethod, type LoadedMethod } from '../harness/load-method.ts';
import { hashMethodSources } from '../code-hash.ts';
import { sha256 } from '../results/hash.ts';
import { timedMethod } from '../results/step-timings.ts';

/** The offline graders (graders/offline/): the default for every command and test. */
export function offlineGraders(): HarnessGraders {
  return {
    // graders/index.ts, everything it imports, and graders/offline/ with its data files
    codeHash: hashMethodSources(fileURLToPath(new URL('../../graders/index.ts', import.meta.url)), [
      fileURLToPath(new URL('../../graders/offline', import.meta.url)),
    ]),
    relevance: new LexicalRelevanceGrader(),
    embedder: new HashedTfidfEmbedder(),
    coherence: new HeuristicCoherenceGrader(),
    frequentTokens: (texts, tokenize) => frequentTokens(texts, tokenize),
    // graders used inside a method are timed as steps of the run's profile (src/results/step-timings.ts)
    forMethod: (models, encode) => ({
      coherence: timedMethod(new HeuristicCoherenceGrader(), 'grade', 'grader:coherence'),
      // Patchscope scale choice by unembedding similarity in the finetuned model (whose lens reads the tokens)
      scale: timedMethod(modelScaleGrader(models.finetuned), 'choose', 'grader:patchscope-scale'),
      // the steering search's coherence: perplexity under the base model, calibrated on the finetuned model's own samples
      calibratedCoherence: nllCalibratedCoherence({ model: models.base, loraScale: models.baseScale, encode }),
    }),
  };
}

/**
 * `graders` with another steering-similarity embedder. Methods see it (ctx.graders.embedder: the positive
 * control chooses its strength with it), so it joins the graders' code hash that keys cached method outputs.
 */
export function withEmbedder(graders: HarnessGraders, embedder: HarnessGraders['embedder']): HarnessGraders {
  return { ...graders, embedder, codeHash: sha256(`${graders.codeHash}|${JSON.stringify(embedder.grader)}`) };
}

/**
 * The baselines every method is compared with (baselines/index.ts), in its order. They reuse ADL's
 * code (src/adl/), so both folders key their cached outputs.
 */
export function defaultBaselines(): LoadedMethod[] {
  const path = (rel: string) => fileURLToPath(new URL(rel, import.meta.url));
  const codeHash = sha256(
    hashMethodSources(path('../../baselines/index.ts'), [path('../../baselines'), path('../adl')]),
  ).slice(0, 12);
  return baselineMethods.map((m, i) => {
    assertDiffingMethod(m, `baselines/index.ts baselines[${i}]`);
    return { method: m, source: `builtin:${m.id}`, codeHash };
  });
}

/** The LLM graders (graders/llm/) and the agent tier from the environment, for --graders llm|both. */
export function llmTier(opts: Omit<LlmTierOptions, 'buildGraders'>): LlmTier {
  return llmTierFromEnv({ ...opts, buildGraders: buildLlmGradersFromEnv });
}

/**
 * The steering-similarity embedder for --embedder: undefined for 'offline' (offlineGraders' hashed TF-IDF);
 * 'paper' = the toolkit's Qwen/Qwen3-Embedding-0.6B; else an embedding checkpoint's folder or Hub id. Models
 * run through DiffBench's runtime (graders/embedding/).
 */
export async function chooseEmbedder(
  choice: string,
  opts: { threads?: number; progress?: ProgressFn } = {},
): Promise<LoadedEmbedder | undefined> {
  if (choice === 'offline') return undefined;
  const progress = opts.progress;
  return loadModelEmbedder(choice === 'paper' ? PAPER_EMBEDDING_MODEL : choice, {
    threads: opts.threads,
    ...(progress ? { progress: (done: number, total: number) => progress('texts', done, total) } : {}),
  });
}
