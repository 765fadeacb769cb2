// Half precision (LoadOptions.precision 'fp16'): the float16 codec, and the float16 model against float32 on
// the zoo (a LoRA organism: base and finetuned rows) on the CPU and, where an adapter exists, on WebGPU.
// Measured (zoo base + cake_bake, 3 rows x 12 tokens): CPU 8e-4 / 1.3e-3, WebGPU (lavapipe) 6e-3 / 1.0e-2 relative
// error of resid_post.2 / .5 (ORT's CPU provider upcasts most float16 ops to float32; WebGPU computes in float16).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compare } from '../../src/conformance/check.ts';
import { halfBits, halfValue, toHalf } from '../../src/onnx/half.ts';
import { weightsCodeKey } from '../../src/runtime/code-keys.ts';
import { assertDeviceAvailable } from '../../src/runtime/device.ts';
import { loadModel } from '../../src/runtime/index.ts';
import type { LanguageModel } from '../../src/runtime/types.ts';
import { testCacheDir, ZOO_BASE, zooAdapter } from '../helpers.ts';

describe('float16 codec', () => {
  it('every finite half round-trips; ties round to even; overflow is infinite', () => {
    for (let h = 0; h < 0x10000; h++) if (((h >> 10) & 0x1f) !== 0x1f) expect(halfBits(halfValue(h))).toBe(h);
    expect(halfValue(halfBits(1 + 2 ** -11))).toBe(1); // tie between 1 and 1+2^-10: the even one
    expect(halfValue(halfBits(1 + 3 * 2 ** -11))).toBe(1 + 2 ** -9);
    expect(halfValue(halfBits(65504))).toBe(65504);
    expect(halfValue(halfBits(65520))).toBe(Infinity);
    expect(halfValue(halfBits(2 ** -24 * 1.5))).toBe(2 ** -23); // subnormal tie: even
    expect(Number.isNaN(halfValue(halfBits(NaN)))).toBe(true);
    const x = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 10 ** ((i % 9) - 4));
    const back = Array.from(toHalf(x), halfValue);
    for (let i = 0; i < x.length; i++)
      if (Math.abs(x[i]) > 2 ** -14) expect(Math.abs(back[i] - x[i])).toBeLessThanOrEqual(Math.abs(x[i]) * 2 ** -11);
  });
});

const unavailable = await assertDeviceAvailable('webgpu').then(
  () => null,
  (e: Error) => e.message.split('\n')[0],
);
const ids = [
  [5, 17, 99, 3, 250, 41, 7, 8, 9, 120, 33, 2],
  [400, 401, 402, 12, 13, 14, 15, 16, 17, 18, 19, 20],
  [7, 7, 7, 7, 1000, 2000, 3000, 4, 5, 6, 7, 8],
];
const hooks = ['resid_post.2', 'resid_post.5'] as const;
const TOLERANCE = { cpu: 5e-3, webgpu: 3e-2 };

describe.each([
  ['cpu', null],
  ['webgpu', unavailable],
] as const)('precision fp16 on %s, zoo base + cake_bake', (device, skip) => {
  let fp32: LanguageModel, half: LanguageModel;
  it.skipIf(skip)(
    `residuals and logits within ${TOLERANCE[device]} relative of float32 (base and finetuned rows), not equal to them${skip ? ` (skipped: ${skip})` : ''}`,
    async () => {
      const cacheDir = testCacheDir();
      fp32 = await loadModel(ZOO_BASE, { cacheDir, adapter: zooAdapter('cake_bake') });
      half = await loadModel(ZOO_BASE, { cacheDir, adapter: zooAdapter('cake_bake'), device, precision: 'fp16' });
      for (const loraScale of [0, 1]) {
        const a = await fp32.forward({ inputIds: ids, capture: [...hooks], loraScale, logits: 'last' });
        const b = await half.forward({ inputIds: ids, capture: [...hooks], loraScale, logits: 'last' });
        for (const [name, x, y] of [
          ...hooks.map((h) => [h, b.hooks[h]!.data, a.hooks[h]!.data] as const),
          ['logits', b.logits!.data, a.logits!.data] as const,
        ]) {
          const { rel } = compare(x, y);
          console.log(`fp16 ${device} lora ${loraScale} ${name}: relative error vs fp32 ${rel.toExponential(2)}`);
          expect(rel).toBeLessThan(TOLERANCE[device]);
          expect(rel).toBeGreaterThan(1e-6);
        }
      }
      // left-padded generation (a masked first position) stays finite and close: at most one greedy token of 2 x 8 differs
      const gen = {
        prompts: [
          [5, 17, 99],
          [400, 401, 402, 12, 13],
        ],
        maxNewTokens: 8,
      };
      const [t32, t16] = [(await fp32.generate(gen)).tokens.flat(), (await half.generate(gen)).tokens.flat()];
      expect(t16.filter((t, i) => t !== t32[i]).length).toBeLessThanOrEqual(1);
      const lens = await half.lens(new Float32Array(half.info.hiddenSize).fill(0.1));
      expect(
        compare(lens.data, (await fp32.lens(new Float32Array(half.info.hiddenSize).fill(0.1))).data).rel,
      ).toBeLessThan(TOLERANCE[device]);
      // the weights are stored once, as float16: half the bytes of the float32 file (alignment aside)
      const size = (m: LanguageModel, suffix: string) =>
        fs.statSync(
          path.join(
            cacheDir,
            'models',
            `${m.info.contentHash.slice(0, 32)}-w${weightsCodeKey()}${suffix}`,
            'weights.bin',
          ),
        ).size;
      expect(size(half, '-fp16') / size(fp32, '')).toBeCloseTo(0.5, 1);
      await fp32.dispose();
      await half.dispose();
    },
  );
});
