// LoadOptions.graph and .precision: both are part of the cache key (their own graph file, their own
// weight file), the two graph variants give the same numbers, and bad values are refused by name.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compare } from '../../src/conformance/check.ts';
import { graphCodeKey } from '../../src/runtime/code-keys.ts';
import { loadModel } from '../../src/runtime/index.ts';
import type { LoadOptions } from '../../src/runtime/types.ts';
import { tempDir, ZOO_BASE } from '../helpers.ts';

describe('graph variant and precision in the cache', () => {
  const cacheDir = tempDir('diffbench-variants-');
  const ids = [
    [5, 17, 99, 3, 250, 41, 7, 8],
    [400, 401, 402, 12],
  ];
  const run = async (opts: LoadOptions) => {
    const m = await loadModel(ZOO_BASE, { cacheDir, ...opts });
    const out = await m.forward({ inputIds: ids, capture: ['resid_post.3'] });
    await m.dispose();
    return out;
  };

  it('reference and fused graphs share one float32 weight file and agree within 1e-5; int8 has its own', async () => {
    const ref = await run({ graph: 'reference' });
    const fused = await run({ graph: 'fused' });
    await run({ graph: 'fused', precision: 'int8' });
    const dirs = fs.readdirSync(path.join(cacheDir, 'models')).sort();
    expect(dirs).toHaveLength(2);
    const [fp32Dir, int8Dir] = dirs.map((d) => path.join(cacheDir, 'models', d));
    expect(path.basename(int8Dir)).toMatch(/-int8-[0-9a-f]{8}$/);
    // graph files are named by variant, exit layers (default: the middle layer, 2 of the zoo's 6) and builder code
    const g = graphCodeKey();
    expect(fs.readdirSync(fp32Dir).sort()).toEqual([
      `decoder-fused-exit2-g${g}.onnx`,
      `decoder-reference-exit2-g${g}.onnx`,
      'weights.bin',
      'weights.json',
    ]);
    expect(fs.readdirSync(int8Dir)).toContain(`decoder-fused-exit2-g${g}.onnx`);
    // int8 codes are a quarter of the float32 linear weights (embeddings stay float32)
    expect(fs.statSync(path.join(int8Dir, 'weights.bin')).size).toBeLessThan(
      0.75 * fs.statSync(path.join(fp32Dir, 'weights.bin')).size,
    );
    expect(compare(fused.logits!.data, ref.logits!.data).rel).toBeLessThan(1e-5);
    expect(compare(fused.hooks['resid_post.3']!.data, ref.hooks['resid_post.3']!.data).rel).toBeLessThan(1e-5);
  });

  it('refuses unknown graph and precision values, naming the field', async () => {
    await expect(loadModel(ZOO_BASE, { cacheDir, graph: 'fast' as never })).rejects.toThrow(
      /LoadOptions\.graph.*'fast'/,
    );
    await expect(loadModel(ZOO_BASE, { cacheDir, precision: 'fp8' as never })).rejects.toThrow(
      /LoadOptions\.precision.*'fp8'/,
    );
  });
});
