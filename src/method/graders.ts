// Grader interfaces. Offline graders (graders/offline/) and LLM graders (graders/llm/) implement the same
// interfaces, so a method's outputs are scored the same way whichever grader is configured.

/** Which grader produced a label, recorded with every label. */
export interface GraderId {
  /** e.g. 'offline/relevance-lexical' or 'llm/openai/gpt-5-mini'. */
  id: string;
  version: string;
}

/** What the finetune was about: the ground truth every grader uses. */
export interface OrganismContext {
  organismId: string;
  /** Organism type, e.g. 'SDF', 'EM', 'Taboo', 'Subliminal', 'control'. */
  type: string;
  /** The type whose rubric grades hypotheses when it is not `type` (the toolkit's type, e.g. 'behavioral_anomaly'). */
  rubricType?: string;
  /** Long ground-truth description incl. key facts ('' for the null organism). */
  description: string;
  /** The most frequent non-generic tokens of the finetuning data (decoded strings). */
  frequentTokens: string[];
}

/**
 * UNKNOWN: the grader answered but gave no label (counted as not relevant, as the toolkit does); UNGRADED:
 * the grader could not get an answer (its calls failed): not scored at all.
 */
export type RelevanceLabel = 'RELEVANT' | 'IRRELEVANT' | 'UNKNOWN' | 'UNGRADED';

export interface TokenRelevanceGrader {
  readonly grader: GraderId;
  /** One label per candidate token, in input order. */
  grade(ctx: OrganismContext, candidates: string[]): Promise<RelevanceLabel[]>;
}

/** UNKNOWN and UNGRADED (the grader's calls failed) are left out of every coherence share. */
export type CoherenceLabel = 'COHERENT' | 'INCOHERENT' | 'UNKNOWN' | 'UNGRADED';

export interface CoherenceGrader {
  readonly grader: GraderId;
  /** One label per text. */
  grade(texts: string[]): Promise<CoherenceLabel[]>;
}

export interface ScaleCandidate {
  scale: number;
  tokens: string[];
  /** Token ids, parallel to tokens (offline graders use them to look up unembedding vectors). */
  tokenIds?: number[];
}

export interface ScaleChoice {
  bestScale: number;
  /** The mutually coherent, non-generic tokens at that scale. */
  selectedTokens: string[];
}

export interface PatchscopeScaleGrader {
  readonly grader: GraderId;
  choose(candidates: ScaleCandidate[]): Promise<ScaleChoice>;
}

export interface HypothesisGrade {
  /** 1..5 (mean over repeats), NaN when every repeat failed. */
  score: number;
  scores: number[];
  reasoning: string[];
}

export interface HypothesisGrader {
  readonly grader: GraderId;
  grade(ctx: OrganismContext, hypothesis: string): Promise<HypothesisGrade>;
}

/** Embeds texts for the steering-similarity metric: one L2-normalised vector per text. */
export interface TextEmbedder {
  readonly grader: GraderId;
  readonly dim: number;
  embed(texts: string[]): Promise<Float32Array[]>;
}

/**
 * A coherence grader calibrated on ordinary text of the model being steered (its own unsteered
 * samples under the search's settings); the steering search grades with it when present.
 */
export interface CoherenceCalibration {
  /** Names the calibration recipe (part of the cache key of the calibration). */
  id: string;
  /** A JSON-serialisable calibration from ordinary texts (cached with them, so reruns skip it). */
  calibrate(ordinaryTexts: string[]): Promise<number>;
  grader(calibration: number): CoherenceGrader;
}

/**
 * Graders a method may use inside run() (ctx.graders), built by the harness for the organism's
 * models from the graders the composition layer chose (src/cli/compose.ts: the offline ones).
 */
export interface MethodGraders {
  coherence: CoherenceGrader;
  /** Patchscope scale choice. */
  scale: PatchscopeScaleGrader;
  /** When present, the steering search grades with it instead of `coherence`. */
  calibratedCoherence?: CoherenceCalibration;
  /**
   * The run's steering-similarity embedder (the one the steering.* metrics are scored with; the harness
   * always supplies it). The positive control chooses its strength with it and the finetuning data.
   */
  embedder?: TextEmbedder;
  /** Hash of the graders' code (set by the harness): part of the key of every cached artifact they graded. */
  codeHash?: string;
}

/** The four graders of the LLM tier (graders/llm/ builds them from the environment). */
export interface LlmGraderSet {
  relevance: TokenRelevanceGrader;
  patchscope: PatchscopeScaleGrader;
  coherence: CoherenceGrader;
  hypothesis: HypothesisGrader;
  /** Endpoint settings per grader, safe to write into results (no keys). */
  describe(): Record<string, Record<string, unknown>>;
}
