// The zoo suite's ADL at its own layer (zoo@5: layer 4, the calibrated one) against an implementation that
// is not our runtime: organisms/zoo/reference_diff_norms.json, the difference norms of the plain-torch Qwen3
// forward of tools/zoo/reference_diff_norms.py on the same 1000 unrelated documents x 8 tokens. That file's
// layer-2 norms equal transformers' reference_adl.json (check_layer2), so it checks the ids and the forward.
// The suite's full settings (1000 x 8) with steering and Patchscope off: only the norms are compared.
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { absoluteLayer, type ADLConfig, mergeConfig } from '../../src/adl/config.ts';
import { runADL } from '../../src/adl/method.ts';
import { builtinMethod } from '../../src/harness/load-method.ts';
import { layeredConfig } from '../../src/harness/method-config.ts';
import type { OpenedContext } from '../../src/harness/method-context.ts';
import { loadSuite } from '../../src/harness/suite.ts';
import { openZooContext } from './zoo-context.ts';

const reference = JSON.parse(fs.readFileSync('organisms/zoo/reference_diff_norms.json', 'utf8')) as {
  documents: number;
  tokens: number;
  layers: number[];
  organisms: Record<string, { diff_norm: Record<string, number[]> }>;
  check_layer2: { max_relative_difference: number };
};
const suite = loadSuite('zoo');
const full = layeredConfig(builtinMethod('adl')!.method, suite, 'full').config as unknown as ADLConfig;
const CONFIG: ADLConfig = mergeConfig(full, {
  batchSize: 64,
  patchscope: { enabled: false },
  steering: { enabled: false },
});
// the organisms of the reference thresholds (a LoRA and the null organism) and the full finetune
const ORGANISMS = ['cake_bake', 'cake_bake_full', 'control'];
// float32 in both, different summation order: measured max relative difference 3.1e-6 (layer 4, these and
// cake_bake_n250, violin_varnish_mix1-1p0, 8 positions each)
const TOLERANCE = 1e-4;

const opened: OpenedContext[] = [];
afterAll(async () => {
  for (const o of opened) await o.dispose();
});

describe("the zoo suite's ADL layer against the plain-torch reference", () => {
  it('reads the layers the reference covers, on the same documents', () => {
    expect(CONFIG.samples).toBe(reference.documents);
    expect(CONFIG.tokens).toBe(reference.tokens);
    expect(CONFIG.layers.map((r) => absoluteLayer(r, 6))).toEqual([4]);
    expect(reference.layers).toContain(4);
    // the script's layer-2 norms are transformers' (reference_adl.json) to float precision
    expect(reference.check_layer2.max_relative_difference).toBeLessThan(1e-4);
  });

  it('reproduces the reference difference norms at every position', async () => {
    for (const name of ORGANISMS) {
      const o = await openZooContext('adl-zoo-ref-', `zoo/${name}`);
      opened.push(o);
      const out = await runADL(o.ctx, CONFIG);
      const layer = absoluteLayer(CONFIG.layers[0], o.ctx.finetuned.info.numLayers);
      const want = reference.organisms[name].diff_norm[String(layer)];
      want.forEach((w, p) => {
        const got = out.scalars![`diff_norm.L${layer}.pos${p}`];
        expect(Math.abs(got - w) / w, `${name} layer ${layer} pos ${p}: ${got} vs ${w}`).toBeLessThan(TOLERANCE);
      });
    }
  }, 300_000);
});
