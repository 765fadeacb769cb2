// Baseline: unsteered generations. The finetuned model's own samples on the steering prompts, put in
// the `steered` slot (strength 0) so they are scored exactly like steered samples; the `unsteered`
// slot holds the base model's samples on the same prompts, the reference for "no finetune at all".
// Strength 0: nothing is steered, so its protocol steering gain is 0 (the do-nothing steering method).
import { absoluteLayer, type ADLConfig } from '../src/adl/config.ts';
import { contentKey } from '../src/adl/cache.ts';
import { Steerer } from '../src/adl/steering.ts';
import { pairOf, STEPS_VERSION, steeringPrompts, storeOf } from '../src/adl/steps.ts';
import type { MethodContext, MethodOutput } from '../src/method/types.ts';
import { adlBaseline } from './adl-baseline.ts';

export async function runUnsteered(ctx: MethodContext, config: ADLConfig): Promise<MethodOutput> {
  const store = storeOf(ctx);
  const prompts = steeringPrompts(ctx, config);
  const pair = pairOf(ctx);
  const cfg = config.steering.final;
  const sample = (side: 'base' | 'finetuned') => {
    const model = side === 'base' ? pair.base : pair.finetuned;
    const loraScale = side === 'base' ? pair.baseScale : pair.finetunedScale;
    const inputs = { v: STEPS_VERSION, model: model.info.contentHash, loraScale: loraScale ?? null, prompts: prompts.final, style: prompts.style, cfg, seed: ctx.seed };
    return store.step(`unsteered.${side}`, inputs, async () => {
      const steerer = new Steerer({ model, layer: 0, vector: new Float32Array(model.info.hiddenSize), loraScale, decode: (ids) => ctx.tokenizer.decode(ids) });
      const ids = prompts.final.map(prompts.encode);
      const rows = ids.flatMap((prompt, p) => Array.from({ length: cfg.samplesPerPrompt }, (_, j) => ({ prompt, strength: 0, p, j })));
      const out = prompts.final.map(() => new Array<string>(cfg.samplesPerPrompt));
      for (let start = 0; start < rows.length; start += cfg.maxBatchSize) {
        const batch = rows.slice(start, start + cfg.maxBatchSize);
        const texts = await steerer.sample(batch, { maxNewTokens: cfg.maxNewTokens, temperature: cfg.temperature, seed: `${ctx.seed}/unsteered/${side}/${start}/${contentKey(inputs).slice(0, 8)}` });
        batch.forEach((r, i) => (out[r.p][r.j] = texts[i]));
        ctx.progress(`unsteered ${side}`, Math.min(start + cfg.maxBatchSize, rows.length), rows.length);
      }
      return out;
    });
  };
  const finetuned = await sample('finetuned');
  const base = await sample('base');
  // Strength 0 at the layer ADL steers: no direction, so the protocol's steering gain is 0 by definition.
  const layer = absoluteLayer(config.layers[0], pair.finetuned.info.numLayers);
  return { steering: [{ variant: 'unsteered', layer, position: 0, strength: 0, prompts: prompts.final, steered: finetuned, unsteered: base }] };
}

export default adlBaseline('unsteered', { generation: true, unrelatedText: false }, runUnsteered);
