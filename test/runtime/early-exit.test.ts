// LoadOptions.exitLayers: when a forward needs nothing beyond an exit layer, the layers after it run on one
// position per row instead of all. The answers must be exactly those of the plain graph, and the cut must happen.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../../src/runtime/index.ts';
import type { LanguageModel } from '../../src/runtime/types.ts';
import { testCacheDir, ZOO_BASE, zooAdapter } from '../helpers.ts';

const rows = [
  [5, 17, 99, 3, 250, 41, 7, 8],
  [9, 120, 33, 1000],
];

/** Max |a - b| over two arrays of equal length (exactness: the same kernels run on the same inputs). */
function maxDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Also fetches `extra` from the session on every run and records its dims (how many positions ORT computed). */
function spyOn(model: LanguageModel, extra: string): number[][] {
  const session = (
    model as unknown as { session: { run: (f: unknown, o: string[]) => Promise<Record<string, { dims: number[] }>> } }
  ).session;
  const run = session.run.bind(session);
  const seen: number[][] = [];
  session.run = async (feeds, fetches) => {
    const out = await run(feeds, [...fetches, extra]);
    seen.push([...out[extra].dims]);
    return out;
  };
  return seen;
}

describe('early exit (zoo base, exits after layers 1 and 3 of 6)', () => {
  let plain: LanguageModel, exiting: LanguageModel;
  beforeAll(async () => {
    plain = await loadModel(ZOO_BASE, { cacheDir: testCacheDir(), exitLayers: [] });
    exiting = await loadModel(ZOO_BASE, { cacheDir: testCacheDir(), exitLayers: [3, 1] });
  });
  afterAll(async () => {
    await plain?.dispose();
    await exiting?.dispose();
  });

  it.each(['resid_post.0', 'resid_post.1', 'resid_post.2', 'resid_post.3', 'resid_post.5', 'final_norm'] as const)(
    '%s without logits equals the plain graph',
    async (hook) => {
      const a = await plain.forward({ inputIds: rows, capture: [hook], logits: 'none' });
      const b = await exiting.forward({ inputIds: rows, capture: [hook], logits: 'none' });
      expect(maxDiff(a.hooks[hook]!.data, b.hooks[hook]!.data)).toBe(0);
    },
  );

  it('logits, hooks and generation equal the plain graph', async () => {
    const a = await plain.forward({ inputIds: rows, capture: ['resid_post.1', 'resid_post.4'], logits: 'all' });
    const b = await exiting.forward({ inputIds: rows, capture: ['resid_post.1', 'resid_post.4'], logits: 'all' });
    expect(maxDiff(a.logits!.data, b.logits!.data)).toBe(0);
    expect(maxDiff(a.hooks['resid_post.4']!.data, b.hooks['resid_post.4']!.data)).toBe(0);
    const ga = await plain.generate({ prompts: rows, maxNewTokens: 6, eosTokenIds: [] });
    const gb = await exiting.generate({ prompts: rows, maxNewTokens: 6, eosTokenIds: [] });
    expect(gb.tokens).toEqual(ga.tokens);
  });

  it('skips the layers after the exit when nothing beyond it is asked for, and only then', async () => {
    const seen = spyOn(exiting, 'resid_post.4');
    await exiting.forward({ inputIds: rows, capture: ['resid_post.1'], logits: 'none' }); // stops after layer 1
    await exiting.forward({ inputIds: rows, capture: ['resid_post.3'], logits: 'none' }); // stops after layer 3
    await exiting.forward({ inputIds: rows, capture: ['resid_post.3'], logits: 'last' }); // logits need every layer
    const H = exiting.info.hiddenSize;
    expect(seen[0]).toEqual([2, 1, H]);
    expect(seen[1]).toEqual([2, 1, H]);
    expect(seen[2]).toEqual([2, 8, H]);
  });

  it('by default exits after the middle layer floor((L-1)/2) = 2', async () => {
    const model = await loadModel(ZOO_BASE, { cacheDir: testCacheDir() });
    const seen = spyOn(model, 'resid_post.3');
    await model.forward({ inputIds: rows, capture: ['resid_post.2'], logits: 'none' });
    await model.forward({ inputIds: rows, capture: ['resid_post.3'], logits: 'none' });
    expect(seen).toEqual([
      [2, 1, model.info.hiddenSize],
      [2, 8, model.info.hiddenSize],
    ]);
    await model.dispose();
  });

  it('rejects exit layers that are not layers of the model', async () => {
    await expect(loadModel(ZOO_BASE, { cacheDir: testCacheDir(), exitLayers: [6] })).rejects.toThrow(
      /exitLayers: 6 is not a layer of this model \(0\.\.5\)/,
    );
  });
});

describe('early exit with a LoRA adapter (base and finetuned rows in one batch)', () => {
  it('hooks at the exit layer equal the plain graph at scales 0 and 1', async () => {
    const plain = await loadModel(ZOO_BASE, {
      cacheDir: testCacheDir(),
      adapter: zooAdapter('cake_bake'),
      exitLayers: [],
    });
    const exiting = await loadModel(ZOO_BASE, {
      cacheDir: testCacheDir(),
      adapter: zooAdapter('cake_bake'),
      exitLayers: [2],
    });
    const opts = {
      inputIds: [rows[0], rows[0]],
      capture: ['resid_post.2' as const],
      logits: 'none' as const,
      loraScale: [0, 1],
    };
    const a = await plain.forward(opts);
    const b = await exiting.forward(opts);
    expect(maxDiff(a.hooks['resid_post.2']!.data, b.hooks['resid_post.2']!.data)).toBe(0);
    await plain.dispose();
    await exiting.dispose();
  });
});

describe.each([
  ['gemma2', 'fused', 'fp32'], // sliding-window layers, sandwich norms, soft-capping (reference attention path)
  ['gemma3_text', 'fused', 'fp32'], // sliding and full layers with their own rotary tables (fused attention path)
  ['llama', 'reference', 'fp32'],
  ['qwen3', 'fused', 'int8'],
] as const)('early exit on %s (%s, %s)', (name, graph, precision) => {
  it('hooks at and before the exit, and logits, equal the plain graph', async () => {
    const dir = path.join('test', 'fixtures', 'hf-reference', name);
    const plain = await loadModel(dir, { cacheDir: testCacheDir(), graph, precision, exitLayers: [] });
    const exiting = await loadModel(dir, { cacheDir: testCacheDir(), graph, precision, exitLayers: [0] });
    const ids = [
      [5, 17, 99, 3, 25, 41],
      [9, 12, 33],
    ];
    for (const hook of ['resid_pre.0', 'resid_post.0'] as const) {
      const a = await plain.forward({ inputIds: ids, capture: [hook], logits: 'none' });
      const b = await exiting.forward({ inputIds: ids, capture: [hook], logits: 'none' });
      expect(maxDiff(a.hooks[hook]!.data, b.hooks[hook]!.data)).toBe(0);
    }
    const a = await plain.forward({ inputIds: ids, logits: 'all' });
    const b = await exiting.forward({ inputIds: ids, logits: 'all' });
    expect(maxDiff(a.logits!.data, b.logits!.data)).toBe(0);
    await plain.dispose();
    await exiting.dispose();
  });
});
