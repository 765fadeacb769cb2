// The offline coherence grader calibrated on the steered model's own text: the lexical rules plus a
// perplexity rule (mean token NLL under the BASE model must not exceed what the finetuned model's
// own unsteered samples reach: their 95th percentile + 0.5 nat).
//
// Why unsteered finetuned samples and not held-out documents: on the zoo the base model gives the
// finetuning domain's text a mean NLL of ~6.6 nats against ~2.5 for unrelated documents (shuffled
// unrelated words: ~8.8), so a threshold from unrelated documents would fail every on-domain sample,
// unsteered ones included, and the search would settle at strength 0. The unsteered samples carry
// the domain drift, and have the length, prompts and temperature of the samples being graded; they
// also need no finetuning data, which a diffing method must not see.
import type { CoherenceCalibration } from '../../src/method/graders.ts';
import { timedMethod, timeStep } from '../../src/results/step-timings.ts';
import type { LanguageModel } from '../../src/runtime/types.ts';
import { calibrateMaxMeanNll, HeuristicCoherenceGrader } from './coherence.ts';
import { perplexityScorer } from './perplexity.ts';

/**
 * Quantile and margin of the NLL threshold. Measured on zoo/cake_bake (32 new tokens, T = 1.2): the
 * unsteered samples' NLL has p50 7.3, p95 8.1; steering at 0.5× / 1× the target norm shifts the
 * median by +0.6 / +1.1 nats with visibly garbled text, so a margin of a full nat over the maximum
 * would pass both. p95 + 0.5 keeps ≥ 95% of unsteered-like samples passing (the search needs 75%).
 */
export const NLL_CALIBRATION = { quantile: 0.95, margin: 0.5 };

export interface JudgeModel {
  /** The base model (for a LoRA organism the shared model, judged at `loraScale`). */
  model: LanguageModel;
  loraScale?: number;
  encode: (text: string) => number[];
}

export function nllCalibratedCoherence(judge: JudgeModel): CoherenceCalibration {
  const perplexity = perplexityScorer({ model: judge.model, loraScale: judge.loraScale, encode: judge.encode });
  // timed as steps of the run's profile (src/results/step-timings.ts)
  const scoreText = (texts: string[]) => timeStep('grader:perplexity', () => perplexity(texts));
  return {
    id: `max-mean-nll(base; q=${NLL_CALIBRATION.quantile}, margin=${NLL_CALIBRATION.margin})`,
    calibrate: async (texts) =>
      calibrateMaxMeanNll(await scoreText(texts.filter((t) => t.trim() !== '')), NLL_CALIBRATION),
    grader: (maxMeanNll) =>
      timedMethod(new HeuristicCoherenceGrader({ scoreText, thresholds: { maxMeanNll } }), 'grade', 'grader:coherence'),
  };
}
