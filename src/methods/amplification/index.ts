// Weight amplification (the toolkit's weight_amplification run): samples from the finetune with its weight
// difference scaled by a in the layers of a relative range (the toolkit's presets: a = 2, 2.5, 3 on layers
// 0..round(0.8·(L−1)), the finetune unchanged elsewhere), which exaggerates what the finetune learned; the
// finetuned model's own samples are the reference. A LoRA organism gets an amplified adapter (lora_B of
// those layers × a); when the range covers every layer this is the adapter's runtime scale instead. A full
// finetune (which the toolkit does not amplify) gets an amplified checkpoint.
import { readPromptFile } from '../../adl/steps.ts';
import type { DiffingMethod, MethodContext, MethodOutput, SteeringSamples } from '../../method/types.ts';
import { loadModel, type LanguageModel } from '../../runtime/index.ts';
import { amplifiedAdapter, amplifiedCheckpoint, amplifiedLayers } from './amplified.ts';

export interface AmplificationConfig {
  /** Amplification factors a (1 = the finetune itself, the unsteered reference). At most 5. */
  alphas: number[];
  /** Relative layer range [start, end] amplified (round(r·(L−1)) each, inclusive). */
  layers: [number, number];
  /** 'auto': completion prompts for the zoo's base LMs and tokenizers without a chat template, chat otherwise. */
  promptStyle: 'auto' | 'chat' | 'completion';
  /** Use the first this-many prompts of the prompt file (absent: all). */
  prompts?: number;
  /** The chat template's enable_thinking (absent: the template's default, as the toolkit applies it). */
  enableThinking?: boolean;
  samplesPerPrompt: number;
  maxNewTokens: number;
  temperature: number;
  /** Sampling overrides of the checkpoint's generation_config.json (0 / 1 = off; absent: it, else transformers'). */
  topK?: number;
  topP?: number;
  repetitionPenalty?: number;
}

const HELP = `Generates from the finetune with its weight difference scaled by each a in the layers 'layers' (relative
range; a LoRA organism: an adapter with lora_B × a there, or the adapter's scale when every layer is in the range;
a full finetune: an amplified checkpoint) and, as the reference, from the finetuned model (a = 1), on the ADL's
steering prompts.
Returns:
  steering  one entry per a: variant amplify-<a> (amplify-2p5, amplify-neg1), strength |a|, layer the range's
            first layer; steered = amplified samples, unsteered = finetuned samples
Config: alphas (<= 5), layers, promptStyle, prompts, enableThinking, samplesPerPrompt, maxNewTokens, temperature,
topK, topP, repetitionPenalty. Defaults: the toolkit's (a 2, 2.5, 3 on layers 0-0.8, T 1.0, top-p 0.9, no top-k,
no repetition penalty, 256 tokens, 5 samples per prompt).`;

const variantOf = (a: number) => `amplify-${a < 0 ? 'neg' : ''}${String(Math.abs(a)).replace('.', 'p')}`;

function encoderOf(ctx: MethodContext, config: AmplificationConfig) {
  const style =
    config.promptStyle !== 'auto'
      ? config.promptStyle
      : ctx.organism.organismId.startsWith('zoo/') || !ctx.tokenizer.applyChatTemplate
        ? 'completion'
        : 'chat';
  const encode = (p: string) =>
    style === 'completion'
      ? ctx.tokenizer.encode(p)
      : ctx.tokenizer.encode(
          ctx.tokenizer.applyChatTemplate!([{ role: 'user', content: p }], {
            addGenerationPrompt: true,
            ...(config.enableThinking !== undefined ? { enableThinking: config.enableThinking } : {}),
          }),
          { addSpecialTokens: false },
        );
  return { style, encode };
}

/** Relations between config fields (the harness calls it before anything runs, so a bad value is exit 2). */
function checkConfig(config: AmplificationConfig): void {
  if (config.layers[0] > config.layers[1])
    throw new Error(`amplification: layers [${config.layers}] must be a range [start, end] with start <= end`);
}

const amplification: DiffingMethod<AmplificationConfig> = {
  id: 'amplification',
  version: '2',
  description:
    'Weight amplification: samples from the finetune with its weight difference x a in layers 0-80% (a = 2, 2.5, 3: the LoRA B matrices, or an amplified checkpoint for full finetunes)',
  help: HELP,
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['alphas', 'layers', 'promptStyle', 'samplesPerPrompt', 'maxNewTokens', 'temperature'],
    properties: {
      alphas: { type: 'array', minItems: 1, maxItems: 5, items: { type: 'number', not: { const: 1 } } },
      layers: {
        type: 'array',
        minItems: 2,
        maxItems: 2,
        items: { type: 'number', minimum: 0, maximum: 1 },
      },
      promptStyle: { enum: ['auto', 'chat', 'completion'] },
      prompts: { type: 'integer', minimum: 1 },
      enableThinking: { type: 'boolean' },
      samplesPerPrompt: { type: 'integer', minimum: 1 },
      maxNewTokens: { type: 'integer', minimum: 1 },
      temperature: { type: 'number', minimum: 0 },
      topK: { type: 'integer', minimum: 0 },
      topP: { type: 'number', minimum: 0, maximum: 1 },
      repetitionPenalty: { type: 'number', exclusiveMinimum: 0 },
    },
  },
  // the toolkit's weight_amplification run defaults (vLLM sampling: no top-k, no repetition penalty)
  defaultConfig: {
    alphas: [2, 2.5, 3],
    layers: [0, 0.8],
    promptStyle: 'auto',
    samplesPerPrompt: 5,
    maxNewTokens: 256,
    temperature: 1.0,
    topK: 0,
    topP: 0.9,
    repetitionPenalty: 1,
  },
  settings: { fast: { prompts: 6, samplesPerPrompt: 2, maxNewTokens: 32 } },
  needs: { generation: true, unrelatedText: false },

  checkConfig,

  async run(ctx, config): Promise<MethodOutput> {
    checkConfig(config);
    const { encode } = encoderOf(ctx, config);
    const prompts = readPromptFile(`${encoderOf(ctx, config).style}_final.txt`).slice(0, config.prompts);
    const K = config.samplesPerPrompt;
    const eos = new Set(ctx.finetuned.info.eosTokenIds);
    const rows = prompts.map(encode).flatMap((p) => Array.from({ length: K }, () => p));
    const L = ctx.finetuned.info.numLayers;
    const layers = amplifiedLayers(config.layers, L);
    const everyLayer = layers.length === L;
    // the same seed for the reference and every a: the samples differ only by the amplification
    const seed = `${ctx.seed}/amplification`;
    const sample = async (model: LanguageModel, loraScale?: number): Promise<string[][]> => {
      const out = await model.generate({
        prompts: rows,
        maxNewTokens: config.maxNewTokens,
        temperature: config.temperature,
        ...(config.topK !== undefined ? { topK: config.topK } : {}),
        ...(config.topP !== undefined ? { topP: config.topP } : {}),
        ...(config.repetitionPenalty !== undefined ? { repetitionPenalty: config.repetitionPenalty } : {}),
        seed,
        loraScale,
      });
      const texts = out.tokens.map((t) => ctx.tokenizer.decode(t.filter((id) => !eos.has(id))));
      return prompts.map((_, i) => texts.slice(i * K, (i + 1) * K));
    };
    const withModel = async (
      dir: string,
      opts: { adapter?: string },
      run: (m: LanguageModel) => Promise<string[][]>,
    ) => {
      const model = await loadModel(dir, opts);
      try {
        return await run(model);
      } finally {
        await model.dispose();
      }
    };
    const lora = ctx.weights.kind === 'lora' && ctx.finetunedScale !== undefined;
    const adapterDir = ctx.finetuned.info.adapterPath;
    const unsteered = await sample(ctx.finetuned, ctx.finetunedScale);
    const steering: SteeringSamples[] = [];
    for (const [i, a] of config.alphas.entries()) {
      let steered: string[][];
      if (lora && everyLayer) steered = await sample(ctx.finetuned, a * ctx.finetunedScale!);
      else if (lora) {
        if (!adapterDir) throw new Error('amplification: the LoRA organism was loaded without an adapter folder');
        const adapter = amplifiedAdapter(ctx, adapterDir, a, layers);
        steered = await withModel(ctx.base.info.modelPath, { adapter }, (m) => sample(m, ctx.finetunedScale));
      } else steered = await withModel(amplifiedCheckpoint(ctx, a, layers, everyLayer), {}, (m) => sample(m));
      steering.push({
        variant: variantOf(a),
        layer: everyLayer ? 0 : layers[0],
        position: i,
        strength: Math.abs(a),
        prompts,
        steered,
        unsteered,
      });
      ctx.progress('amplification', i + 1, config.alphas.length);
    }
    return {
      steering,
      details: { layers },
      findings: steering.map((s) => `${s.variant} (layers ${layers[0]}-${layers.at(-1)}): ${s.steered[0][0]}`),
    };
  },
};

export default amplification;
