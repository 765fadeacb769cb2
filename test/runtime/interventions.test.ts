// What steering and patching do to the residual stream, in both graph variants: a patched position of a
// layer's output is exactly the patch vector (and nothing else at that layer changes), a steering vector is
// added to every position of its layer, a patch applied together with steering at the same layer wins, and
// patches of several positions of one layer each keep their own vector.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../../src/runtime/index.ts';
import type { LanguageModel, Tensor } from '../../src/runtime/types.ts';
import { testCacheDir } from '../helpers.ts';

const fixture = path.join('test', 'fixtures', 'hf-reference', 'llama');
const prompt = [5, 17, 99, 3, 250, 41];
const T = prompt.length;

function vector(H: number, seed: number): Float32Array {
  return Float32Array.from({ length: H }, (_, i) => Math.sin(seed * 7.1 + i * 0.37));
}

/** Position t of row b of a [B,T,H] hook. */
function at(t: Tensor | undefined, b: number, pos: number): Float32Array {
  if (!t) throw new Error('hook was not captured');
  const [, TT, H] = t.dims;
  return t.data.slice((b * TT + pos) * H, (b * TT + pos + 1) * H);
}

const maxAbsDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

describe.each(['reference', 'fused'] as const)("interventions, graph '%s'", (graph) => {
  let m: LanguageModel;
  let H: number;
  beforeAll(async () => {
    m = await loadModel(fixture, { cacheDir: testCacheDir(), graph });
    H = m.info.hiddenSize;
  });
  afterAll(() => m?.dispose());

  it('a patch replaces exactly one position of one layer, per row', async () => {
    const v = vector(H, 1);
    const plain = await m.forward({ inputIds: [prompt, prompt], capture: ['resid_post.1'], logits: 'none' });
    const patched = await m.forward({
      inputIds: [prompt, prompt],
      capture: ['resid_post.1'],
      logits: 'none',
      patch: [{ layer: 1, position: [2, -1], vector: v }],
    });
    for (const [b, pos] of [
      [0, 2],
      [1, T - 1],
    ]) {
      for (let t = 0; t < T; t++) {
        const got = at(patched.hooks['resid_post.1'], b, t);
        if (t === pos)
          expect(got).toEqual(v); // exact: the value is taken, not computed
        else expect(maxAbsDiff(got, at(plain.hooks['resid_post.1'], b, t))).toBe(0);
      }
    }
  });

  it('two patches at one layer keep their own vectors; a later patch of the same position wins', async () => {
    const [v1, v2, v3] = [vector(H, 5), vector(H, 6), vector(H, 7)];
    const out = await m.forward({
      inputIds: [prompt],
      capture: ['resid_post.1'],
      logits: 'none',
      patch: [
        { layer: 1, position: 1, vector: v1 },
        { layer: 1, position: 3, vector: v2 },
        { layer: 1, position: -1, vector: v1 },
        { layer: 1, position: T - 1, vector: v3 },
      ],
    });
    expect(at(out.hooks['resid_post.1'], 0, 1)).toEqual(v1);
    expect(at(out.hooks['resid_post.1'], 0, 3)).toEqual(v2);
    expect(at(out.hooks['resid_post.1'], 0, T - 1)).toEqual(v3);
  });

  it('a steering vector is added to every position of its layer', async () => {
    const v = vector(H, 2);
    const plain = await m.forward({ inputIds: [prompt], capture: ['resid_post.0'], logits: 'none' });
    const steered = await m.forward({
      inputIds: [prompt],
      capture: ['resid_post.0'],
      logits: 'none',
      steer: [{ layer: 0, vector: v }],
    });
    for (let t = 0; t < T; t++) {
      const delta = at(steered.hooks['resid_post.0'], 0, t).map((x, i) => x - at(plain.hooks['resid_post.0'], 0, t)[i]);
      expect(maxAbsDiff(delta, v)).toBeLessThan(
        1e-5 * (1 + Math.max(...at(plain.hooks['resid_post.0'], 0, t).map(Math.abs))),
      );
    }
  });

  it('patch and steering at the same layer: the patched position holds the patch vector', async () => {
    const v = vector(H, 3),
      s = vector(H, 4);
    const out = await m.forward({
      inputIds: [prompt],
      capture: ['resid_post.1'],
      logits: 'none',
      steer: [{ layer: 1, vector: s }],
      patch: [{ layer: 1, position: 0, vector: v }],
    });
    expect(at(out.hooks['resid_post.1'], 0, 0)).toEqual(v);
  });
});
