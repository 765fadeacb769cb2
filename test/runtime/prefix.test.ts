// A prompt prefix's KV cache (prefill) continued by many rows: the same logits, hooks and patching as a
// forward over prefix + continuation, on architectures whose positions enter differently (rotary, learned
// positions, sliding windows, soft-capping) and with a LoRA branch. Patchscope relies on it
// (src/adl/patchscope.ts: the identity prompt up to its last token is computed once).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/runtime/index.ts';
import type { ForwardOptions, LanguageModel } from '../../src/runtime/types.ts';
import { testCacheDir } from '../helpers.ts';

const FIXTURES = path.join('test', 'fixtures', 'hf-reference');
const TOL = 1e-4; // float32 sums in another order (tiny random models: logits of order 1)

function maxDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

async function compare(
  m: LanguageModel,
  prefix: number[],
  rows: number[][],
  opts: Omit<ForwardOptions, 'inputIds'>,
  name: string,
): Promise<number> {
  const pre = await m.prefill!(prefix, { loraScale: opts.loraScale as number | undefined });
  const cont = await m.forward({ ...opts, inputIds: rows, prefix: pre });
  let worst = 0;
  // rows of unequal length: compare each row alone against prefix + row
  for (const [b, row] of rows.entries()) {
    const full = await m.forward({
      ...opts,
      inputIds: [[...prefix, ...row]],
      patch: opts.patch?.map((p) => ({
        ...p,
        vector: p.vector.slice(b * m.info.hiddenSize, (b + 1) * m.info.hiddenSize),
      })),
    });
    const V = m.info.vocabSize,
      H = m.info.hiddenSize,
      T = Math.max(...rows.map((r) => r.length));
    if (opts.logits === 'last')
      worst = Math.max(worst, maxDiff(cont.logits!.data.subarray(b * V, (b + 1) * V), full.logits!.data));
    else {
      // 'all': the continuation's positions of the full run
      const fl = full.logits!.data.subarray(prefix.length * V);
      worst = Math.max(worst, maxDiff(cont.logits!.data.subarray(b * T * V, (b * T + row.length) * V), fl));
    }
    for (const h of opts.capture ?? []) {
      const c = cont.hooks[h]!.data.subarray(b * T * H, (b * T + row.length) * H);
      worst = Math.max(worst, maxDiff(c, full.hooks[h]!.data.subarray(prefix.length * H)));
    }
  }
  console.log(`${name}: prefix + ${rows.length} rows vs full forwards, max abs error ${worst.toExponential(2)}`);
  return worst;
}

describe('prefill + forward({ prefix }) equals the full forward', () => {
  const prefix = [5, 17, 42, 99, 3, 8, 11];
  const rows = [[7], [300, 12, 9], [21, 4]];
  for (const family of ['qwen3', 'llama', 'gpt2', 'gemma2', 'gemma3_text']) {
    it(`${family}: logits of every position and resid_post.1, rows of unequal length`, async () => {
      const m = await loadModel(path.join(FIXTURES, family), { cacheDir: testCacheDir() });
      expect(await compare(m, prefix, rows, { logits: 'all', capture: ['resid_post.1'] }, family)).toBeLessThan(TOL);
      await m.dispose();
    });
  }

  it('qwen3 + LoRA at scale 1 and 0, with the last position patched per row (the Patchscope call)', async () => {
    const m = await loadModel(path.join(FIXTURES, 'qwen3'), {
      adapter: path.join(FIXTURES, 'qwen3_lora'),
      cacheDir: testCacheDir(),
    });
    const H = m.info.hiddenSize;
    const vector = Float32Array.from({ length: rows.length * H }, (_, i) => Math.sin(i));
    for (const loraScale of [1, 0])
      expect(
        await compare(
          m,
          prefix,
          rows,
          { logits: 'last', loraScale, patch: [{ layer: 1, position: -1, vector }] },
          `qwen3_lora scale ${loraScale}`,
        ),
      ).toBeLessThan(TOL);
    await m.dispose();
  });

  it('refuses a prefix of another LoRA scale, steering, or another model', async () => {
    const m = await loadModel(path.join(FIXTURES, 'qwen3'), {
      adapter: path.join(FIXTURES, 'qwen3_lora'),
      cacheDir: testCacheDir(),
    });
    const other = await loadModel(path.join(FIXTURES, 'qwen3'), { cacheDir: testCacheDir() });
    const pre = await m.prefill!(prefix, { loraScale: 1 });
    await expect(m.forward({ inputIds: [[7]], prefix: pre, loraScale: 0 })).rejects.toThrow(
      /loraScale 0 differs from the prefix's 1/,
    );
    await expect(
      m.forward({
        inputIds: [[7]],
        prefix: pre,
        loraScale: 1,
        steer: [{ layer: 0, vector: new Float32Array(m.info.hiddenSize) }],
      }),
    ).rejects.toThrow(/steering with a prefix/);
    await expect(other.forward({ inputIds: [[7]], prefix: pre })).rejects.toThrow(/computed by another model/);
    await m.dispose();
    await other.dispose();
  });
});
