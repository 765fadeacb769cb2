// Weight amplification (re-derived from the diffing toolkit's description): sample from
// base + a·(finetuned − base) for a in {2, 2.5, 3, -1}, which exaggerates (or, for a = -1, inverts)
// what the finetune learned. For a LoRA organism this is the adapter's scale (the runtime's loraScale
// input, per batch row). For a full finetune the method writes the amplified checkpoint (every tensor
// base + a·(ft − base), float32, under the method's work folder) and loads it through the runtime; the
// tensors are held in memory while writing, so this path is for models that fit in memory a few times.
import fs from 'node:fs';
import path from 'node:path';
import { readPromptFile } from '../../adl/steps.ts';
import type { DiffingMethod, MethodContext, MethodOutput, SteeringSamples } from '../../method/types.ts';
import { writeSafetensors } from '../../perf/synthetic.ts';
import { openCheckpoint } from '../../runtime/checkpoint.ts';
import { loadModel, type LanguageModel } from '../../runtime/index.ts';

/** A checkpoint folder with base + a·(ft − base) for every tensor of the finetune (cached by content and a). */
function amplifiedCheckpoint(ctx: MethodContext, a: number): string {
  const dir = path.join(
    ctx.cacheDir,
    'amplification',
    `${ctx.finetuned.info.contentHash.slice(0, 16)}-${ctx.base.info.contentHash.slice(0, 16)}-a${a}-v1`,
  ); // v1: bump when the recipe changes
  if (fs.existsSync(path.join(dir, 'model.safetensors'))) return dir;
  const base = openCheckpoint(ctx.base.info.modelPath),
    ft = openCheckpoint(ctx.finetuned.info.modelPath);
  const tensors: Record<string, { dims: number[]; data: Float32Array }> = {};
  for (const name of ft.tensors.keys()) {
    const f = ft.read(name);
    if (!base.has(name))
      throw new Error(
        `amplification: the finetune's tensor '${name}' is not in the base checkpoint ${ctx.base.info.modelPath}`,
      );
    const b = base.read(name);
    if (b.length !== f.length)
      throw new Error(
        `amplification: tensor '${name}' has shape [${base.shape(name)}] in the base but [${ft.shape(name)}] in the finetune`,
      );
    tensors[name] = { dims: ft.shape(name), data: f.map((x, i) => b[i] + a * (x - b[i])) };
  }
  const tmp = `${dir}.${process.pid}.tmp`;
  fs.mkdirSync(tmp, { recursive: true });
  for (const file of ['config.json', 'generation_config.json']) {
    const src = path.join(ctx.finetuned.info.modelPath, file);
    if (fs.existsSync(src)) fs.copyFileSync(src, path.join(tmp, file));
  }
  writeSafetensors(path.join(tmp, 'model.safetensors'), tensors);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(tmp, dir);
  return dir;
}

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
loraScale = a; full finetunes: an amplified checkpoint) and, as the reference, from the finetuned model (a = 1), on the ADL's steering prompts.
Returns:
  steering  one entry per a: variant amplify-<a> (amplify-2p5, amplify-neg1), strength |a|, layer 0 (the whole
            model is changed, not one layer); steered = amplified samples, unsteered = finetuned samples
  (full finetunes: the amplified checkpoint is written under the method's work folder and loaded)
Config: alphas (<= 5), promptStyle, prompts, samplesPerPrompt, maxNewTokens, temperature.`;

const variantOf = (a: number) => `amplify-${a < 0 ? 'neg' : ''}${String(Math.abs(a)).replace('.', 'p')}`;

const amplification: DiffingMethod<AmplificationConfig> = {
  id: 'amplification',
  version: '1',
  description:
    'Weight amplification: samples from base + a(ft - base), a in {2, 2.5, 3, -1} (LoRA scale, or an amplified checkpoint for full finetunes)',
  help: HELP,
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['alphas', 'promptStyle', 'prompts', 'samplesPerPrompt', 'maxNewTokens', 'temperature'],
    properties: {
      alphas: { type: 'array', minItems: 1, maxItems: 5, items: { type: 'number', not: { const: 1 } } },
      promptStyle: { enum: ['auto', 'chat', 'completion'] },
      prompts: { type: 'integer', minimum: 1 },
      samplesPerPrompt: { type: 'integer', minimum: 1 },
      maxNewTokens: { type: 'integer', minimum: 1 },
      temperature: { type: 'number', minimum: 0 },
    },
  },
  defaultConfig: {
    alphas: [2, 2.5, 3, -1],
    promptStyle: 'auto',
    prompts: 10,
    samplesPerPrompt: 5,
    maxNewTokens: 40,
    temperature: 0.8,
  },
  settings: { fast: { prompts: 6, samplesPerPrompt: 2, maxNewTokens: 32 } },
  needs: { generation: true, unrelatedText: false },

  async run(ctx, config): Promise<MethodOutput> {
    const style =
      config.promptStyle !== 'auto'
        ? config.promptStyle
        : ctx.organism.organismId.startsWith('zoo/') || !ctx.tokenizer.applyChatTemplate
          ? 'completion'
          : 'chat';
    const prompts = readPromptFile(`${style}_final.txt`).slice(0, config.prompts);
    const encode = (p: string) =>
      style === 'completion'
        ? ctx.tokenizer.encode(p)
        : ctx.tokenizer.encode(
            ctx.tokenizer.applyChatTemplate!([{ role: 'user', content: p }], {
              addGenerationPrompt: true,
              enableThinking: false,
            }),
            { addSpecialTokens: false },
          );
    const ids = prompts.map(encode);
    const K = config.samplesPerPrompt;
    const eos = new Set(ctx.finetuned.info.eosTokenIds);
    const rows = ids.flatMap((p) => Array.from({ length: K }, () => p));
    // the same seed for the reference and every a: the samples differ only by the amplification
    const seed = `${ctx.seed}/amplification`;
    const sample = async (model: LanguageModel, loraScale?: number): Promise<string[][]> => {
      const out = await model.generate({
        prompts: rows,
        maxNewTokens: config.maxNewTokens,
        temperature: config.temperature,
        seed,
        loraScale,
      });
      const texts = out.tokens.map((t) => ctx.tokenizer.decode(t.filter((id) => !eos.has(id))));
      return prompts.map((_, i) => texts.slice(i * K, (i + 1) * K));
    };
    const lora = ctx.weights.kind === 'lora' && ctx.finetunedScale !== undefined;
    const unsteered = await sample(ctx.finetuned, ctx.finetunedScale);
    const steering: SteeringSamples[] = [];
    for (const [i, a] of config.alphas.entries()) {
      let steered: string[][];
      if (lora) steered = await sample(ctx.finetuned, a * ctx.finetunedScale!);
      else {
        const model = await loadModel(amplifiedCheckpoint(ctx, a));
        try {
          steered = await sample(model);
        } finally {
          await model.dispose();
        }
      }
      steering.push({
        variant: variantOf(a),
        layer: 0,
        position: i,
        strength: Math.abs(a),
        prompts,
        steered,
        unsteered,
      });
      ctx.progress('amplification', i + 1, config.alphas.length);
    }
    return { steering, findings: steering.map((s) => `${s.variant}: ${s.steered[0][0]}`) };
  },
};

export default amplification;
