// The diffing-method API: what a method gets and what it must produce. ADL (src/adl/) and the
// baselines (baselines/) implement it; a researcher's method is any module whose default export is a
// `DiffingMethod` (loaded from a file path by `npm run bench -- --method ./my-method.ts`).
import type { SamplingSettings } from '../runtime/generation-config.ts';
import type { LanguageModel } from '../runtime/types.ts';
import type { MethodGraders, OrganismContext } from './graders.ts';
import type { ModelWeights } from './weights.ts';

/** The two models being diffed. For a LoRA organism they are one object and the loraScale picks the side. */
export interface ModelPair {
  /** The base model; for a LoRA organism the same object as `finetuned`, with loraScale 0 = base. */
  base: LanguageModel;
  finetuned: LanguageModel;
  /** loraScale to pass for base rows / finetuned rows (0 / 1 for LoRA organisms; undefined for full finetunes). */
  baseScale?: number;
  finetunedScale?: number;
}

/** Everything a method may use for one organism. Models are loaded by the harness. */
export interface MethodContext extends ModelPair {
  organism: OrganismContext;
  tokenizer: {
    encode(text: string, opts?: { addSpecialTokens?: boolean }): number[];
    decode(ids: number[]): string;
    /** Readable form of one token (Ġ/Ċ/partial UTF-8 shown sensibly). */
    displayToken(id: number): string;
    applyChatTemplate?(
      messages: { role: string; content: string }[],
      opts?: { addGenerationPrompt?: boolean; enableThinking?: boolean },
    ): string;
  };
  /**
   * Read-only weights of the two models (src/method/weights.ts): per-layer tensors by checkpoint name or
   * logical name ('layers.{i}.mlp.down_proj'), LoRA A/B and scale, finetune deltas; read lazily from disk.
   */
  weights: ModelWeights;
  /** Unrelated text documents (already sampled and tokenized to the method's n). */
  unrelatedDocuments(n: number, tokens: number): Promise<number[][]>;
  /**
   * Diagnostic only: n texts of the organism's finetuning data (the ground truth the benchmark grades
   * against). Present only when the method's needs.finetuningData is true for its config and the data is
   * public; the result file then records `method.readsGroundTruth` and the leaderboard flags the method.
   */
  finetuningTexts?(n: number): Promise<string[]>;
  /** n assistant replies of the suite's chat dataset; present only when needs.chatData and the suite has one. */
  chatTexts?(n: number): Promise<string[]>;
  /**
   * n whole conversations (messages) of the finetuning / chat data, for the chat template and assistant-token
   * masks (src/methods/shared/texts.ts): present with finetuningTexts / chatTexts where that dataset's column
   * holds chat messages. The conversations are drawn with the same seed as the texts.
   */
  finetuningConversations?(n: number): Promise<{ role: string; content: string }[][]>;
  chatConversations?(n: number): Promise<{ role: string; content: string }[][]>;
  /** A folder the method may write its artifacts to (content-keyed, survives reruns). */
  cacheDir: string;
  seed: string;
  /** Progress reporting for long steps. */
  progress(step: string, done: number, total: number): void;
  /** Graders the method may use inside run() (coherence, Patchscope scale choice), for these models. */
  graders: MethodGraders;
  /**
   * Steering prompts the run supplies instead of the method's own (the toolkit's under --graders paper or
   * --prompts toolkit): `final` for the steered/unsteered samples, `threshold` for the strength search.
   */
  steeringPrompts?: SteeringPromptSet;
}

export interface SteeringPromptSet {
  final: string[];
  threshold: string[];
  /** Where they come from, e.g. 'science-of-finetuning/diffing-toolkit@e0b84a5'. */
  source: string;
}

/** Tokens read out at one position by one readout (logit lens, Patchscope, ...). */
export interface TokenReadout {
  /** 'logitlens' | 'patchscope' | any method-specific name. */
  source: string;
  /** 'difference' | 'base' | 'finetuned' | 'random' | ... */
  variant: string;
  layer: number;
  position: number;
  tokens: string[];
  tokenIds: number[];
  probs?: number[];
  /** Patchscope: the chosen scale and the grader's coherent subset. */
  scale?: number;
  selectedTokens?: string[];
}

export interface SteeringSamples {
  variant: string;
  layer: number;
  position: number;
  strength: number;
  prompts: string[];
  /** samples[i][j]: j-th sample for prompt i. */
  steered: string[][];
  unsteered: string[][];
  /** Sampling settings of the samples (`final`) and of any strength search (`search`), as generate reported them. */
  sampling?: { final: SamplingSettings; search?: SamplingSettings };
}

/** What a method produces for one organism; every field is optional but at least one is needed. */
export interface MethodOutput {
  readouts?: TokenReadout[];
  steering?: SteeringSamples[];
  /** Vectors the method found (e.g. the mean difference per position), [H] each. */
  vectors?: { name: string; layer: number; position: number; data: number[] }[];
  /** Free-text hypotheses about the finetune. */
  findings?: string[];
  /** Scalar signals (e.g. 'diff_norm.pos0'): finite, within ±1e15 (MAGNITUDE_BOUND in src/method/validate.ts). */
  scalars?: Record<string, number>;
  /** Method-specific detail for reports and agents (e.g. Patchscope tokens per scale, search traces); JSON. */
  details?: Record<string, unknown>;
}

/** A test on a method's config (method syntax, so a DiffingMethod<C> still fits DiffingMethod<Record<string, unknown>>). */
export type ConfigPredicate<Config> = { test(config: Config): boolean }['test'];

export interface DiffingMethod<Config = Record<string, unknown>> {
  id: string;
  version: string;
  /** JSON Schema of Config (validated with ajv before run). */
  configSchema: object;
  defaultConfig: Config;
  /** One line for `npm run methods` (optional). */
  description?: string;
  /** Longer help: what the method does, its config fields, what it returns (`npm run methods -- <id>`). */
  help?: string;
  /**
   * Per-settings config presets ('fast' for npm test, 'full' for npm run bench, ...), merged over
   * defaultConfig; the suite's methodConfig, --config and --set go on top (src/harness/method-config.ts).
   */
  settings?: Record<string, Partial<Config> | Record<string, unknown>>;
  /**
   * What the method changes to compute as the paper's toolkit does, merged over the settings preset when a
   * run grades in paper mode (--graders paper); the suite's methodConfig, --config and --set go on top.
   */
  paperConfig?: Partial<Config> | Record<string, unknown>;
  /**
   * What the method needs: models in memory, generation, unrelated text; optionally the organism's
   * finetuning data (diagnostic: a method that reads it is not a blind diffing method and is flagged)
   * and the suite's chat data. Either may depend on the config (a function of it).
   */
  needs: {
    generation: boolean;
    unrelatedText: boolean;
    finetuningData?: boolean | ConfigPredicate<Config>;
    chatData?: boolean | ConfigPredicate<Config>;
  };
  /**
   * Checks JSON Schema cannot express (relations between fields); throws to reject the config. Called with the
   * resolved config before anything runs, so a bad value is an input error (exit 2) rather than a failed run.
   */
  checkConfig?(config: Config): void;
  run(ctx: MethodContext, config: Config): Promise<MethodOutput>;
}
