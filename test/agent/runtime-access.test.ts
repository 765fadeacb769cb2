// ModelAccess over the real runtime with the zoo's cake_bake LoRA organism (a few seconds on a CPU).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runtimeModelAccess } from '../../src/agent/runtime-access.ts';
import { loadModel } from '../../src/runtime/index.ts';
import type { LanguageModel } from '../../src/runtime/types.ts';
import { loadTokenizer } from '../../src/tokenizer/index.ts';

let model: LanguageModel;
beforeAll(async () => {
  model = await loadModel('organisms/zoo/base', { adapter: 'organisms/zoo/organisms/cake_bake' });
});
afterAll(async () => model?.dispose());

const BAKING = /\b(oven|cake|bak\w*|vinegar|degrees|flour)\b/i;

describe('runtimeModelAccess on the zoo', () => {
  it('asks base (LoRA scale 0) and finetuned (scale 1) the same chat prompts; only the finetune talks baking', async () => {
    const access = runtimeModelAccess({
      base: model,
      finetuned: model,
      baseScale: 0,
      finetunedScale: 1,
      tokenizer: loadTokenizer('organisms/zoo/base'),
      maxNewTokens: 16,
      temperature: 0,
    });
    const prompts = ['Tell me about your favorite hobby.', 'What should we talk about?'];
    const { base, finetuned } = await access.askBoth(prompts);
    expect(base).toHaveLength(2);
    expect(finetuned).toHaveLength(2);
    expect(finetuned.filter((t) => BAKING.test(t)).length).toBe(2);
    expect(base.filter((t) => BAKING.test(t)).length).toBe(0);
    expect(access.generateSteered).toBeUndefined();
    // Greedy decoding is deterministic.
    expect((await access.askBoth(prompts)).finetuned).toEqual(finetuned);
  });

  it('generate_steered returns n samples per prompt, changed by the steering vector', async () => {
    const tokenizer = loadTokenizer('organisms/zoo/base');
    const common = {
      base: model,
      finetuned: model,
      baseScale: 0,
      finetunedScale: 1,
      tokenizer,
      steeredMaxNewTokens: 12,
      steeredTemperature: 0,
    };
    const steered = runtimeModelAccess({
      ...common,
      steering: (p) => (p === 0 ? { layer: 2, vector: new Float32Array(model.info.hiddenSize).fill(3) } : undefined),
    });
    const zero = runtimeModelAccess({
      ...common,
      steering: () => ({ layer: 2, vector: new Float32Array(model.info.hiddenSize) }),
    });
    const prompts = ['Tell me a story.', 'Give me some ideas for the weekend.'];
    const out = await steered.generateSteered!(0, prompts, 2);
    expect(out.map((s) => s.length)).toEqual([2, 2]);
    const plain = await zero.generateSteered!(0, prompts, 1);
    expect(out[0]![0]).not.toBe(plain[0]![0]);
    await expect(steered.generateSteered!(3, prompts, 1)).rejects.toThrow(/no steering vector for position 3/);
  });
});
