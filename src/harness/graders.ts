// The concrete graders a harness run uses. The library defines only their interfaces
// (src/method/graders.ts); the composition layer (src/cli/compose.ts) chooses the implementations
// (graders/offline/ by default) and hands them to the harness, so src/ never imports graders/.
import type { CoherenceGrader, MethodGraders, TextEmbedder, TokenRelevanceGrader } from '../method/graders.ts';
import type { ModelPair } from '../method/types.ts';

export interface HarnessGraders {
  /**
   * Hash of the graders' code: part of every cached method output's key (methods grade with
   * ctx.graders, so an edited grader must not reuse outputs computed with the old one).
   */
  codeHash: string;
  /** Relevance of read-out tokens to the organism's ground truth (metrics `relevance.*`). */
  relevance: TokenRelevanceGrader;
  /** Embeds texts for the steering-similarity metrics (`steering.*`). */
  embedder: TextEmbedder;
  /** The offline coherence grader (its agreement with the LLM one under --graders both). */
  coherence: CoherenceGrader;
  /** The most frequent non-generic tokens of the finetuning texts: part of the ground truth graders see. */
  frequentTokens(texts: string[], tokenize: (text: string) => string[]): string[];
  /** The graders a method may use inside run() on these models (ctx.graders). */
  forMethod(models: ModelPair, encode: (text: string) => number[]): MethodGraders;
}
