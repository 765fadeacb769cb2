// Sampling as transformers' generate does it: each logits processor against hand-computed values, their
// order, the resolution of settings (caller > generation_config.json > transformers defaults), and a
// checkpoint whose generation config says top_k 1 sampling exactly its greedy continuation.
import fs from 'node:fs';
import path from 'node:path';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { generationDefaults, resolveSampling, type SamplingSettings } from '../../src/runtime/generation-config.ts';
import { loadModel } from '../../src/runtime/index.ts';
import {
  applyMinP,
  applyRepetitionPenalty,
  applyTemperature,
  applyTopK,
  applyTopP,
  drawFromProbs,
  drawToken,
  nextToken,
  probabilitySampling,
  softmax,
} from '../../src/runtime/sampling.ts';
import { softmaxRows } from '../../src/runtime/vocab-ops.ts';
import { tempDir, testCacheDir } from '../helpers.ts';

const f64 = (xs: number[]) => Float64Array.from(xs);
const logOf = (ps: number[]) => ps.map(Math.log);
const removed = (s: Float64Array) => [...s].map((x, i) => (x === -Infinity ? i : -1)).filter((i) => i >= 0);

describe('logits processors (hand-computed references)', () => {
  it('repetition penalty divides positive and multiplies negative scores of seen tokens, once per token', () => {
    const s = f64([2, -1, 0.5, 3]);
    applyRepetitionPenalty(s, [0, 1, 1], 2);
    expect([...s]).toEqual([1, -2, 0.5, 3]);
  });

  it('temperature divides every score', () => {
    const s = f64([2, -1, 0.5, 3]);
    applyTemperature(s, 0.5);
    expect([...s]).toEqual([4, -2, 1, 6]);
  });

  it('top-k keeps the k best scores and ties with the k-th', () => {
    const s = f64([2, -1, 0.5, 3]);
    applyTopK(s, 2);
    expect([...s]).toEqual([2, -Infinity, -Infinity, 3]);
    const tie = f64([1, 1, 0]);
    applyTopK(tie, 1);
    expect(removed(tie)).toEqual([2]);
  });

  it('top-p drops a token once the mass ranked above it reaches p (probs 0.5, 0.3, 0.15, 0.05)', () => {
    // transformers: ascending cumulative mass 0.05, 0.2, 0.5, 1.0; removed where <= 1 - p
    const at = (p: number) => {
      const s = f64(logOf([0.15, 0.5, 0.05, 0.3]));
      applyTopP(s, p);
      return removed(s);
    };
    expect(at(0.75)).toEqual([0, 2]); // 1 - p = 0.25: 0.05 and 0.15 go
    expect(at(0.85)).toEqual([2]); // 0.15: only 0.05 goes
    expect(at(0)).toEqual([0, 2, 3]); // the most probable token always stays
  });

  it('min-p drops tokens below min_p x the top probability', () => {
    const at = (m: number) => {
      const s = f64(logOf([0.5, 0.3, 0.15, 0.05]));
      applyMinP(s, m);
      return removed(s);
    };
    expect(at(0.2)).toEqual([3]); // threshold 0.1
    expect(at(0.5)).toEqual([2, 3]); // threshold 0.25
  });

  it('a draw follows the renormalised probabilities of what is left', () => {
    const s = f64([Math.log(0.25), -Infinity, Math.log(0.75)]);
    expect(softmax(s)[2]).toBeCloseTo(0.75, 12);
    expect(drawToken(s, () => 0.2)).toBe(0);
    expect(drawToken(s, () => 0.3)).toBe(2);
    expect(drawToken(s, () => 0.999)).toBe(2);
  });
});

describe('processor order (repetition penalty, temperature, top-k, top-p, min-p)', () => {
  const settings = (o: Partial<SamplingSettings>): SamplingSettings => ({
    doSample: true,
    temperature: 1,
    topK: 0,
    topP: 1,
    minP: null,
    repetitionPenalty: 1,
    from: {} as SamplingSettings['from'],
    ...o,
  });
  const last = () => 0.999; // picks the least probable token left

  it('temperature before top-p: at T = 0.5 the top token alone reaches p = 0.6', () => {
    const logits = Float32Array.from(logOf([0.5, 0.3, 0.15, 0.05]));
    // T = 1: 0.5 < 0.6, so token 1 stays; T = 0.5: probabilities ∝ p² -> 0.685, 0.247, ..., token 1 goes
    expect(nextToken(logits, 0, 4, [], settings({ topP: 0.6 }), last)).toBe(1);
    expect(nextToken(logits, 0, 4, [], settings({ topP: 0.6, temperature: 0.5 }), last)).toBe(0);
  });

  it('top-k before top-p: top-p sees the renormalised top-k mass', () => {
    const logits = Float32Array.from(logOf([0.4, 0.3, 0.2, 0.1]));
    // top-k 2 -> 4/7, 3/7; top-p 0.5 then keeps token 0 only (top-p first would keep 0 and 1)
    expect(nextToken(logits, 0, 4, [], settings({ topK: 2, topP: 0.5 }), last)).toBe(0);
  });

  it('the repetition penalty applies before the warpers, and to greedy decoding', () => {
    const logits = Float32Array.from([3, 2, 1, 0]);
    expect(
      nextToken(logits, 0, 4, [0], settings({ doSample: false, temperature: null, repetitionPenalty: 2 }), last),
    ).toBe(1);
    // penalised token 0 (1.5) falls behind token 1 (2); top-k 1 then keeps token 1 only
    expect(nextToken(logits, 0, 4, [0], settings({ topK: 1, repetitionPenalty: 2 }), last)).toBe(1);
  });
});

/** The plain definition: float64 softmax, full stable sorts, one uniform draw over the survivors in id order. */
function reference(logits: Float32Array, s: SamplingSettings, u: number): number {
  let scores = Array.from(logits, (x) => x / s.temperature!);
  const V = scores.length;
  if (s.topK > 0 && s.topK < V) {
    const kth = [...scores].sort((a, b) => b - a)[s.topK - 1];
    scores = scores.map((x) => (x < kth ? -Infinity : x));
  }
  const probsOf = (xs: number[]) => {
    const max = Math.max(...xs);
    const e = xs.map((x) => (x === -Infinity ? 0 : Math.exp(x - max)));
    const sum = e.reduce((a, b) => a + b, 0);
    return e.map((x) => x / sum);
  };
  if (s.topP < 1) {
    const p = probsOf(scores);
    const order = p
      .map((_, i) => i)
      .filter((i) => p[i] > 0)
      .sort((a, b) => p[b] - p[a] || a - b);
    let above = 0;
    const keep = new Set<number>();
    for (const i of order) {
      if (keep.size && above >= s.topP) break;
      keep.add(i);
      above += p[i];
    }
    scores = scores.map((x, i) => (keep.has(i) ? x : -Infinity));
  }
  const p = probsOf(scores);
  let r = u,
    last = -1;
  for (let i = 0; i < V; i++) {
    if (p[i] === 0) continue;
    last = i;
    r -= p[i];
    if (r < 0) return i;
  }
  return last;
}

/** Logit rows over V tokens: peaked, flat, coarse (many exact ties), one dominant token. */
function testRows(V: number, rng: () => number): Float32Array[] {
  return [
    Float32Array.from({ length: V }, () => 8 * (rng() - 0.5)),
    Float32Array.from({ length: V }, () => 0.01 * rng()),
    Float32Array.from({ length: V }, () => Math.round(4 * rng())),
    Float32Array.from({ length: V }, (_, i) => (i === 7 ? 30 : rng())),
  ];
}

describe('nextToken against the plain definition (no full sorts in the fast path)', () => {
  const V = 2000;
  const rng = seedrandom('sampling-test');
  const rows = testRows(V, rng);
  const logits = new Float32Array(2 * V);
  const cases: [number, number, number][] = [
    [0.8, 0, 1],
    [1.2, 0, 1],
    [0.8, 0, 0.9],
    [1.1, 20, 0.95],
    [0.5, 50, 0.3],
    [1, 0, 0.999999],
    [1.2, 7, 1],
  ];
  for (const [temperature, topK, topP] of cases) {
    it(`same token for the same draw at T=${temperature}, top-k=${topK}, top-p=${topP}`, () => {
      const s = {
        doSample: true,
        temperature,
        topK,
        topP,
        minP: null,
        repetitionPenalty: 1,
        from: {},
      } as SamplingSettings;
      for (const row of rows) {
        logits.set(row, V); // offset V: the row is not at the start of the buffer
        for (let draw = 0; draw < 40; draw++) {
          const u = rng();
          expect(nextToken(logits, V, V, [], s, () => u)).toBe(reference(row, s, u));
        }
      }
    });
  }
});

describe('the probability path: float32 softmax(logits / T) from ONNX Runtime, then drawFromProbs', () => {
  const V = 2000;
  const rng = seedrandom('softmax-session-test');
  const rows = testRows(V, rng);
  const logits = new Float32Array(rows.length * V);
  rows.forEach((r, b) => logits.set(r, b * V));

  it('is taken only without a repetition penalty, top-p and min-p', () => {
    const s = {
      doSample: true,
      temperature: 0.8,
      topK: 50,
      topP: 1,
      minP: null,
      repetitionPenalty: 1,
      from: {},
    } as SamplingSettings;
    expect(probabilitySampling(s)).toBe(true);
    expect(probabilitySampling({ ...s, topP: 0.95 })).toBe(false);
    expect(probabilitySampling({ ...s, minP: 0.1 })).toBe(false);
    expect(probabilitySampling({ ...s, repetitionPenalty: 1.1 })).toBe(false);
    expect(probabilitySampling({ ...s, doSample: false })).toBe(false);
  });

  for (const temperature of [0.8, 1.2]) {
    it(`probabilities equal the float64 softmax within 2e-7 + 1e-5 relative (T=${temperature}; max error printed)`, async () => {
      const probs = await softmaxRows(logits, rows.length, V, temperature);
      let worst = 0;
      rows.forEach((row, b) => {
        const ref = softmax(Float64Array.from(row, (x) => x / temperature));
        for (let i = 0; i < V; i++) {
          const err = Math.abs(probs[b * V + i] - ref[i]);
          worst = Math.max(worst, err);
          expect(err).toBeLessThanOrEqual(2e-7 + 1e-5 * ref[i]);
        }
      });
      console.log(`softmax session vs float64 at T=${temperature}: max abs error ${worst.toExponential(2)}`);
    });
  }

  for (const topK of [0, 1, 20, 50]) {
    it(`draws the float64 path's token except within rounding of a boundary (top-k=${topK}, 4 x 500 draws)`, async () => {
      const s = {
        doSample: true,
        temperature: 0.8,
        topK,
        topP: 1,
        minP: null,
        repetitionPenalty: 1,
        from: {},
      } as SamplingSettings;
      const probs = await softmaxRows(logits, rows.length, V, 0.8);
      let differ = 0;
      for (let b = 0; b < rows.length; b++) {
        const kth = topK > 0 ? [...rows[b]].sort((x, y) => y - x)[topK - 1] : -Infinity;
        for (let draw = 0; draw < 500; draw++) {
          const u = rng();
          const tok = drawFromProbs(probs, logits, b * V, V, topK, () => u);
          expect(rows[b][tok]).toBeGreaterThanOrEqual(kth); // never a token top-k removed
          if (tok !== nextToken(logits, b * V, V, [], s, () => u)) differ++;
        }
      }
      // float32 vs float64 cumulative sums differ by ~1e-6, so a draw lands on another token about once in 1e5
      expect(differ).toBeLessThanOrEqual(2);
    });
  }
});

describe('settings: caller > generation_config.json > transformers defaults', () => {
  const qwen3 = generationDefaults(
    { do_sample: true, temperature: 0.6, top_k: 20, top_p: 0.95, eos_token_id: [1, 2] },
    'generation_config.json',
  );

  it('the toolkit call (do_sample, temperature 1.2) on a Qwen3 generation config samples with top_k 20 / top_p 0.95', () => {
    const s = resolveSampling({ temperature: 1.2 }, qwen3);
    expect(s).toMatchObject({
      doSample: true,
      temperature: 1.2,
      topK: 20,
      topP: 0.95,
      minP: null,
      repetitionPenalty: 1,
    });
    expect(s.from).toMatchObject({
      temperature: 'caller',
      topK: 'generation_config',
      topP: 'generation_config',
      repetitionPenalty: 'transformers-default',
    });
  });

  it('without a top_k in the generation config transformers applies 50; null and 0 switch it off; callers override', () => {
    expect(resolveSampling({ temperature: 1 }, {}).topK).toBe(50);
    expect(resolveSampling({ temperature: 1 }, generationDefaults({ top_k: null }, 'g')).topK).toBe(0);
    expect(resolveSampling({ temperature: 1, topK: 0, topP: 1 }, qwen3)).toMatchObject({ topK: 0, topP: 1 });
  });

  it('greedy unless asked to sample; doSample alone takes the generation config temperature', () => {
    expect(resolveSampling({}, qwen3)).toMatchObject({ doSample: false, temperature: null, topK: 0, topP: 1 });
    expect(resolveSampling({ temperature: 0 }, qwen3).doSample).toBe(false);
    expect(resolveSampling({ doSample: true }, qwen3)).toMatchObject({ doSample: true, temperature: 0.6 });
  });

  it('bad values are errors naming the file and field', () => {
    expect(() => generationDefaults({ top_k: 2.5 }, '/m/generation_config.json')).toThrow(
      /\/m\/generation_config.json: field 'top_k': expected an integer >= 0/,
    );
    expect(() => generationDefaults({ top_p: 'x' }, 'g.json')).toThrow(/g.json: field 'top_p' must be a number/);
    expect(() => resolveSampling({ temperature: 1, topP: 2 }, {})).toThrow(
      /generate: topP: expected a value in \[0, 1\]/,
    );
  });
});

describe('generation_config.json applied by the runtime (hf-reference qwen3 fixture)', () => {
  const FIXTURE = path.join('test', 'fixtures', 'hf-reference', 'qwen3');
  const copyWith = (gen: Record<string, unknown>) => {
    const dir = tempDir('diffbench-genconfig-');
    // the checkpoint as saved (config + sharded weights), without its generation config and goldens
    for (const f of fs.readdirSync(FIXTURE).filter((f) => f === 'config.json' || f.startsWith('model')))
      fs.copyFileSync(path.join(FIXTURE, f), path.join(dir, f));
    fs.writeFileSync(path.join(dir, 'generation_config.json'), JSON.stringify(gen));
    return dir;
  };
  const prompts = [
    [5, 17, 42, 99, 3],
    [7, 7, 300, 12],
  ];

  it('top_k 1 in the generation config samples exactly the greedy continuation at any temperature', async () => {
    const m = await loadModel(copyWith({ top_k: 1, temperature: 0.7 }), { cacheDir: testCacheDir() });
    const greedy = await m.generate({ prompts, maxNewTokens: 12, eosTokenIds: [] });
    expect(greedy.sampling.doSample).toBe(false);
    for (const [temperature, seed] of [
      [0.5, 1],
      [1.5, 2],
      [10, 3],
    ]) {
      const sampled = await m.generate({ prompts, maxNewTokens: 12, eosTokenIds: [], temperature, seed });
      expect(sampled.sampling).toMatchObject({
        doSample: true,
        temperature,
        topK: 1,
        from: { topK: 'generation_config' },
      });
      expect(sampled.tokens).toEqual(greedy.tokens);
    }
    await m.dispose();
  });

  it("a row's tokens depend on its own seed, not on the rows that share its batch", async () => {
    const m = await loadModel(copyWith({}), { cacheDir: testCacheDir() });
    const gen = (rows: number[][], rowSeeds: string[]) =>
      m.generate({ prompts: rows, rowSeeds, maxNewTokens: 12, eosTokenIds: [], temperature: 1.5, topK: 0 });
    const alone = await gen([prompts[0]], ['row-a']);
    const batched = await gen([prompts[1], prompts[0], [9, 9, 9, 9, 9, 9, 9]], ['row-b', 'row-a', 'row-c']);
    expect(batched.tokens[1]).toEqual(alone.tokens[0]);
    // and the seed matters: the same prompt with another seed strays (temperature 1.5 on a random checkpoint)
    const other = await gen([prompts[0]], ['row-z']);
    expect(other.tokens[0]).not.toEqual(alone.tokens[0]);
    // without rowSeeds, row b draws from `${seed}/${b}`
    const seeded = await m.generate({
      prompts: [prompts[1], prompts[0]],
      seed: 's',
      maxNewTokens: 12,
      eosTokenIds: [],
      temperature: 1.5,
      topK: 0,
    });
    expect(seeded.tokens[1]).toEqual((await gen([prompts[0]], ['s/1'])).tokens[0]);
    await expect(gen([prompts[0]], ['a', 'b'])).rejects.toThrow(/2 rowSeeds for 1 prompts/);
    await m.dispose();
  });

  it('control: the same model without top_k (transformers default 50) strays from greedy at temperature 10', async () => {
    const m = await loadModel(copyWith({}), { cacheDir: testCacheDir() });
    const greedy = await m.generate({ prompts, maxNewTokens: 12, eosTokenIds: [] });
    const sampled = await m.generate({ prompts, maxNewTokens: 12, eosTokenIds: [], temperature: 10, seed: 3 });
    expect(sampled.sampling).toMatchObject({ topK: 50, from: { topK: 'transformers-default' } });
    expect(sampled.tokens).not.toEqual(greedy.tokens);
    // and every sampled token is among the 50 best of its step: checked through a forward pass
    for (const [b, row] of sampled.tokens.entries()) {
      const ids = [...prompts[b], ...row];
      const { logits } = await m.forward({ inputIds: [ids] });
      const V = m.info.vocabSize;
      row.forEach((tok, j) => {
        const at = (prompts[b].length - 1 + j) * V;
        const step = logits!.data.subarray(at, at + V);
        const better = step.filter((x) => x > step[tok]).length;
        expect(better).toBeLessThan(50);
      });
    }
    await m.dispose();
  });
});
