// The model runtime's public types. Everything DiffBench measures goes through `LanguageModel`.
import type { GenerationDefaults, SamplingSettings } from './generation-config.ts';

// Shapes are written [B,T,H] = batch, tokens, hidden size; V = vocabulary size.

/** A hook point in the residual stream, named as in TransformerLens. */
export type HookName = 'resid_pre.0' | `resid_post.${number}` | 'final_norm';

/** Add `vector` to the output of decoder layer `layer` at every position (steering). */
export interface SteerIntervention {
  layer: number;
  /** [H] (same for every row) or [B*H] (one vector per batch row). */
  vector: Float32Array;
}

/** Replace the output of decoder layer `layer` at `position` of every row with `vector` (patching). */
export interface PatchIntervention {
  layer: number;
  /** Token index in the current input; a negative index counts from the end (-1 = last). */
  position: number | number[];
  /** [H] or [B*H]. */
  vector: Float32Array;
}

export type LogitsMode = 'all' | 'last' | 'none';

export interface ForwardOptions {
  /** Token ids, one array per row; rows of unequal length are right-padded with `padId`. */
  inputIds: number[][];
  /** 1 = real token, 0 = padding; same shape as inputIds. Defaults to all ones. */
  attentionMask?: number[][];
  /** Hooks to return, e.g. ['resid_pre.0', 'resid_post.2']. */
  capture?: HookName[];
  steer?: SteerIntervention[];
  patch?: PatchIntervention[];
  logits?: LogitsMode;
  /** LoRA branch scale: 0 = base, 1 = finetuned, other = amplified; one number or one per row. */
  loraScale?: number | number[];
  /**
   * Every row continues this prompt prefix (from prefill on the same model, same loraScale, no steering):
   * inputIds, hooks, logits and patch positions are those of the continuation only. The prefix is computed
   * once for any number of rows and calls; logits equal a forward over prefix + continuation up to float
   * rounding (~1e-6).
   */
  prefix?: PromptPrefix;
}

/** The KV cache of one prompt prefix (LanguageModel.prefill). */
export interface PromptPrefix {
  /** Tokens in the prefix. */
  readonly length: number;
  readonly loraScale: number | undefined;
}

/** A dense float32 tensor in row-major order. */
export interface Tensor {
  data: Float32Array;
  dims: number[];
}

export interface ForwardResult {
  /** Captured hooks: [B,T,H] each. */
  hooks: Partial<Record<HookName, Tensor>>;
  /** [B,T,V] ('all') or [B,V] ('last' = last non-padding token of each row). */
  logits?: Tensor;
}

export interface GenerateOptions {
  /** Prompts as token ids (unequal lengths are left-padded). */
  prompts: number[][];
  maxNewTokens: number;
  /**
   * Greedy unless `doSample` is true or `temperature` > 0 (then `doSample` defaults to true). When sampling,
   * temperature, topK, topP and minP not given here come from the checkpoint's generation_config.json, else
   * transformers' defaults (1, 50, 1, none), as in transformers' generate (src/runtime/generation-config.ts).
   */
  temperature?: number;
  doSample?: boolean;
  /** 0 = no top-k. */
  topK?: number;
  /** 1 = no top-p. */
  topP?: number;
  /** null = no min-p. */
  minP?: number | null;
  /** Applies to greedy decoding too; default from generation_config.json, else 1 (off). */
  repetitionPenalty?: number;
  /**
   * Every row draws from its own seeded stream, so a row's tokens depend on its prompt, steering, LoRA scale
   * and seed, never on which rows share its batch (up to float rounding of the padded batch). Row b's
   * stream is seeded with rowSeeds[b] when given, else with `${seed}/${b}`.
   */
  seed?: string | number;
  rowSeeds?: string[];
  steer?: SteerIntervention[];
  loraScale?: number | number[];
  /** Stop a row when it emits one of these; defaults to the model's EOS ids. */
  eosTokenIds?: number[];
}

export interface GenerateResult {
  /** New tokens per row (without the prompt, without padding, EOS included if emitted). */
  tokens: number[][];
  /** The sampling settings this call used and where each came from. */
  sampling: SamplingSettings;
}

export interface ModelInfo {
  /** config.json's model_type, e.g. 'qwen3'. */
  modelType: string;
  numLayers: number;
  hiddenSize: number;
  vocabSize: number;
  eosTokenIds: number[];
  padTokenId: number | null;
  /** Sampling fields of the checkpoint's generation_config.json ({} when it has none). */
  generationDefaults: GenerationDefaults;
  /** false for a bare base-model checkpoint with untied embeddings and no lm_head: hidden states only. */
  logits: boolean;
  /** Folder of the checkpoint (and of the adapter, when one is applied). */
  modelPath: string;
  adapterPath?: string;
  /** sha256 over the checkpoint (+ adapter) files: the key of every cache built from this model. */
  contentHash: string;
  /** Where the sessions run and the weight precision (LoadOptions.device, .precision, defaults resolved). */
  device: NonNullable<LoadOptions['device']>;
  precision: NonNullable<LoadOptions['precision']>;
}

export interface LoadOptions {
  /** A PEFT LoRA adapter folder applied as a runtime-scaled branch. */
  adapter?: string;
  /** Where built graphs and converted weights are cached (default: $DIFFBENCH_CACHE or ~/.cache/diffbench). */
  cacheDir?: string;
  /**
   * Where the sessions run (src/runtime/device.ts): 'cpu' (default), 'webgpu' (bundled with onnxruntime-node; needs a
   * GPU adapter, or Mesa's lavapipe for a slow software one) or 'cuda' (opt-in binaries, README "GPU execution").
   * Loading fails with a DeviceUnavailableError saying how to get a missing one. The graph variant can differ per
   * device where kernels differ (model.ts deviceVariant); part of the cache key.
   */
  device?: 'cpu' | 'webgpu' | 'cuda';
  /** Intra-op threads (default: ONNX Runtime's choice, one per physical core). */
  threads?: number;
  /**
   * Let ONNX Runtime's idle worker threads spin (busy-wait) for the next piece of work (default false).
   * Spinning saves microseconds per operator on an idle machine, but two processes on the same cores
   * starve each other (reports/perf/NOTES.md, contention); with it off, waiting threads sleep.
   */
  spinning?: boolean;
  /** Default LoRA scale when a call gives none (default 1 = finetuned). */
  defaultLoraScale?: number;
  /**
   * Ablation: override fields of the normalised model spec (src/runtime/config.ts), e.g.
   * `{ attnSoftcap: null }` or `{ family: {...spec.family, qkNorm: 'none'} }`. Used by the tests that
   * switch a feature off to show the reference fixtures detect it. Part of the cache key.
   */
  specOverrides?: Record<string, unknown>;
  /**
   * Graph variant: 'reference' = plain decomposition of every op (the conformance baseline);
   * 'fused' = ONNX Runtime's fused kernels where they match the reference. Part of the cache key.
   */
  graph?: 'reference' | 'fused';
  /**
   * Weight precision of the decoder's linear layers: 'fp32' (default) or an opt-in quantisation for
   * large models on CPU: 'int8' (int8 weights, one scale per output column; activations quantised per
   * row inside the kernel) or 'int4' (4-bit weights in blocks of 32). Activations are never quantised
   * across rows, so a row's result never depends on the other rows of the batch. 'fp16' (for GPUs): every
   * weight, activation and the KV cache in float16 (hooks and logits are returned as float32); on the CPU,
   * ONNX Runtime upcasts most float16 ops to float32, so it saves disk, not time. Part of the cache key.
   */
  precision?: 'fp32' | 'fp16' | 'int8' | 'int4';
  /**
   * Early exit: layers after which a forward may stop. When a forward's hooks all lie at or before such a layer
   * and it asks for no logits, the layers after it run on one position per row instead of all (ONNX Runtime
   * runs every node whatever is fetched, so collecting at the middle layer would otherwise pay for the whole
   * model; measured 1.9x faster ADL collection on the zoo, results identical). Costs a few Slice kernels per
   * forward (within noise on prefill and decode, reports/perf/NOTES.md change 18) and no memory.
   * Default: the middle layer floor((L-1)/2), the ADL's default layer; [] for none. Part of the cache key.
   */
  exitLayers?: number[];
  /** Receives load warnings (adapter tensors not applied, another base than the adapter names); default: stderr. */
  onWarning?: (message: string) => void;
}

export interface LanguageModel {
  readonly info: ModelInfo;
  forward(opts: ForwardOptions): Promise<ForwardResult>;
  /** Logit lens: residual vectors [N,H] -> logits [N,V] through the final norm and unembedding. */
  lens(resid: Float32Array, opts?: { softcap?: boolean }): Promise<Tensor>;
  generate(opts: GenerateOptions): Promise<GenerateResult>;
  /** The KV cache of `ids` (one row) for forward({ prefix }); optional: callers fall back to full forwards. */
  prefill?(ids: number[], opts?: { loraScale?: number }): Promise<PromptPrefix>;
  /** Input embedding matrix [V,H] (after any family-specific embedding scale is NOT applied). */
  embeddings(): Promise<Tensor>;
  /** Unembedding matrix [V,H] (lm_head, or the embedding when tied). */
  unembeddings(): Promise<Tensor>;
  dispose(): Promise<void>;
}
