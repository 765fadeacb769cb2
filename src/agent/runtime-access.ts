// ModelAccess over DiffBench's own runtime: ask_model wraps each prompt as one chat turn and samples
// from base and finetuned; generate_steered adds the method's vector to the finetuned model.
import type { MethodContext, ModelPair } from '../method/types.ts';
import type { LanguageModel, SteerIntervention } from '../runtime/types.ts';
import type { ModelAccess } from './types.ts';

export interface RuntimeAccessOptions extends ModelPair {
  tokenizer: MethodContext['tokenizer'];
  /** docs/toolkit.md#agents ask_model: 1024 new tokens at T = 0.8; generate_steered: 512 at T = 1.0. */
  maxNewTokens?: number;
  temperature?: number;
  steeredMaxNewTokens?: number;
  steeredTemperature?: number;
  seed?: string;
  /** The steering intervention (vector already scaled to the chosen strength) for a position. */
  steering?(position: number): SteerIntervention | undefined;
}

export function runtimeModelAccess(o: RuntimeAccessOptions): ModelAccess {
  const encodeChat = (prompt: string): number[] => {
    const text = o.tokenizer.applyChatTemplate
      ? o.tokenizer.applyChatTemplate([{ role: 'user', content: prompt }], {
          addGenerationPrompt: true,
          enableThinking: false,
        })
      : prompt;
    // The template already holds any BOS it wants; adding special tokens again would double it.
    return o.tokenizer.encode(text, { addSpecialTokens: !o.tokenizer.applyChatTemplate });
  };
  let calls = 0;
  const seed = (tag: string) => `${o.seed ?? 'agent'}:${tag}:${calls++}`;

  const sample = async (
    model: LanguageModel,
    loraScale: number | undefined,
    prompts: number[][],
    extra: { steer?: SteerIntervention[]; maxNewTokens: number; temperature: number; tag: string },
  ) => {
    const { tokens } = await model.generate({
      prompts,
      maxNewTokens: extra.maxNewTokens,
      temperature: extra.temperature,
      seed: seed(extra.tag),
      ...(extra.steer ? { steer: extra.steer } : {}),
      ...(loraScale !== undefined ? { loraScale } : {}),
    });
    return tokens.map((t) => o.tokenizer.decode(t.filter((id) => !model.info.eosTokenIds.includes(id))));
  };

  const access: ModelAccess = {
    async askBoth(prompts) {
      const ids = prompts.map(encodeChat);
      const settings = { maxNewTokens: o.maxNewTokens ?? 1024, temperature: o.temperature ?? 0.8 };
      const base = await sample(o.base, o.baseScale, ids, { ...settings, tag: 'base' });
      const finetuned = await sample(o.finetuned, o.finetunedScale, ids, { ...settings, tag: 'finetuned' });
      return { base, finetuned };
    },
  };
  if (o.steering) {
    const steering = o.steering;
    access.generateSteered = async (position, prompts, n) => {
      const steer = steering(position);
      if (!steer) throw new Error(`generate_steered: no steering vector for position ${position}`);
      const rows = prompts.flatMap((p) => new Array<number[]>(n).fill(encodeChat(p)));
      const texts = await sample(o.finetuned, o.finetunedScale, rows, {
        steer: [steer],
        maxNewTokens: o.steeredMaxNewTokens ?? 512,
        temperature: o.steeredTemperature ?? 1.0,
        tag: `steer${position}`,
      });
      return prompts.map((_, i) => texts.slice(i * n, (i + 1) * n));
    };
  }
  return access;
}
