// What each grader mode means for a run (--graders offline|llm|both|paper):
//   offline  offline graders only (graders/offline/);
//   llm      LLM relevance, coherence, hypothesis graders and the agent tier; the method's Patchscope
//            scale choice by the LLM, its steering search keeps the offline calibrated coherence grader;
//   both     offline metrics, plus the llm tier's and the agreement between the two;
//   paper    as the paper's toolkit grades: llm, and the steering search's coherence by the LLM too (no
//            offline fallback); the embedder is the toolkit's Qwen3-Embedding-0.6B (chosen by the caller).
import type { MethodGraders } from '../methods/index.ts';
import type { GraderMode, LlmTier } from './llm-tier.ts';

/** Modes whose top-level metrics are LLM-graded. */
export function llmGraded(mode: GraderMode): boolean {
  return mode === 'llm' || mode === 'paper';
}

/** The graders the method uses inside run() under `mode` (undefined offline). */
export function methodGradersFor(mode: GraderMode, llm: LlmTier | undefined): MethodGraders | undefined {
  if (!llm || mode === 'offline') return undefined;
  return { patchscope: llm.graders.patchscope, ...(mode === 'paper' ? { coherence: llm.graders.coherence } : {}) };
}

/** The result file's note on which graders the method itself used. */
export function methodVariantNote(mode: GraderMode, swapped: boolean): string {
  if (!swapped) return 'the method grades nothing itself: the LLM graders score its unchanged output';
  return mode === 'paper'
    ? "the method's own graders swapped for the LLM ones: Patchscope scale choice and the steering search's coherence grader (the paper's toolkit)"
    : "the method's own graders swapped for the LLM ones (Patchscope scale choice); the steering search keeps its offline coherence grader";
}
