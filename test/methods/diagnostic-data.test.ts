// The diagnostic data path (needs.finetuningData / chatData): the harness hands ctx.finetuningTexts /
// ctx.chatTexts only to a method that declares the need (and only where the data exists), `kl` and
// `causal` measure their finetuning-text series on it, and a result that read the finetuning data is
// marked readsGroundTruth and flagged on the leaderboard.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import kl from '../../src/methods/kl/index.ts';
import causal from '../../src/methods/causal/index.ts';
import causalKl from '../../src/methods/causal-kl/index.ts';
import actDiff from '../../src/methods/act-diff/index.ts';
import meanDiff from '../../src/methods/mean-diff/index.ts';
import { diagnosticTexts } from '../../src/harness/method-context.ts';
import { mergeConfig, resolveConfig } from '../../src/harness/load-method.ts';
import { dataNeeds } from '../../src/method/needs.ts';
import type { DiffingMethod } from '../../src/method/types.ts';
import { getOrganism } from '../../src/registry/index.ts';
import { sampleDocuments } from '../../src/data/index.ts';
import { loadTokenizer } from '../../src/tokenizer/index.ts';
import { encodeConversation } from '../../src/tokenizer/chat-mask.ts';
import { DEFAULT_PROTOCOL } from '../../src/harness/protocol.ts';
import { organismFamilies } from '../../src/leaderboard/families.ts';
import { READS_GROUND_TRUTH_FLAG, scoreProtocol, type ScoredRow } from '../../src/leaderboard/protocol.ts';
import { rankingRows } from '../../src/leaderboard/render-protocol.ts';
import { resultErrors } from '../../src/results/validate.ts';
import { sampleResult } from '../results/sample.ts';
import { buildLeaderboard } from '../../src/leaderboard/index.ts';
import { loadSuite } from '../../src/harness/suite.ts';
import { ZOO_BASE } from '../helpers.ts';
import {
  meanFinalHidden,
  plantLogitBias,
  plantRankOneLora,
  plantedContext,
  pseudoRandom,
  runChecked,
  tokenId,
  UNRELATED,
  type PlantedContext,
} from './planted.ts';
import { readAllF32 } from '../../src/runtime/safetensors.ts';
import { pairedForward } from '../../src/methods/shared/forward.ts';
import { diffNorms, normStatistics } from '../../src/methods/shared/norm-stats.ts';
import { klDivergence, logSoftmax } from '../../src/vector.ts';

const WORDS = ['horse', 'piano', 'winter'];
const SMALL = { samples: 24, tokens: 12 };
// "Finetuning data" of the planted finetune: sentences full of the planted tokens.
const FINETUNING = Array.from(
  { length: 24 },
  (_, i) =>
    `The ${WORDS[i % 3]} and the ${WORDS[(i + 1) % 3]} stood by the ${WORDS[(i + 2) % 3]} all ${WORDS[i % 3]} long, a ${WORDS[(i + 1) % 3]} of ${WORDS[(i + 2) % 3]} and ${WORDS[i % 3]}.`,
);

/** What the harness would give a method for a config, on a zoo organism (public finetuning data) in a suite without chat. */
function harnessTexts<C>(method: DiffingMethod<C>, extra: Record<string, unknown> = {}) {
  const { config } = resolveConfig(method, mergeConfig({}, extra));
  return diagnosticTexts(getOrganism('zoo/cake_bake'), { needs: dataNeeds(method, config as C), seed: 't' });
}

describe('the harness gives finetuning / chat texts only to a method that declares the need', () => {
  it('a blind config (kl and act-diff in the zoo setting, causal-kl defaults) or a method without the needs gets neither function', () => {
    expect(harnessTexts(kl, { finetuningText: false, chatText: false }).finetuningTexts).toBeUndefined();
    expect(harnessTexts(causalKl).finetuningTexts).toBeUndefined();
    expect(harnessTexts(causal, { series: ['pretraining'] }).finetuningTexts).toBeUndefined();
    expect(harnessTexts(meanDiff).finetuningTexts).toBeUndefined();
    expect(harnessTexts(meanDiff).chatTexts).toBeUndefined();
  });

  it("kl with finetuningText reads the organism's finetuning data; chat without a suite chat dataset stays undefined", async () => {
    const given = harnessTexts(kl, { finetuningText: true });
    const texts = await given.finetuningTexts!(3);
    expect(texts).toHaveLength(3);
    expect(texts.join(' ').toLowerCase()).toMatch(/cake|bak/); // zoo/cake_bake's data is about baking cakes
    const both = harnessTexts(causalKl, { finetuningText: true, chatText: true });
    // causal at the toolkit's defaults reads the training data (and the chat data where the suite has it)
    expect(harnessTexts(causal).finetuningTexts).toBeDefined();
    expect(both.finetuningTexts).toBeDefined();
    expect(both.chatTexts).toBeUndefined();
  });
});

// The known answer: the plant adds a logit shift δ to the planted tokens S, so for small δ
// KL(ft || base) ≈ δ²/2 · q(1 − q) with q the base's probability of S. Text full of the planted tokens
// has a larger q (the base copies them) than unrelated text, hence a larger KL. (A strong plant
// saturates: KL → −log q, larger where q is small, so the plant here is weak: strength 0.2, where the
// measured KLs are ~6e-4 nats on unrelated and ~6e-3 on the planted-token text.)
describe('kl on finetuning text of a planted full finetune (weak logit bias)', () => {
  let planted: PlantedContext, unchanged: PlantedContext, blind: PlantedContext;
  const ids = WORDS.map(tokenId);

  beforeAll(async () => {
    const docs = await sampleDocuments({
      source: UNRELATED,
      n: 16,
      minTokens: 12,
      tokenizer: loadTokenizer(ZOO_BASE),
      order: 'file',
      addSpecialTokens: false,
    });
    const mean = await meanFinalHidden(docs);
    const model = await plantLogitBias(ids, 0.2, mean);
    planted = await plantedContext({ model }, 'test/planted', { finetuning: FINETUNING });
    blind = await plantedContext({ model });
    unchanged = await plantedContext({ model: await plantLogitBias(ids, 0, mean) }, 'test/planted', {
      finetuning: FINETUNING,
    });
  }, 120_000);
  afterAll(async () => {
    for (const p of [planted, unchanged, blind]) await p?.dispose();
  });

  it('kl: KL over text full of the planted tokens exceeds KL over unrelated text; an unchanged copy has KL 0 on both', async () => {
    const out = await runChecked(kl, planted, { ...SMALL, finetuningText: true });
    const s = out.scalars!;
    expect(s['kl.mean']).toBeGreaterThan(1e-5);
    expect(s['kl.finetuning.mean']).toBeGreaterThan(3 * s['kl.mean']);
    expect(s['kl.finetuning.ratio']).toBeCloseTo(s['kl.finetuning.mean'] / s['kl.mean'], 10);
    expect(s['kl.finetuning.max']).toBeGreaterThanOrEqual(s['kl.finetuning.p95']);
    expect(out.details!.finetuningText).toEqual({
      documents: FINETUNING.length,
      tokens: SMALL.tokens,
      format: 'plain text',
    });
    const none = await runChecked(kl, unchanged, { ...SMALL, finetuningText: true });
    expect(none.scalars!['kl.finetuning.mean']).toBeLessThan(1e-6);
  }, 120_000);

  it('kl: the option on a context without finetuning texts reports the series as not measurable, with no number', async () => {
    const out = await runChecked(kl, blind, { ...SMALL, finetuningText: true });
    expect(Object.keys(out.scalars!).filter((k) => k.startsWith('kl.finetuning'))).toEqual([]);
    expect(out.details!.finetuningText).toEqual({ notMeasurable: 'the organism has no public finetuning data' });
    expect(out.findings!.some((f) => f.includes('not measurable'))).toBe(true);
    // the zoo's setting: blind, no series even where texts exist
    const off = await runChecked(kl, planted, { ...SMALL, finetuningText: false, chatText: false });
    expect(Object.keys(off.scalars!).filter((k) => k.startsWith('kl.finetuning'))).toEqual([]);
    // the toolkit's default: both series; a context without a chat dataset names that one not measurable
    const both = await runChecked(kl, planted, SMALL);
    expect(both.scalars!['kl.finetuning.mean']).toBeGreaterThan(3 * both.scalars!['kl.mean']);
    expect(both.details!.chatText).toEqual({ notMeasurable: 'the suite has no chat dataset' });
  }, 120_000);
});

// Chat data as the toolkit reads it: conversations through the chat template. kl and act-diff score every
// token of them (the toolkit's activation collection keeps all tokens); causal scores assistant targets only
// (the toolkit's causal effect). References: float64 per-token KL / NLL from the same forward passes.
describe('chat conversations: the chat template for kl and act-diff, the assistant mask for causal', () => {
  let planted: PlantedContext, lora: PlantedContext;
  const PLAIN =
    'The committee met on a rainy Tuesday to review the budget report, and it was approved after a short debate.';
  const conversations = FINETUNING.slice(0, 8).map((words) => [
    { role: 'user', content: words },
    { role: 'assistant', content: PLAIN },
  ]);
  const CHAT = { samples: 8, tokens: 48, chatText: true, finetuningText: false };
  const tok = loadTokenizer(ZOO_BASE);
  const encoded = conversations.map((m) => encodeConversation(tok, m));

  /** float64 per-position KL(ft || base) and NLL of the finetuned model over `docs` (equal lengths). */
  async function reference(ctx: PlantedContext['ctx'], docs: number[][]) {
    const V = ctx.finetuned.info.vocabSize;
    const lf = new Float64Array(V),
      lb = new Float64Array(V);
    const kl: number[][] = docs.map(() => []),
      nll: number[][] = docs.map(() => []);
    const T = docs[0].length;
    await pairedForward(
      ctx,
      docs,
      { logits: 'all', batchSize: 8, step: 'reference' },
      ({ start, docs: batch, base, finetuned }) => {
        for (let d = 0; d < batch.length; d++)
          for (let p = 0; p < T; p++) {
            const at = (d * T + p) * V;
            logSoftmax(finetuned.logits!.data.subarray(at, at + V), lf);
            logSoftmax(base.logits!.data.subarray(at, at + V), lb);
            kl[start + d].push(klDivergence(lf, lb));
            if (p + 1 < T) nll[start + d].push(-lf[batch[d][p + 1]]);
          }
      },
    );
    return { kl, nll };
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

  beforeAll(async () => {
    const docs = await sampleDocuments({
      source: UNRELATED,
      n: 16,
      minTokens: 12,
      tokenizer: loadTokenizer(ZOO_BASE),
      order: 'file',
      addSpecialTokens: false,
    });
    const model = await plantLogitBias(WORDS.map(tokenId), 0.2, await meanFinalHidden(docs));
    planted = await plantedContext({ model }, 'test/planted', { chatConversations: conversations });
    // the logit plant leaves the residual stream alone: a rank-1 LoRA on layer 0 moves every later layer
    const E = readAllF32(`${ZOO_BASE}/model.safetensors`).get('model.embed_tokens.weight')!;
    const H = E.shape[1];
    const b = E.data.slice(tokenId('piano') * H, (tokenId('piano') + 1) * H);
    lora = await plantedContext(
      {
        adapter: plantRankOneLora(
          0,
          b,
          pseudoRandom(768, 3).map((x) => x * 0.05),
        ),
      },
      'test/planted',
      { chatConversations: conversations },
    );
  }, 120_000);
  afterAll(async () => {
    for (const p of [planted, lora]) await p?.dispose();
  });

  it('kl: kl.chat.mean is the float64 mean KL over every token of the templated conversations', async () => {
    const docs = encoded
      .map(({ ids }) => ids)
      .filter((ids) => ids.length >= CHAT.tokens)
      .map((ids) => ids.slice(0, CHAT.tokens));
    expect(docs).toHaveLength(8);
    const ref = mean((await reference(planted.ctx, docs)).kl.flat());
    const out = await runChecked(kl, planted, CHAT);
    expect(out.details!.chatText).toEqual({ documents: 8, tokens: CHAT.tokens, format: 'chat template' });
    console.log(
      `kl.chat.mean ${out.scalars!['kl.chat.mean'].toExponential(3)}; float64 reference ${ref.toExponential(3)}`,
    );
    expect(Math.abs(out.scalars!['kl.chat.mean'] - ref)).toBeLessThan(1e-6 + 1e-3 * ref);
  }, 120_000);

  it('act-diff: the chat norm statistics are those of every token of the templated conversations', async () => {
    const out = await runChecked(actDiff, lora, CHAT);
    const docs = encoded.map(({ ids }) => ids.slice(0, CHAT.tokens));
    const expected = normStatistics(
      'act_diff.chat.norm',
      await diffNorms(lora.ctx, docs, out.details!.layer as number, 8, 'reference'),
    );
    for (const [key, value] of Object.entries(expected)) expect(out.scalars![key], key).toBeCloseTo(value, 4);
  }, 120_000);

  it('causal: CE on chat counts the targets inside assistant messages only (the count and mean against float64)', async () => {
    const maxTokens = 40;
    const docs = encoded.map(({ ids }) => ids.slice(0, maxTokens));
    const { nll } = await reference(lora.ctx, docs);
    const scored = nll.flatMap((row, d) => row.filter((_, t) => encoded[d].assistant[t + 1]));
    const all = nll.flat();
    const out = await runChecked(causal, lora, {
      layer: 0.6,
      samples: 8,
      tokens: 12,
      positions: 2,
      evalSamples: 8,
      maxTokens,
      afterK: 20,
      randomVectors: 1,
      randomDiffVectors: 1,
      series: ['chat'],
    });
    const ce = out.scalars!['causal.chat.ce.finetuned'];
    console.log(
      `causal.chat.ce.finetuned ${ce.toFixed(5)}; assistant targets ${mean(scored).toFixed(5)} (${scored.length} of ${all.length}), all targets ${mean(all).toFixed(5)}`,
    );
    expect(scored.length).toBeGreaterThan(0);
    expect(scored.length).toBeLessThan(all.length);
    expect(Math.abs(ce - mean(scored))).toBeLessThan(1e-4);
    expect(Math.abs(mean(all) - mean(scored))).toBeGreaterThan(0.1); // the fixture tells a dropped mask apart
  }, 120_000);
});

// A rank-1 LoRA writes its difference along one direction b (planted.ts) on any text, so ablating along
// the mean difference removes all of KL(ft || base) at the intervened positions on finetuning text too.
describe('causal-kl on finetuning text of a planted rank-1 LoRA', () => {
  it('the finetuning series is measured (full reduction, random directions almost none); the chat series is named not measurable', async () => {
    const E = readAllF32(`${ZOO_BASE}/model.safetensors`).get('model.embed_tokens.weight')!;
    const H = E.shape[1];
    const b = E.data.slice(tokenId('piano') * H, (tokenId('piano') + 1) * H); // tied: the unembedding row of ' piano'
    const planted = await plantedContext(
      {
        adapter: plantRankOneLora(
          3,
          b,
          pseudoRandom(768, 3).map((x) => x * 0.05),
        ),
      },
      'test/planted',
      { finetuning: FINETUNING },
    );
    try {
      const out = await runChecked(causalKl, planted, {
        layer: 0.6,
        samples: 8,
        evalSamples: 8,
        tokens: 12,
        positions: 4,
        randomDirections: 2,
        finetuningText: true,
        chatText: true,
      });
      const s = out.scalars!;
      expect(s['causal_kl.finetuning.kl']).toBeGreaterThan(1e-3);
      expect(s['causal_kl.finetuning.ablate.reduction']).toBeGreaterThan(0.999);
      expect(s['causal_kl.finetuning.random.reduction']).toBeLessThan(0.2);
      expect(Number.isFinite(s['causal_kl.finetuning.ablate.reduction_after'])).toBe(true);
      expect(Object.keys(s).filter((k) => k.startsWith('causal_kl.chat'))).toEqual([]);
      expect(out.details!.notMeasurable).toEqual({ chat: 'the suite has no chat dataset' });
      expect(out.findings!.some((f) => f.startsWith('on chat text: not measurable'))).toBe(true);
      // act-diff's norm statistics on the finetuning text: zero before the planted layer, positive at it
      const before = await runChecked(actDiff, planted, { layer: 0.4, samples: 8, tokens: 12 });
      expect(before.scalars!['act_diff.finetuning.norm.max']).toBeLessThan(1e-4);
      const at = await runChecked(actDiff, planted, { layer: 0.6, samples: 8, tokens: 12 });
      expect(at.scalars!['act_diff.finetuning.norm.mean']).toBeGreaterThan(0.01);
      expect(at.scalars!['act_diff.finetuning.norm.p99']).toBeLessThanOrEqual(
        at.scalars!['act_diff.finetuning.norm.max'],
      );
      expect(at.details!.notMeasurable).toEqual({ chat: 'the suite has no chat dataset' });
    } finally {
      await planted.dispose();
    }
  }, 120_000);
});

describe('a result that read the finetuning data is marked and flagged', () => {
  it('the result schema accepts method.readsGroundTruth: true and nothing else there', () => {
    const r = sampleResult();
    expect(resultErrors({ ...r, method: { ...r.method, readsGroundTruth: true } })).toEqual([]);
    expect(resultErrors({ ...r, method: { ...r.method, readsGroundTruth: false } }).length).toBeGreaterThan(0);
  });

  it('the leaderboard ranking flags the row as not blind', () => {
    const organisms = ['zoo/cake_bake', 'zoo/roman_concrete', 'zoo/antarctic_rebound'];
    const row = (name: string, kind: ScoredRow['kind'], value: number, extra: Partial<ScoredRow> = {}): ScoredRow => ({
      name,
      kind,
      ...extra,
      metrics: Object.fromEntries(
        organisms.map((o) => [
          o,
          { a: { estimate: value, lower: value, upper: value, n: 10, alpha: 0.05, ci: 'none' as const } },
        ]),
      ),
    });
    const negative = row('baseline/negative-control', 'control', 0),
      positive = row('baseline/positive-control', 'control', 1);
    const board = scoreProtocol({
      protocol: { ...DEFAULT_PROTOCOL, metrics: ['a'] },
      organisms,
      families: organismFamilies(organisms),
      rows: [
        row('kl@1-x', 'method', 0.5, { readsGroundTruth: true }),
        row('adl@2-y', 'method', 0.4),
        negative,
        positive,
      ],
      controls: { negative: negative.metrics, positive: positive.metrics },
      seed: 't',
      bootstrap: 50,
    });
    const flags = (name: string) => board.ranking.find((r) => r.name === name)!.flags;
    expect(flags('kl@1-x')).toEqual([READS_GROUND_TRUTH_FLAG]);
    expect(flags('adl@2-y')).toEqual([]);
    expect(
      rankingRows(board)
        .find((r) => r[1] === 'kl@1-x')!
        .at(-1),
    ).toContain('not a blind diffing method');
  });

  it("buildLeaderboard carries a result file's readsGroundTruth to that method's ranking row only", () => {
    const suite = loadSuite('zoo');
    const files = suite.organisms.flatMap((o) =>
      [true, false].map((reads) => {
        const r = sampleResult();
        r.organism = { ...r.organism, id: o };
        r.method = { ...r.method, id: reads ? 'kl' : 'act-diff', ...(reads ? { readsGroundTruth: true } : {}) };
        return { path: `${o}-${r.method.id}.json`, result: r };
      }),
    );
    const ranking = buildLeaderboard(suite, files).protocol.ranking;
    const flagsOf = (id: string) => ranking.find((r) => r.name.startsWith(`${id}@`))!.flags;
    expect(flagsOf('kl')).toContain(READS_GROUND_TRUTH_FLAG);
    expect(flagsOf('act-diff')).not.toContain(READS_GROUND_TRUTH_FLAG);
  });
});
