// The graders that need no LLM (the embedded default). LLM graders live in graders/llm/.
export * from '../src/method/graders.ts';
export { frequentTokens, isGenericToken, type FrequentTokenOptions } from './offline/generic-tokens.ts';
export { LexicalRelevanceGrader, type LexicalRelevanceOptions } from './offline/token-relevance.ts';
export {
  HeuristicCoherenceGrader,
  DEFAULT_COHERENCE_THRESHOLDS,
  calibrateMaxMeanNll,
  measureCoherence,
  type CoherenceAssessment,
  type CoherenceMeasures,
  type CoherenceThresholds,
  type HeuristicCoherenceOptions,
} from './offline/coherence.ts';
export {
  UnembeddingScaleGrader,
  isScaleGradingNoise,
  modelScaleGrader,
  type UnembeddingScaleOptions,
} from './offline/patchscope-scale.ts';
export { nllCalibratedCoherence, NLL_CALIBRATION, type JudgeModel } from './offline/calibrated-coherence.ts';
export { HashedTfidfEmbedder, type HashedTfidfOptions } from './offline/text-embedder.ts';
export { coherencePercentage } from '../src/metrics/labels.ts';
