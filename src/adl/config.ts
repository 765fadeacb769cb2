// ADL configuration: the toolkit's defaults (docs/toolkit.md#collection to #steering) and its JSON Schema.
import { int, num } from '../method/schema.ts';
import type { SampleTextMode } from './sample-text.ts';

export interface ThresholdSearchConfig {
  /** Binary-search steps for the first threshold prompt; the others get steps/2 over [0, 2·t1]. */
  steps: number;
  /**
   * Levels of the bracket evaluated per batched round (2^b − 1 strengths at once). Speed only: every sampled
   * row has its own random stream, so the strengths found are the same for any value; 1 evaluates exactly
   * the `steps` midpoints of a binary search (least work on a CPU), more fill a GPU's batch.
   */
  batchSteps: number;
  samplesPerStrength: number;
  /** Percentage of coherent samples a strength needs to pass. */
  coherenceThreshold: number;
  maxStrength: number;
  maxNewTokens: number;
  temperature: number;
  /** Caller overrides of the checkpoint's generation_config.json (absent: it, else transformers' defaults); 0 / 1 = off. */
  topK?: number;
  topP?: number;
}

export interface FinalGenerationConfig {
  samplesPerPrompt: number;
  maxNewTokens: number;
  temperature: number;
  maxBatchSize: number;
  /** As ThresholdSearchConfig's. */
  topK?: number;
  topP?: number;
  /** Use only the first this-many prompts of the prompt file (default: all). */
  prompts?: number;
  /**
   * 'shared' (default): one set of unsteered samples per model, the same draws as every position's steered
   * samples; 'per-position': each steering position draws its own unsteered samples (and its steered ones
   * from the same streams), as the toolkit generates them per position, so USt's maximum over positions is
   * a maximum over independent draws.
   */
  unsteered?: 'shared' | 'per-position';
}

export interface ADLConfig {
  /** N unrelated documents. */
  samples: number;
  /** n tokens per document (documents shorter than n are skipped by the loader). */
  tokens: number;
  /** Relative layers; absolute = floor(r·(L−1)). */
  layers: number[];
  /** Positions 0..positions−1 are read out (k). */
  positions: number;
  /** Documents per forward pass (a LoRA organism runs base and finetuned rows in one batch). */
  batchSize: number;
  /** Positions < skipTokens are left out of the target norm. */
  skipTokens: number;
  lens: { topK: number };
  patchscope: { enabled: boolean; scales: number[]; intersectionTopK: number; tokensK: number };
  steering: {
    enabled: boolean;
    positions: number[];
    /** 'auto': chat prompts through the chat template for chat models, completion prompts otherwise. */
    promptStyle: 'auto' | 'chat' | 'completion';
    /** How sampled ids become text (src/adl/sample-text.ts); default 'plain' (EOS dropped). */
    text?: SampleTextMode;
    threshold: ThresholdSearchConfig;
    final: FinalGenerationConfig;
  };
}

/** The 30 positive Patchscope scales: 0.5..2.0 by 0.1, 3, 4, 5, 10, then linspace(20, 200, 10). */
export const PATCHSCOPE_SCALES: number[] = [
  ...Array.from({ length: 16 }, (_, i) => Math.round((0.5 + 0.1 * i) * 10) / 10),
  3,
  4,
  5,
  10,
  ...Array.from({ length: 10 }, (_, i) => 20 + 20 * i),
];

export const DEFAULT_ADL_CONFIG: ADLConfig = {
  samples: 10000,
  tokens: 128,
  layers: [0.5],
  positions: 5,
  batchSize: 32,
  skipTokens: 5,
  lens: { topK: 100 },
  patchscope: { enabled: true, scales: PATCHSCOPE_SCALES, intersectionTopK: 16384, tokensK: 20 },
  steering: {
    enabled: true,
    positions: [0, 1, 2, 3, 4],
    promptStyle: 'auto',
    threshold: {
      steps: 12,
      batchSteps: 3,
      samplesPerStrength: 10,
      coherenceThreshold: 75,
      maxStrength: 100,
      maxNewTokens: 128,
      temperature: 1.2,
    },
    final: { samplesPerPrompt: 5, maxNewTokens: 512, temperature: 1.1, maxBatchSize: 32 },
  },
};

/**
 * What --graders paper changes (the harness merges it over the settings preset, under the suite's config):
 * the toolkit's sample text (EOS kept, runs collapsed) and unsteered samples drawn per steering position.
 */
export const ADL_PAPER_CONFIG = { steering: { text: 'toolkit', final: { unsteered: 'per-position' } } } as const;

/**
 * Sampling temperatures for the zoo's 6.8M-parameter base language models; merge over a config with
 * mergeConfig (the zoo test does; the zoo suite and `npm run adl --quick` should). The toolkit's 1.2
 * (search) / 1.1 (final) are for chat models of 1B+. Measured on zoo/cake_bake (32 new tokens): at
 * 1.2 and 1.0 the finetuned model's UNsteered samples already contain made-up words (mean NLL under
 * the base 7.3 / 7.0 nats, median), so the coherence search cannot tell steering damage from sampling
 * noise; at 0.8 unsteered samples are clean. With the zoo test's settings, steered-vs-finetuning-data
 * similarity (cake_bake / roman_concrete / antarctic_rebound) was 0.119 / 0.250* / 0.114 at 1.2/1.1
 * with the lexical grader (*: searched strength 0, i.e. unsteered text) and 0.189 / 0.224 / 0.238 at
 * 0.8 with the +nll grader. At 0.6 the numbers varied more between organisms (0.130 / 0.195 / 0.281).
 * No top-k (topK 0): the zoo's generation_config.json names none, so transformers' default top-k 50 would
 * apply; with it the finetuned model's unsteered samples get cleaner, the perplexity-calibrated search then
 * accepts strengths whose samples leave the domain (cake_bake steered-vs-own-data 0.038 vs 0.189 without).
 */
export const ZOO_SAMPLING = {
  steering: { threshold: { temperature: 0.8, topK: 0 }, final: { temperature: 0.8, topK: 0 } },
};

/** Absolute layer of a relative one (the toolkit floors). */
export function absoluteLayer(relative: number, numLayers: number): number {
  if (!(relative >= 0 && relative <= 1))
    throw new Error(`ADL layers: relative layer must be in [0, 1], got ${relative}`);
  return Math.floor(relative * (numLayers - 1));
}

export { mergeConfig } from '../merge-config.ts';

export const ADL_CONFIG_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['samples', 'tokens', 'layers', 'positions', 'batchSize', 'skipTokens', 'lens', 'patchscope', 'steering'],
  properties: {
    samples: int(1),
    tokens: int(1),
    layers: { type: 'array', minItems: 1, items: { type: 'number', minimum: 0, maximum: 1 } },
    positions: int(1),
    batchSize: int(1),
    skipTokens: int(0),
    lens: { type: 'object', additionalProperties: false, required: ['topK'], properties: { topK: int(1) } },
    patchscope: {
      type: 'object',
      additionalProperties: false,
      required: ['enabled', 'scales', 'intersectionTopK', 'tokensK'],
      properties: {
        enabled: { type: 'boolean' },
        scales: { type: 'array', minItems: 1, items: { type: 'number', exclusiveMinimum: 0 } },
        intersectionTopK: int(1),
        tokensK: int(1),
      },
    },
    steering: {
      type: 'object',
      additionalProperties: false,
      required: ['enabled', 'positions', 'promptStyle', 'threshold', 'final'],
      properties: {
        enabled: { type: 'boolean' },
        positions: { type: 'array', items: int(0) },
        promptStyle: { enum: ['auto', 'chat', 'completion'] },
        text: { enum: ['plain', 'toolkit'] },
        threshold: {
          type: 'object',
          additionalProperties: false,
          required: [
            'steps',
            'batchSteps',
            'samplesPerStrength',
            'coherenceThreshold',
            'maxStrength',
            'maxNewTokens',
            'temperature',
          ],
          properties: {
            steps: int(1),
            batchSteps: int(1),
            samplesPerStrength: int(1),
            coherenceThreshold: { type: 'number', minimum: 0, maximum: 100 },
            maxStrength: { type: 'number', exclusiveMinimum: 0 },
            maxNewTokens: int(1),
            temperature: { type: 'number', minimum: 0 },
            topK: int(0),
            topP: { type: 'number', minimum: 0, maximum: 1 },
          },
        },
        final: {
          type: 'object',
          additionalProperties: false,
          required: ['samplesPerPrompt', 'maxNewTokens', 'temperature', 'maxBatchSize'],
          properties: {
            samplesPerPrompt: int(1),
            maxNewTokens: int(1),
            temperature: num,
            maxBatchSize: int(1),
            prompts: int(1),
            topK: int(0),
            topP: { type: 'number', minimum: 0, maximum: 1 },
            unsteered: { enum: ['shared', 'per-position'] },
          },
        },
      },
    },
  },
} as const;
