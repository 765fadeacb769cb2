// Baselines on a small zoo run (64 documents × 8 tokens; tiny steering): what each produces, and
// that they reuse ADL's collected activations.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomVector, runMeanActivations, runRandomDirection, runUnsteered } from '../../baselines/index.ts';
import { DEFAULT_ADL_CONFIG, mergeConfig, type ADLConfig } from '../../src/adl/config.ts';
import type { OpenedContext } from '../../src/harness/method-context.ts';
import { collectStep, storeOf } from '../../src/adl/steps.ts';
import { openZooContext } from '../adl/zoo-context.ts';

const CONFIG: ADLConfig = mergeConfig(DEFAULT_ADL_CONFIG, {
  samples: 64,
  tokens: 8,
  batchSize: 64,
  patchscope: { enabled: false },
  steering: {
    positions: [0],
    threshold: { steps: 2, batchSteps: 2, samplesPerStrength: 3, maxStrength: 2, maxNewTokens: 12 },
    final: { samplesPerPrompt: 2, maxNewTokens: 12, prompts: 3 },
  },
});

let o: OpenedContext;
beforeAll(async () => {
  o = await openZooContext('adl-baselines-');
}, 60_000);
afterAll(async () => o?.dispose());

describe('baselines', () => {
  it('unrelated documents: read once per process for the method and every baseline, each caller gets its own rows', async () => {
    const a = await o.ctx.unrelatedDocuments(16, 8);
    const first = a.map((r) => [...r]);
    a[0][0] = -1; // a caller that edits its rows does not change what the next one gets
    const b = await o.ctx.unrelatedDocuments(16, 8);
    expect(b).toEqual(first);
    expect(b[0]).not.toBe(a[0]);
    expect(await o.ctx.unrelatedDocuments(16, 9)).not.toEqual(first); // another length is another sample
  });

  it('random vectors are seeded and have the asked norm', () => {
    const a = randomVector(256, 7.5, 's');
    expect(Math.hypot(...a)).toBeCloseTo(7.5, 6);
    expect(randomVector(256, 7.5, 's')).toEqual(a);
    expect(randomVector(256, 7.5, 't')).not.toEqual(a);
  });

  it('mean activations read out base and finetuned means only, reusing the collected activations', async () => {
    await collectStep(o.ctx, CONFIG, storeOf(o.ctx));
    let forwards = 0;
    const model = new Proxy(o.ctx.finetuned, {
      get: (t, p, r) =>
        p === 'forward' ? (...a: unknown[]) => (forwards++, (t as any).forward(...a)) : Reflect.get(t, p, r),
    });
    const out = await runMeanActivations({ ...o.ctx, base: model, finetuned: model }, CONFIG);
    expect(forwards).toBe(0);
    expect(new Set(out.readouts!.map((r) => r.variant))).toEqual(new Set(['base', 'finetuned']));
    expect(out.readouts!.filter((r) => r.source === 'logitlens')).toHaveLength(2 * 5);
    expect(out.scalars!['diff_norm.pos0']).toBeGreaterThan(15);
  });

  it('the random direction has the difference’s norm per position and is steered like it', async () => {
    const out = await runRandomDirection(o.ctx, CONFIG);
    const norms = out.vectors!.map((v) => Math.hypot(...v.data));
    const collected = await collectStep(o.ctx, CONFIG, storeOf(o.ctx));
    norms.forEach((n, p) => expect(n).toBeCloseTo(collected.layers[0].diffNorm[p], 3));
    expect(out.steering![0].variant).toBe('random');
    expect(out.steering![0].steered).toHaveLength(3);
  });

  it('unsteered generations: finetuned samples in the steered slot, base samples as the reference', async () => {
    const out = await runUnsteered(o.ctx, CONFIG);
    const s = out.steering![0];
    expect(s.strength).toBe(0);
    expect(s.steered.map((x) => x.length)).toEqual([2, 2, 2]);
    expect(s.unsteered.map((x) => x.length)).toEqual([2, 2, 2]);
    expect(s.steered.flat()).not.toEqual(s.unsteered.flat());
  });

  it("every direction is compared with the same unsteered samples, generated once: the unsteered baseline's finetuned samples", async () => {
    const random = await runRandomDirection(o.ctx, CONFIG);
    const unsteered = await runUnsteered(o.ctx, CONFIG);
    expect(random.steering![0].unsteered).toEqual(unsteered.steering![0].steered);
    // a second direction generates its steered samples only (its search and steered rows; no unsteered rows)
    let rows = 0;
    const model = new Proxy(o.ctx.finetuned, {
      get: (t, p, r) =>
        p === 'generate'
          ? (a: { prompts: unknown[]; steer?: unknown }) => (
              (rows += a.steer ? 0 : a.prompts.length), t.generate(a as never)
            )
          : Reflect.get(t, p, r),
    });
    const other = await runRandomDirection(
      { ...o.ctx, finetuned: model, seed: o.ctx.seed },
      mergeConfig(CONFIG, { steering: { positions: [1] } }),
    );
    expect(other.steering![0].unsteered).toEqual(unsteered.steering![0].steered);
    expect(rows).toBe(0);
  });
});
