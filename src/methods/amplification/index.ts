// Weight amplification (re-derived from the diffing toolkit's description): sample from
// base + a·(finetuned − base) for a in {2, 2.5, 3, -1}, which exaggerates (or, for a = -1, inverts)
// what the finetune learned. For a LoRA organism this is the adapter's scale (the runtime's loraScale
// input, per batch row). A full finetune would need the runtime to build a model from base + a·delta,
// which it cannot yet: the method then returns no samples and says so in its findings.
import { readPromptFile } from '../../adl/steps.ts';
import type { DiffingMethod, MethodOutput, SteeringSamples } from '../../method/types.ts';

export interface AmplificationConfig {
  /** Amplification factors a (1 = the finetune itself, the unsteered reference). At most 5. */
  alphas: number[];
  /** 'auto': completion prompts for the zoo's base LMs and tokenizers without a chat template, chat otherwise. */
  promptStyle: 'auto' | 'chat' | 'completion';
  prompts: number;
  samplesPerPrompt: number;
  maxNewTokens: number;
  temperature: number;
}

const HELP = `Generates from the model with the finetune's weight difference scaled by each a (LoRA organisms:
loraScale = a) and, as the reference, from the finetuned model (a = 1), on the ADL's steering prompts.
Returns:
  steering  one entry per a: variant amplify-<a> (amplify-2p5, amplify-neg1), strength |a|, layer 0 (the whole
            model is changed, not one layer); steered = amplified samples, unsteered = finetuned samples
  findings  a full finetune gets none of this: the runtime has no base + a·delta path yet
Config: alphas (<= 5), promptStyle, prompts, samplesPerPrompt, maxNewTokens, temperature.`;

const variantOf = (a: number) => `amplify-${a < 0 ? 'neg' : ''}${String(Math.abs(a)).replace('.', 'p')}`;

const amplification: DiffingMethod<AmplificationConfig> = {
  id: 'amplification',
  version: '1',
  description: 'Weight amplification: samples from base + a(ft - base), a in {2, 2.5, 3, -1} (LoRA organisms; full finetunes not yet)',
  help: HELP,
  configSchema: {
    type: 'object', additionalProperties: false, required: ['alphas', 'promptStyle', 'prompts', 'samplesPerPrompt', 'maxNewTokens', 'temperature'],
    properties: {
      alphas: { type: 'array', minItems: 1, maxItems: 5, items: { type: 'number', not: { const: 1 } } },
      promptStyle: { enum: ['auto', 'chat', 'completion'] },
      prompts: { type: 'integer', minimum: 1 },
      samplesPerPrompt: { type: 'integer', minimum: 1 },
      maxNewTokens: { type: 'integer', minimum: 1 },
      temperature: { type: 'number', minimum: 0 },
    },
  },
  defaultConfig: { alphas: [2, 2.5, 3, -1], promptStyle: 'auto', prompts: 10, samplesPerPrompt: 5, maxNewTokens: 40, temperature: 0.8 },
  settings: { fast: { prompts: 6, samplesPerPrompt: 2, maxNewTokens: 32 } },
  needs: { generation: true, unrelatedText: false },

  async run(ctx, config): Promise<MethodOutput> {
    if (ctx.finetunedScale === undefined || ctx.weights.kind !== 'lora') {
      return { findings: ['weight amplification of a full finetune needs a base + a·(ft − base) model, which the runtime cannot build yet; no samples'] };
    }
    const style = config.promptStyle !== 'auto' ? config.promptStyle
      : ctx.organism.organismId.startsWith('zoo/') || !ctx.tokenizer.applyChatTemplate ? 'completion' : 'chat';
    const prompts = readPromptFile(`${style}_final.txt`).slice(0, config.prompts);
    const encode = (p: string) => style === 'completion'
      ? ctx.tokenizer.encode(p)
      : ctx.tokenizer.encode(ctx.tokenizer.applyChatTemplate!([{ role: 'user', content: p }], { addGenerationPrompt: true, enableThinking: false }), { addSpecialTokens: false });
    const ids = prompts.map(encode);
    const K = config.samplesPerPrompt;
    const eos = new Set(ctx.finetuned.info.eosTokenIds);
    const sample = async (scale: number, seed: string): Promise<string[][]> => {
      const rows = ids.flatMap((p) => Array.from({ length: K }, () => p));
      const out = await ctx.finetuned.generate({ prompts: rows, maxNewTokens: config.maxNewTokens, temperature: config.temperature, seed, loraScale: scale * ctx.finetunedScale! });
      const texts = out.tokens.map((t) => ctx.tokenizer.decode(t.filter((id) => !eos.has(id))));
      return prompts.map((_, i) => texts.slice(i * K, (i + 1) * K));
    };
    // the same seed for the reference and every a: the samples differ only by the amplification
    const unsteered = await sample(1, `${ctx.seed}/amplification`);
    const steering: SteeringSamples[] = [];
    for (const [i, a] of config.alphas.entries()) {
      steering.push({ variant: variantOf(a), layer: 0, position: i, strength: Math.abs(a), prompts, steered: await sample(a, `${ctx.seed}/amplification`), unsteered });
      ctx.progress('amplification', i + 1, config.alphas.length);
    }
    return { steering, findings: steering.map((s) => `${s.variant}: ${s.steered[0][0]}`) };
  },
};

export default amplification;
