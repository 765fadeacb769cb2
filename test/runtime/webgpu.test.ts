// The runtime on onnxruntime-node's bundled WebGPU provider (LoadOptions.device 'webgpu', the WebGPU graph
// variant of src/runtime/model.ts) against the same float64 transformers goldens and tolerance as on the CPU
// (1e-4 relative; greedy generation token for token). On a machine without a WebGPU adapter the suite is
// skipped with the reason; in CI (CI set) a missing adapter fails instead: .ci/run installs Mesa's lavapipe.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { discoverCases } from '../../src/conformance/cases.ts';
import { checkCaseWith, REL_TOLERANCE } from '../../src/conformance/check.ts';
import fs from 'node:fs';
import { compare } from '../../src/conformance/check.ts';
import { graphCodeKey, weightsCodeKey } from '../../src/runtime/code-keys.ts';
import { assertDeviceAvailable } from '../../src/runtime/device.ts';
import { loadModel } from '../../src/runtime/index.ts';
import { describePlacement, providersUsed } from '../../src/runtime/placement.ts';
import { testCacheDir, ZOO_BASE, zooAdapter } from '../helpers.ts';

const unavailable = await assertDeviceAvailable('webgpu').then(
  () => null,
  (e: Error) => e.message.split('\n')[0],
);

if (unavailable && process.env.CI) {
  it('CI has a WebGPU adapter (.ci/install-lavapipe installs Mesa lavapipe)', () => {
    throw new Error(`CI is set but ${unavailable}`);
  });
}

// Every case of the default set (all ten architectures, LoRA, rsLoRA, bf16), and from the stress and holdout
// sets the cases whose WebGPU graph differs most from the CPU's: soft-capped attention (gemma2), per-head q/k
// norms apart (qwen3, gemma3_text, with and without LoRA on q/k), full q/k norm (olmo2), LayerNorm and plain
// MLP (gpt2), partial rotary (phi3), llama3 rope scaling (llama). 31 cases, about 40 s on lavapipe on 2 cores.
const SETS: [string, string[] | null][] = [
  ['hf-reference', null],
  ['hf-reference-stress', ['gemma2', 'gemma3_text', 'qwen3', 'qwen3_lora', 'olmo2', 'gpt2', 'phi3']],
  ['hf-reference-holdout', ['gemma2_lora', 'gemma3_text', 'qwen3_rslora', 'llama', 'phi3', 'qwen2', 'mistral']],
];

describe.skipIf(unavailable)(`the zoo on WebGPU${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  it('base and LoRA rows of one batch, early exit at the middle layer: WebGPU = CPU within 1e-4; graphs cached apart', async () => {
    const cacheDir = testCacheDir();
    const load = (device: 'cpu' | 'webgpu') =>
      loadModel(ZOO_BASE, { cacheDir, device, adapter: zooAdapter('cake_bake') });
    const [cpu, gpu] = [await load('cpu'), await load('webgpu')];
    const webgpuNodes = () => providersUsed().WebGpuExecutionProvider ?? 0;
    const webgpuBefore = webgpuNodes();
    const ids = [
      [5, 17, 99, 3, 250, 41, 7],
      [400, 401, 402, 12],
    ];
    const run = (m: typeof cpu, logits: 'last' | 'none') =>
      m.forward({ inputIds: ids, capture: ['resid_post.2'], loraScale: [0, 1], logits });
    for (const logits of ['last', 'none'] as const) {
      const [a, b] = [await run(cpu, logits), await run(gpu, logits)];
      const { rel } = compare(b.hooks['resid_post.2']!.data, a.hooks['resid_post.2']!.data);
      console.log(`zoo cake_bake webgpu vs cpu resid_post.2 (logits ${logits}): rel ${rel.toExponential(2)}`);
      expect(rel).toBeLessThan(REL_TOLERANCE);
      if (logits === 'last') expect(compare(b.logits!.data, a.logits!.data).rel).toBeLessThan(REL_TOLERANCE);
    }
    // the WebGPU session's first run put nodes on ORT's WebGPU provider (not a silent CPU fallback)
    console.log(`zoo cake_bake on ${describePlacement('webgpu')}`);
    expect(webgpuNodes()).toBeGreaterThan(webgpuBefore);
    const gen = { prompts: ids, maxNewTokens: 8, loraScale: [0, 1] };
    expect((await gpu.generate(gen)).tokens).toEqual((await cpu.generate(gen)).tokens);
    const decoders = fs
      .readdirSync(path.join(cacheDir, 'models', `${gpu.info.contentHash.slice(0, 32)}-w${weightsCodeKey()}`))
      .filter((f) => f.startsWith('decoder-'));
    expect(decoders).toContain(`decoder-fused-exit2-g${graphCodeKey()}.onnx`); // the CPU's, untouched
    expect(decoders).toContainEqual(
      expect.stringMatching(new RegExp(`^decoder-fused-webgpu-[0-9a-f]{8}-exit2-g${graphCodeKey()}\\.onnx$`)),
    );
    await cpu.dispose();
    await gpu.dispose();
  });
});

describe.skipIf(unavailable)(`conformance on WebGPU${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  describe.each(SETS)('%s', (set, only) => {
    const cases = discoverCases(path.join('test', 'fixtures', set)).filter((c) => !only || only.includes(c.name));
    it('has the chosen cases', () => expect(cases).toHaveLength(only?.length ?? 17));
    it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
      const checks = await checkCaseWith(c, { cacheDir: testCacheDir(), device: 'webgpu' });
      for (const r of checks)
        console.log(`webgpu ${r.case.padEnd(14)} ${r.tensor.padEnd(22)} rel ${r.relError.toExponential(2)}`);
      expect(checks.length).toBeGreaterThanOrEqual(10);
      for (const r of checks)
        expect({ tensor: r.tensor, rel: r.relError, pass: r.pass }).toEqual({
          tensor: r.tensor,
          rel: r.relError,
          pass: true,
        });
      expect(
        Math.max(...checks.filter((r) => r.tensor !== 'generate.output').map((r) => r.relError)),
      ).toBeLessThanOrEqual(REL_TOLERANCE);
    });
  });
});
