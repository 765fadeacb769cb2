// Reduced precision (LoadOptions.precision): quantisers round-trip within half a step, the quantised
// model stays close to float32 on the zoo base, and a row's result does not depend on the other rows
// of the batch (the reason activations are quantised per row, never per batch).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compare } from '../../src/conformance/check.ts';
import { loadModel } from '../../src/runtime/index.ts';
import type { LanguageModel } from '../../src/runtime/types.ts';
import { quantizeBlocks, quantizeColumns } from '../../src/runtime/weights.ts';
import { testCacheDir, ZOO_BASE } from '../helpers.ts';

function randomMatrix(K: number, N: number): Float32Array {
  let s = 7;
  return Float32Array.from(
    { length: K * N },
    () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * (1 + (s % 5)),
  );
}

describe('quantisers', () => {
  const K = 96,
    N = 5,
    w = randomMatrix(K, N);
  // the largest magnitude of a block maps to the lowest code; a value of the other sign that rounds past
  // the highest code is clamped, so it may be off by up to one step instead of half a step
  it.each([4, 8] as const)(
    '%i-bit blocks: every weight within half a step (a step where clamped), the extreme exact',
    (bits) => {
      const block = 32,
        blocks = K / block,
        { codes, scales } = quantizeBlocks(w, K, N, { bits, block });
      const zero = 2 ** (bits - 1);
      for (let n = 0; n < N; n++)
        for (let k = 0; k < K; k++) {
          const b = Math.floor(k / block),
            j = k % block,
            blob = (block * bits) / 8,
            at = (n * blocks + b) * blob;
          const code = bits === 8 ? codes[at + j] : (codes[at + (j >> 1)] >> ((j & 1) * 4)) & 15;
          const scale = scales[n * blocks + b],
            err = Math.abs((code - zero) * scale - w[k * N + n]);
          expect(err).toBeLessThanOrEqual(Math.abs(scale) * (code === 2 * zero - 1 ? 1 : 0.5) + 1e-7);
          if (Math.abs(w[k * N + n]) === Math.abs(scale) * zero) expect(err).toBeLessThan(1e-6);
        }
      expect(codes.length).toBe((N * K * bits) / 8);
    },
  );
  it('int8 columns: within half a step, column maximum maps to ±127', () => {
    const { codes, scales } = quantizeColumns(w, K, N);
    for (let i = 0; i < K * N; i++)
      expect(Math.abs(codes[i] * scales[i % N] - w[i])).toBeLessThanOrEqual(scales[i % N] / 2 + 1e-7);
    for (let n = 0; n < N; n++)
      expect(Math.max(...Array.from({ length: K }, (_, k) => Math.abs(codes[k * N + n])))).toBe(127);
  });
});

const ids = [
  [5, 17, 99, 3, 250, 41, 7, 8, 9, 120, 33, 2],
  [400, 401, 402, 12, 13, 14, 15, 16, 17, 18, 19, 20],
  [7, 7, 7, 7, 1000, 2000, 3000, 4, 5, 6, 7, 8],
];
const hooks = ['resid_post.2', 'resid_post.5'] as const;
// Measured on the zoo base (NOTES.md): int8 2.8e-2 / 4.0e-2, int4 1.6e-1 relative error of resid_post.2 / .5.
const TOLERANCE = { int8: 0.06, int4: 0.25 };

describe.each(['int8', 'int4'] as const)('precision %s on the zoo base', (precision) => {
  let fp32: LanguageModel, q: LanguageModel;
  beforeAll(async () => {
    fp32 = await loadModel(ZOO_BASE, { cacheDir: testCacheDir(), graph: 'fused' });
    q = await loadModel(ZOO_BASE, { cacheDir: testCacheDir(), graph: 'fused', precision });
  });
  afterAll(async () => {
    await fp32?.dispose();
    await q?.dispose();
  });
  it(`residuals within ${TOLERANCE[precision]} relative of float32, and not equal to them`, async () => {
    const a = await fp32.forward({ inputIds: ids, capture: [...hooks], logits: 'none' });
    const b = await q.forward({ inputIds: ids, capture: [...hooks], logits: 'none' });
    for (const h of hooks) {
      const { rel } = compare(b.hooks[h]!.data, a.hooks[h]!.data);
      console.log(`${precision} ${h}: relative error vs fp32 ${rel.toExponential(2)}`);
      expect(rel).toBeLessThan(TOLERANCE[precision]);
      expect(rel).toBeGreaterThan(1e-5);
    }
  });
  it('a row alone equals the same row in a batch with other rows (within float reassociation)', async () => {
    const batch = await q.forward({ inputIds: ids, capture: ['resid_post.5'] });
    const T = ids[0].length,
      H = q.info.hiddenSize,
      V = q.info.vocabSize;
    for (let r = 0; r < ids.length; r++) {
      const alone = await q.forward({ inputIds: [ids[r]], capture: ['resid_post.5'] });
      expect(
        compare(batch.hooks['resid_post.5']!.data.slice(r * T * H, (r + 1) * T * H), alone.hooks['resid_post.5']!.data)
          .rel,
      ).toBeLessThan(1e-5);
      expect(compare(batch.logits!.data.slice(r * T * V, (r + 1) * T * V), alone.logits!.data).rel).toBeLessThan(1e-5);
    }
  });
});
