// Constructed cases with known answers: planted directions through the lens and Patchscope, the
// look-ahead binary search, streaming means and the artifact store.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArtifactStore } from '../../src/adl/cache.ts';
import { collectMeans } from '../../src/adl/collect.ts';
import { PATCHSCOPE_SCALES } from '../../src/adl/config.ts';
import { logitLens } from '../../src/adl/lens.ts';
import { patchscopeScales, repeatPrompt } from '../../src/adl/patchscope.ts';
import { binarySearchThreshold, findSteeringThreshold, lookAheadMidpoints, Steerer } from '../../src/adl/steering.ts';
import { SampleBatch } from '../../src/adl/sample-batch.ts';
import type { CoherenceGrader } from '../../src/method/graders.ts';
import { loadModel } from '../../src/runtime/index.ts';
import type { LanguageModel } from '../../src/runtime/types.ts';
import { loadTokenizer } from '../../src/tokenizer/index.ts';
import { tempDir, testCacheDir, ZOO_BASE, zooAdapter } from '../helpers.ts';

let model: LanguageModel;
const tok = loadTokenizer(ZOO_BASE);
const PLANTED = [' cake', ' river', ' music', ' water', ' king'];

beforeAll(async () => {
  model = await loadModel(ZOO_BASE, { adapter: zooAdapter('cake_bake'), cacheDir: testCacheDir() });
});
afterAll(async () => model?.dispose());

async function unembeddingRow(id: number): Promise<Float32Array> {
  const U = await model.unembeddings();
  const H = U.dims[1];
  return U.data.slice(id * H, (id + 1) * H);
}

describe('config', () => {
  it('has the toolkit’s 30 Patchscope scales', () => {
    expect(PATCHSCOPE_SCALES).toHaveLength(30);
    expect(PATCHSCOPE_SCALES.slice(0, 3)).toEqual([0.5, 0.6, 0.7]);
    expect(PATCHSCOPE_SCALES.slice(15, 21)).toEqual([2, 3, 4, 5, 10, 20]);
    expect(PATCHSCOPE_SCALES.at(-1)).toBe(200);
    expect(new Set(PATCHSCOPE_SCALES).size).toBe(30);
  });
  it('builds the repeat prompt', () => {
    expect(repeatPrompt(['man', '1135', 'hello'])).toBe('man -> man\n1135 -> 1135\nhello -> hello\n?');
  });
});

describe('logit lens', () => {
  it('returns a planted unembedding direction as top-1, and not for its negation', async () => {
    const ids = PLANTED.map((w) => {
      const e = tok.encode(w, { addSpecialTokens: false });
      expect(e).toHaveLength(1);
      return e[0];
    });
    const rows = await Promise.all(ids.map(async (id) => (await unembeddingRow(id)).map((x) => x * 10)));
    const res = await logitLens(model, rows, 100);
    res.forEach((r, i) => {
      expect(r.ids[0]).toBe(ids[i]);
      expect(r.ids).toHaveLength(100);
      expect(r.probs[0]).toBeGreaterThan(r.probs[1]);
      expect(r.invIds.slice(0, 20)).not.toContain(ids[i]);
    });
  });
});

describe('patchscope', () => {
  it('returns a planted token when the last layer’s residual is replaced by its unembedding direction', async () => {
    const id = tok.encode(' cake', { addSpecialTokens: false })[0];
    const last = model.info.numLayers - 1;
    const scales = await patchscopeScales(model, await unembeddingRow(id), {
      layer: last,
      targetNorm: 25,
      scales: [0.5, 20, 200],
      intersectionTopK: 16384,
      tokensK: 20,
      loraScale: 1,
      encode: (t) => tok.encode(t),
      displayToken: (t) => tok.displayToken(t),
    });
    expect(scales.map((s) => s.scale)).toEqual([0.5, 20, 200]);
    expect(scales[2].tokenIds[0]).toBe(id);
    expect(scales[1].tokenIds[0]).toBe(id);
    for (const s of scales) {
      expect(s.tokenIds.length).toBeLessThanOrEqual(20);
      expect(s.probs).toEqual([...s.probs].sort((a, b) => b - a));
    }
  });
  it('keeps only tokens in the top-k of all three prompts', async () => {
    const v = await unembeddingRow(tok.encode(' cake', { addSpecialTokens: false })[0]);
    const opts = {
      layer: 2,
      targetNorm: 25,
      scales: [1],
      tokensK: 20,
      loraScale: 1,
      encode: (t: string) => tok.encode(t),
      displayToken: (t: number) => tok.displayToken(t),
    };
    const wide = await patchscopeScales(model, v, { ...opts, intersectionTopK: 16384 });
    const narrow = await patchscopeScales(model, v, { ...opts, intersectionTopK: 3 });
    expect(narrow[0].tokenIds.length).toBeLessThanOrEqual(3);
    // A token kept under the narrow intersection has the same averaged probability as under the wide one.
    for (const [i, t] of narrow[0].tokenIds.entries()) {
      const j = wide[0].tokenIds.indexOf(t);
      if (j >= 0) expect(narrow[0].probs[i]).toBeCloseTo(wide[0].probs[j], 10);
    }
  });
});

/** A grader that reads the text: coherent while the sample repeats no word 3 times. */
const noTripleWord: CoherenceGrader = {
  grader: { id: 'test/no-triple-word', version: '1' },
  grade: async (texts) =>
    texts.map((t) => {
      const counts = new Map<string, number>();
      for (const w of t.split(/\s+/).filter(Boolean)) counts.set(w, (counts.get(w) ?? 0) + 1);
      return Math.max(0, ...counts.values()) >= 3 ? 'INCOHERENT' : 'COHERENT';
    }),
};

describe('threshold search', () => {
  it('enumerates 2^b − 1 midpoints breadth first', () => {
    expect(lookAheadMidpoints(0, 8, 3)).toEqual([4, 2, 6, 1, 3, 5, 7]);
  });
  it('finds the largest coherent strength within the search resolution, 7 strengths per round', async () => {
    const batches: number[][] = [];
    const trace = await binarySearchThreshold({
      low: 0,
      high: 100,
      steps: 12,
      batchSteps: 3,
      coherenceThreshold: 75,
      evaluate: async (s) => {
        batches.push(s);
        return s.map((x) => (x <= 37.3 ? 100 : 50));
      },
    });
    expect(batches).toHaveLength(4);
    batches.forEach((b) => expect(b).toHaveLength(7));
    expect(trace.threshold).toBeLessThanOrEqual(37.3);
    expect(37.3 - trace.threshold).toBeLessThan(100 / 2 ** 12 + 1e-9);
  });
  it('gives the same strength and coherences whether it evaluates 1 or 7 strengths per round (per-row seeds)', async () => {
    // a real steered model and a grader that reads the text (noTripleWord)
    const H = model.info.hiddenSize;
    const vector = Float32Array.from({ length: H }, (_, i) => Math.sin(7 * i) * (20 / Math.sqrt(H / 2)));
    const rows: number[] = [];
    const counted = new Proxy(model, {
      get: (target, prop, receiver) =>
        prop === 'generate'
          ? (o: { prompts: number[][] }) => (rows.push(o.prompts.length), target.generate(o as never))
          : Reflect.get(target, prop, receiver),
    });
    const steerer = new Steerer({ model: counted, layer: 2, vector, decode: (ids) => tok.decode(ids) });
    const prompts = ['The weather today', 'My favourite food'].map((p) => tok.encode(p));
    const cfg = {
      steps: 3,
      samplesPerStrength: 4,
      coherenceThreshold: 75,
      maxStrength: 4,
      maxNewTokens: 16,
      temperature: 0.8,
      topK: 0,
    };
    const search = async (batchSteps: number) => {
      rows.length = 0;
      const r = await findSteeringThreshold(steerer, prompts, noTripleWord, { ...cfg, batchSteps }, 'seed');
      return { r, generated: rows.reduce((a, b) => a + b, 0) };
    };
    const one = await search(1),
      seven = await search(3);
    expect(one.r.thresholds).toEqual(seven.r.thresholds);
    // every strength both evaluated got the same coherence (same draws whatever else shares the batch)
    for (const [p, trace] of one.r.traces.entries())
      for (const e of trace.evaluated) {
        const other = seven.r.traces[p].evaluated.find((x) => x.strength === e.strength);
        if (other) expect(other.coherence, `prompt ${p} strength ${e.strength}`).toBe(e.coherence);
      }
    // one per round: 3 + 1 strengths x 4 samples; seven per round: 7 + 1
    expect(one.generated).toBe((3 + 1) * 4);
    expect(seven.generated).toBe((7 + 1) * 4);
    console.log(
      `search thresholds ${one.r.thresholds.join(', ')}; coherences ${JSON.stringify(one.r.traces.map((t) => t.evaluated))}`,
    );
  });
  it('searches two directions together in shared generate calls (SampleBatch) with the results of each alone', async () => {
    const H = model.info.hiddenSize;
    const directions = [3, 11].map((k) =>
      Float32Array.from({ length: H }, (_, i) => Math.sin(k * i) * (20 / Math.sqrt(H / 2))),
    );
    const calls: number[] = [];
    const counted = new Proxy(model, {
      get: (target, prop, receiver) =>
        prop === 'generate'
          ? (o: { prompts: number[][] }) => (calls.push(o.prompts.length), target.generate(o as never))
          : Reflect.get(target, prop, receiver),
    });
    const prompts = ['The weather today', 'My favourite food'].map((p) => tok.encode(p));
    const cfg = {
      steps: 4,
      batchSteps: 1,
      samplesPerStrength: 4,
      coherenceThreshold: 75,
      maxStrength: 4,
      maxNewTokens: 16,
      temperature: 0.8,
      topK: 0,
    };
    const decode = (ids: number[]) => tok.decode(ids);
    const alone = [];
    for (const vector of directions)
      alone.push(
        await findSteeringThreshold(
          new Steerer({ model: counted, layer: 2, vector, decode }),
          prompts,
          noTripleWord,
          cfg,
          'seed',
        ),
      );
    const aloneCalls = calls.length;
    calls.length = 0;
    const batch = new SampleBatch({ model: counted, decode });
    const together = await Promise.all(
      directions.map(async (vector, i) => {
        const participant = batch.join();
        try {
          // the second direction on another layer: one call steers each row at its own layer
          return await findSteeringThreshold(
            new Steerer({ model: counted, layer: 2 + i, vector, decode, batch: participant }),
            prompts,
            noTripleWord,
            cfg,
            'seed',
          );
        } finally {
          participant.leave();
        }
      }),
    );
    const layer3 = await findSteeringThreshold(
      new Steerer({ model, layer: 3, vector: directions[1], decode }),
      prompts,
      noTripleWord,
      cfg,
      'seed',
    );
    expect(together[0]).toEqual(alone[0]);
    expect(together[1]).toEqual(layer3);
    expect(calls.length).toBeLessThan(aloneCalls);
    expect(calls.reduce((a, b) => a + b, 0)).toBe((4 + 2) * 4 * 2);
  });
  it('searches the second and third prompt together, one generate call per round, with the results of each alone', async () => {
    const H = model.info.hiddenSize;
    const vector = Float32Array.from({ length: H }, (_, i) => Math.sin(5 * i) * (20 / Math.sqrt(H / 2)));
    let calls = 0;
    const counted = new Proxy(model, {
      get: (target, prop, receiver) =>
        prop === 'generate' ? (o: never) => (calls++, target.generate(o)) : Reflect.get(target, prop, receiver),
    });
    const steerer = new Steerer({ model: counted, layer: 2, vector, decode: (ids) => tok.decode(ids) });
    const [a, b, c] = ['The weather today', 'My favourite food', 'In the morning I'].map((p) => tok.encode(p));
    const cfg = {
      steps: 4,
      batchSteps: 1,
      samplesPerStrength: 4,
      coherenceThreshold: 75,
      maxStrength: 4,
      maxNewTokens: 16,
      temperature: 0.8,
      topK: 0,
    };
    const all = await findSteeringThreshold(steerer, [a, b, c], noTripleWord, cfg, 'seed');
    expect(calls).toBe(all.thresholds[0] > 0 ? 4 + 2 : 4);
    // the third prompt's search draws on its own streams (seed/threshold/2/j): compare with a search of [a, c] where c is second
    const ab = await findSteeringThreshold(steerer, [a, b], noTripleWord, cfg, 'seed');
    expect(ab.thresholds).toEqual(all.thresholds.slice(0, 2));
    expect(all.traces[2].evaluated.length).toBe(all.thresholds[0] > 0 ? 2 : 0);
    expect(all.avgThreshold).toBeCloseTo((all.thresholds[0] + all.thresholds[1] + all.thresholds[2]) / 3, 12);
  });
  it('returns 0 when nothing is coherent', async () => {
    const trace = await binarySearchThreshold({
      low: 0,
      high: 10,
      steps: 6,
      batchSteps: 3,
      coherenceThreshold: 75,
      evaluate: async (s) => s.map(() => 0),
    });
    expect(trace.threshold).toBe(0);
  });
});

describe('streaming means', () => {
  it('do not depend on the batch size and match a direct computation', async () => {
    const docs = Array.from({ length: 7 }, (_, i) => Array.from({ length: 7 }, (_, t) => 100 + 37 * i + 11 * t));
    const pair = { base: model, finetuned: model, baseScale: 0, finetunedScale: 1 };
    const [a] = await collectMeans(pair, docs, { layers: [2], batchSize: 3, skipTokens: 5 });
    const [b] = await collectMeans(pair, docs, { layers: [2], batchSize: 7, skipTokens: 5 });
    const ft = (await model.forward({ inputIds: docs, capture: ['resid_post.2'], logits: 'none', loraScale: 1 })).hooks[
      'resid_post.2'
    ]!.data;
    const base = (await model.forward({ inputIds: docs, capture: ['resid_post.2'], logits: 'none', loraScale: 0 }))
      .hooks['resid_post.2']!.data;
    const H = model.info.hiddenSize;
    for (let p = 0; p < 7; p++) {
      for (let h = 0; h < H; h += 17) {
        let d = 0;
        for (let i = 0; i < 7; i++) d += ft[(i * 7 + p) * H + h] - base[(i * 7 + p) * H + h];
        expect(a.diff[p][h]).toBeCloseTo(d / 7, 4);
        expect(b.diff[p][h]).toBeCloseTo(a.diff[p][h], 5);
      }
    }
    let norm = 0;
    for (let i = 0; i < 7; i++)
      for (const p of [5, 6]) {
        let s = 0;
        for (let h = 0; h < H; h++) s += ft[(i * 7 + p) * H + h] ** 2;
        norm += Math.sqrt(s);
      }
    expect(a.targetNorm).toBeCloseTo(norm / 14, 3);
    expect(a.count).toBe(7);
  });
  it('give a zero difference when both sides are the same model', async () => {
    const docs = [
      [5, 6, 7, 8, 9, 10, 11],
      [12, 13, 14, 15, 16, 17, 18],
    ];
    const [m] = await collectMeans({ base: model, finetuned: model, baseScale: 1, finetunedScale: 1 }, docs, {
      layers: [1],
      batchSize: 2,
      skipTokens: 5,
    });
    expect(Math.max(...m.diffNorm)).toBeLessThan(1e-4);
  });
  it('refuse documents too short for the target norm', async () => {
    await expect(
      collectMeans({ base: model, finetuned: model, baseScale: 0, finetunedScale: 1 }, [[1, 2, 3]], {
        layers: [2],
        batchSize: 1,
        skipTokens: 5,
      }),
    ).rejects.toThrow(/skipTokens/);
  });
});

describe('artifact store', () => {
  const CODE = { modules: [new URL('../../src/adl/lens.ts', import.meta.url)] };
  it('computes a step once per content key and writes it atomically', async () => {
    const dir = tempDir('adl-store-');
    const store = new ArtifactStore(dir);
    let calls = 0;
    const compute = async () => ({ n: ++calls });
    expect(await store.step('s', CODE, { a: 1, b: [1, 2] }, compute)).toEqual({ n: 1 });
    expect(await new ArtifactStore(dir).step('s', CODE, { b: [1, 2], a: 1 }, compute)).toEqual({ n: 1 });
    expect(await store.step('s', CODE, { a: 2, b: [1, 2] }, compute)).toEqual({ n: 2 });
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(fs.readdirSync(dir)).toHaveLength(2);
    // a damaged record is recomputed (test/adl/artifact-integrity.test.ts covers the cases)
    for (const f of fs.readdirSync(dir)) fs.writeFileSync(path.join(dir, f), '{broken');
    const quiet = new ArtifactStore(dir, () => {});
    expect(await quiet.step('s', CODE, { a: 1, b: [1, 2] }, compute)).toEqual({ n: 3 });
  });
});
