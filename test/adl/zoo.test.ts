// The zoo's known answers (organisms/zoo/reference_adl.json, computed with transformers): difference
// norms on the first 1000 unrelated documents (≥ 8 tokens, truncated to 8, layer 2), their ordering
// along the realism ladder, steering toward the finetuning domain, and reuse of cached artifacts.
// Small numbers for 2 CPU cores: N = 1000 × 8 tokens; steering at position 0 with a 3-step search
// (7 strengths × 8 samples × 24 tokens), then 6 prompts × 3 samples × 40 tokens, at the zoo's sampling
// temperature (ZOO_SAMPLING) and against the default coherence grader (lexical rules + mean NLL under
// the base, calibrated on unsteered samples); no Patchscope here (units.test.ts covers it).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ADL_CONFIG, mergeConfig, ZOO_SAMPLING, type ADLConfig } from '../../src/adl/config.ts';
import { runADL } from '../../src/adl/method.ts';
import type { ThresholdResult } from '../../src/adl/steering.ts';
import { offlineGraders } from '../../src/cli/compose.ts';
import { openMethodContext, type OpenedContext } from '../../src/harness/method-context.ts';
import { finetuningTexts } from '../../src/harness/organism.ts';
import { embedTexts } from '../../src/harness/score.ts';
import { loadSuite } from '../../src/harness/suite.ts';
import { centroidCosine } from '../../src/metrics/similarity.ts';
import type { MethodOutput } from '../../src/method/types.ts';
import type { LanguageModel } from '../../src/runtime/types.ts';
import { tempDir, testCacheDir } from '../helpers.ts';

const reference = JSON.parse(fs.readFileSync('organisms/zoo/reference_adl.json', 'utf8'));
const results = tempDir('adl-zoo-');

const CONFIG: ADLConfig = mergeConfig(mergeConfig(DEFAULT_ADL_CONFIG, ZOO_SAMPLING), {
  samples: 1000,
  tokens: 8,
  batchSize: 64,
  patchscope: { enabled: false },
  steering: {
    positions: [0],
    threshold: { steps: 3, batchSteps: 3, samplesPerStrength: 8, maxStrength: 4, maxNewTokens: 24 },
    final: { samplesPerPrompt: 3, maxNewTokens: 40, prompts: 6 },
  },
});
const NORMS_ONLY = mergeConfig(CONFIG, { steering: { enabled: false } });

const outputs = new Map<string, MethodOutput>();
const opened: OpenedContext[] = [];

async function run(name: string, config: ADLConfig): Promise<MethodOutput> {
  const t0 = Date.now();
  // the zoo suite's unrelated text (its first documents in file order, as the reference analysis)
  const o = await openMethodContext(`zoo/${name}`, {
    suite: loadSuite('zoo'),
    cacheDir: results,
    graders: offlineGraders(),
    seed: '42',
    modelCacheDir: testCacheDir(),
    threads: 2,
    frequentTokens: false,
  });
  opened.push(o);
  const t1 = Date.now();
  const out = await runADL(o.ctx, config);
  if (process.env.ADL_TIMING) console.log(name, 'open', t1 - t0, 'run', Date.now() - t1);
  outputs.set(name, out);
  return out;
}

afterAll(async () => {
  for (const o of opened) await o.dispose();
});

describe('zoo difference norms', () => {
  beforeAll(async () => {
    for (const name of ['cake_bake_mix1-1p0', 'cake_bake_n250']) await run(name, NORMS_ONLY);
    for (const name of ['cake_bake', 'control', 'roman_concrete', 'antarctic_rebound']) await run(name, CONFIG);
  }, 120_000);

  it('reproduces the reference norms within 5% at every position', () => {
    for (const [name, out] of outputs) {
      const ref: number[] = reference.organisms[name].diff_norm;
      ref.forEach((r, p) =>
        expect(Math.abs(out.scalars![`diff_norm.pos${p}`] - r) / r, `${name} pos ${p}`).toBeLessThan(0.05),
      );
    }
    expect(outputs.get('cake_bake')!.scalars!['diff_norm.pos0']).toBeCloseTo(20.77, 1);
    expect(outputs.get('control')!.scalars!['diff_norm.pos0']).toBeCloseTo(3.22, 1);
  });

  it('orders cake_bake > cake_bake_mix1-1p0 > cake_bake_n250 at position 0', () => {
    const n = (name: string) => outputs.get(name)!.scalars!['diff_norm.pos0'];
    expect(n('cake_bake')).toBeGreaterThan(n('cake_bake_mix1-1p0'));
    expect(n('cake_bake_mix1-1p0')).toBeGreaterThan(n('cake_bake_n250'));
  });

  it('produces a complete output: lens readouts for three variants at positions 0-4, vectors, steering samples', () => {
    const out = outputs.get('cake_bake')!;
    for (const variant of ['difference', 'base', 'finetuned']) {
      for (let p = 0; p < 5; p++) {
        const r = out.readouts!.find((x) => x.source === 'logitlens' && x.variant === variant && x.position === p);
        expect(r?.tokens).toHaveLength(100);
      }
    }
    expect(out.vectors!.filter((v) => v.name === 'mean_diff')).toHaveLength(5);
    const s = out.steering![0];
    expect(s.steered).toHaveLength(6);
    expect(s.steered[0]).toHaveLength(3);
    expect(s.unsteered[0]).toHaveLength(3);
    expect(s.strength).toBeGreaterThan(0);
  });

  it('searches the steering strength against the perplexity-calibrated coherence grader', async () => {
    const o = opened.find((x) => x.organism.id === 'zoo/cake_bake')!;
    const dir = path.join(results, 'adl');
    const records = fs
      .readdirSync(dir)
      .filter((f) => f.startsWith('steering-threshold.difference.L2.P0-'))
      .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')))
      .filter((r) => r.inputs.model === o.ctx.finetuned.info.contentHash);
    expect(records).toHaveLength(1);
    const threshold: ThresholdResult = records[0].value;
    expect(threshold.grader.id).toBe('offline/coherence-heuristic+nll');
    const maxMeanNll = Number(/maxMeanNll=([\d.]+)/.exec(threshold!.grader.version)?.[1]);
    // Calibrated on unsteered on-domain samples: above unrelated prose (~2.5 nats) and the domain text
    // itself (~6.6), below shuffled words (~8.8) plus a margin.
    expect(maxMeanNll).toBeGreaterThan(6);
    expect(maxMeanNll).toBeLessThan(10);
  });

  it('steers narrow organisms toward their own finetuning data more than the null organism', async () => {
    const embedder = offlineGraders().embedder;
    const controlEmb = await embedTexts(embedder, outputs.get('control')!.steering![0].steered.flat());
    for (const name of ['cake_bake', 'roman_concrete', 'antarctic_rebound']) {
      const domain = await embedTexts(
        embedder,
        await finetuningTexts(opened.find((o) => o.organism.id === `zoo/${name}`)!.organism, 200, '42'),
      );
      const steered = await embedTexts(embedder, outputs.get(name)!.steering![0].steered.flat());
      expect(steered.length, name).toBeGreaterThan(10);
      const own = centroidCosine(steered, domain);
      const null_ = centroidCosine(controlEmb, domain);
      if (process.env.ADL_TIMING)
        console.log(name, 'own', own, 'control', null_, 'strength', outputs.get(name)!.steering![0].strength);
      // Measured over seeds 42, 1, 2, 3, 4: own 0.14-0.30, control 0.015-0.022 (8 samples per strength: with 4
      // the search accepted strength 1 on seed 42's draws, where cake_bake's text leaves its domain, own 0.045).
      // Not asserted: steered > random direction
      // or > unsteered finetuned samples; on the zoo neither holds for every organism (see ZOO_SAMPLING).
      expect(own, name).toBeGreaterThan(0.1);
      expect(own, name).toBeGreaterThan(3 * null_);
    }
  });

  it('reuses every artifact on a second run: no forward pass or generation, identical output', async () => {
    const o = opened.find((x) => x.organism.id === 'zoo/cake_bake')!;
    const calls: string[] = [];
    const counted = (m: LanguageModel): LanguageModel =>
      new Proxy(m, {
        get(target, prop, receiver) {
          if (prop === 'forward' || prop === 'generate' || prop === 'lens') {
            return (...args: unknown[]) => {
              calls.push(String(prop));
              return (target as any)[prop](...args);
            };
          }
          return Reflect.get(target, prop, receiver);
        },
      });
    const model = counted(o.ctx.finetuned);
    const again = await runADL({ ...o.ctx, base: model, finetuned: model }, CONFIG);
    expect(calls).toEqual([]);
    expect(again).toEqual(outputs.get('cake_bake'));
  });
});
