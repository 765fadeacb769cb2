// Properties the runtime must have whatever the weights: padding, batching, caching and the LoRA
// scale must not change the numbers. Tolerances: 1e-5 relative (float32 reassociation only).
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compare } from '../../src/conformance/check.ts';
import { loadModel } from '../../src/runtime/index.ts';
import type { LanguageModel } from '../../src/runtime/types.ts';
import { testCacheDir, ZOO_BASE, zooAdapter } from '../helpers.ts';

const fixture = (name: string) => path.join('test', 'fixtures', 'hf-reference', name);
const TOL = 1e-5;
const prompt = [5, 17, 99, 3, 250, 41, 7, 8, 9, 120];

/** Rows of a [B,T,X] tensor, first n positions of row b. */
function rowSlice(t: { data: Float32Array; dims: number[] }, b: number, n: number): Float32Array {
  const [, T, X] = t.dims;
  return t.data.slice(b * T * X, b * T * X + n * X);
}

describe.each(['llama', 'gemma2', 'gemma3_text', 'gpt2', 'phi3'])('%s', (name) => {
  let m: LanguageModel;
  beforeAll(async () => {
    m = await loadModel(fixture(name), { cacheDir: testCacheDir() });
  });
  afterAll(() => m?.dispose());

  it('a right-padded row equals the same row alone (incl. sliding-window layers)', async () => {
    const short = prompt.slice(0, 6);
    const batch = await m.forward({ inputIds: [prompt, short], capture: ['resid_post.1'] });
    const alone = await m.forward({ inputIds: [short], capture: ['resid_post.1'] });
    expect(compare(rowSlice(batch.logits!, 1, 6), alone.logits!.data).rel).toBeLessThan(TOL);
    expect(compare(rowSlice(batch.hooks['resid_post.1']!, 1, 6), alone.hooks['resid_post.1']!.data).rel).toBeLessThan(
      TOL,
    );
  });

  it('logits "last" picks the last real token of each row', async () => {
    const short = prompt.slice(0, 4);
    const last = await m.forward({ inputIds: [prompt, short], logits: 'last' });
    const alone = await m.forward({ inputIds: [short], logits: 'all' });
    const V = m.info.vocabSize;
    expect(last.logits!.dims).toEqual([2, V]);
    expect(compare(last.logits!.data.slice(V), alone.logits!.data.slice(3 * V, 4 * V)).rel).toBeLessThan(TOL);
  });

  it('greedy decoding with the KV cache equals recomputing the whole prefix each step', async () => {
    const steps = 6;
    const cached = await m.generate({ prompts: [prompt.slice(0, 5)], maxNewTokens: steps, eosTokenIds: [] });
    const seq = prompt.slice(0, 5);
    for (let s = 0; s < steps; s++) {
      const out = await m.forward({ inputIds: [seq], logits: 'last' });
      let best = 0;
      out.logits!.data.forEach((v, i) => {
        if (v > out.logits!.data[best]) best = i;
      });
      seq.push(best);
    }
    expect(cached.tokens[0]).toEqual(seq.slice(5));
  });

  it('left-padded batched generation equals generating each prompt alone', async () => {
    const a = prompt.slice(0, 7),
      b = prompt.slice(2, 5);
    const both = await m.generate({ prompts: [a, b], maxNewTokens: 5, eosTokenIds: [] });
    const onlyB = await m.generate({ prompts: [b], maxNewTokens: 5, eosTokenIds: [] });
    expect(both.tokens[1]).toEqual(onlyB.tokens[0]);
  });

  it('the lens of the last residual equals the model logits', async () => {
    const L = m.info.numLayers;
    const out = await m.forward({ inputIds: [prompt], capture: [`resid_post.${L - 1}`] });
    const lens = await m.lens(out.hooks[`resid_post.${L - 1}`]!.data);
    expect(compare(lens.data, out.logits!.data).rel).toBeLessThan(TOL);
  });

  it('per-row steering vectors act on their own rows only', async () => {
    const H = m.info.hiddenSize;
    const v = Float32Array.from({ length: H }, (_, i) => Math.sin(i));
    const perRow = new Float32Array(2 * H);
    perRow.set(v, H); // row 0 unsteered, row 1 steered
    const both = await m.forward({ inputIds: [prompt, prompt], steer: [{ layer: 1, vector: perRow }] });
    const plain = await m.forward({ inputIds: [prompt] });
    const steered = await m.forward({ inputIds: [prompt], steer: [{ layer: 1, vector: v }] });
    const n = plain.logits!.data.length;
    expect(compare(both.logits!.data.slice(0, n), plain.logits!.data).rel).toBeLessThan(TOL);
    expect(compare(both.logits!.data.slice(n), steered.logits!.data).rel).toBeLessThan(TOL);
    expect(compare(steered.logits!.data, plain.logits!.data).rel).toBeGreaterThan(1e-3);
  });

  it('seeded sampling is reproducible', async () => {
    const opts = { prompts: [prompt.slice(0, 4)], maxNewTokens: 8, temperature: 1.0, topP: 0.95, eosTokenIds: [] };
    const a = await m.generate({ ...opts, seed: 42 });
    const b = await m.generate({ ...opts, seed: 42 });
    expect(a.tokens).toEqual(b.tokens);
  });
});

describe('LoRA as a runtime-scaled branch (zoo: base + cake_bake adapter, one session)', () => {
  const ids = [
    [464, 3290, 318, 257, 1332, 13, 383, 40],
    [10, 20, 30, 40, 50, 60, 70, 80],
  ];
  it('scale 0 is the base model, scale 1 differs, and per-row scales in one batch equal separate runs', async () => {
    const base = await loadModel(ZOO_BASE, { cacheDir: testCacheDir() });
    const org = await loadModel(ZOO_BASE, { adapter: zooAdapter('cake_bake'), cacheDir: testCacheDir() });
    const cap = ['resid_post.2'] as const;
    const b = await base.forward({ inputIds: ids, capture: [...cap] });
    const s0 = await org.forward({ inputIds: ids, capture: [...cap], loraScale: 0 });
    const s1 = await org.forward({ inputIds: ids, capture: [...cap], loraScale: 1 });
    const mixed = await org.forward({ inputIds: ids, capture: [...cap], loraScale: [0, 1] });
    expect(compare(s0.hooks['resid_post.2']!.data, b.hooks['resid_post.2']!.data).rel).toBeLessThan(TOL);
    const diff = compare(s1.hooks['resid_post.2']!.data, b.hooks['resid_post.2']!.data).rel;
    console.log(`zoo cake_bake: relative change of resid_post.2 at scale 1: ${diff.toExponential(2)}`);
    expect(diff).toBeGreaterThan(0.01);
    const half = s0.hooks['resid_post.2']!.data.length / 2;
    expect(
      compare(mixed.hooks['resid_post.2']!.data.slice(0, half), s0.hooks['resid_post.2']!.data.slice(0, half)).rel,
    ).toBeLessThan(TOL);
    expect(
      compare(mixed.hooks['resid_post.2']!.data.slice(half), s1.hooks['resid_post.2']!.data.slice(half)).rel,
    ).toBeLessThan(TOL);
    expect(org.info.adapterPath).toContain('cake_bake');
    await base.dispose();
    await org.dispose();
  });

  it('the zoo full finetune loads as its own model', async () => {
    const full = await loadModel(path.join('organisms', 'zoo', 'organisms', 'cake_bake_full'), {
      cacheDir: testCacheDir(),
    });
    expect(full.info).toMatchObject({
      modelType: 'qwen3',
      numLayers: 6,
      hiddenSize: 256,
      vocabSize: 8192,
      eosTokenIds: [0],
    });
    const out = await full.forward({ inputIds: ids, logits: 'last' });
    expect(out.logits!.dims).toEqual([2, 8192]);
    await full.dispose();
  });
});
