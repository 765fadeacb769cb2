// What each grader mode means for a run (--graders offline|llm|both|paper):
//   offline  the caller's graders (src/cli/compose.ts: graders/offline/);
//   llm      LLM relevance, coherence, hypothesis graders and the agent tier; the method's Patchscope
//            scale choice by the LLM, its steering search keeps the context's (offline) coherence grader;
//   both     offline metrics, plus the llm tier's and the agreement between the two;
//   paper    as the paper's toolkit grades: llm, and every grader the method sees is the LLM's (the steering
//            search's coherence too, no offline calibration); the embedder is the caller's (the CLI's
//            default under paper: Qwen3-Embedding-0.6B).
import type { HarnessGraders } from './graders.ts';
import type { GraderMode, LlmTier } from '../llm-tier/tier.ts';

/** Modes whose top-level metrics are LLM-graded. */
export function llmGraded(mode: GraderMode): boolean {
  return mode === 'llm' || mode === 'paper';
}

/** The graders of a run in `mode`: under paper the LLM ones replace relevance, coherence and the method's graders. */
export function gradersFor(mode: GraderMode, graders: HarnessGraders, llm: LlmTier | undefined): HarnessGraders {
  if (mode !== 'paper' || !llm) return graders;
  const { relevance, coherence, patchscope } = llm.graders;
  return { ...graders, relevance, coherence, forMethod: () => ({ coherence, scale: patchscope }) };
}

/** The result file's note on which graders the method itself used. */
export function methodVariantNote(mode: GraderMode, swapped: boolean): string {
  if (mode === 'paper')
    return "the method's own graders are the LLM ones: Patchscope scale choice and the steering search's coherence grader (the paper's toolkit)";
  if (!swapped) return 'the method grades nothing itself: the LLM graders score its unchanged output';
  return "the method's own graders swapped for the LLM ones (Patchscope scale choice); the steering search keeps its offline coherence grader";
}
