// KL / logit difference and diff mining get back a planted signal: a full finetune whose unembedding
// makes three chosen tokens likelier on any text (planted.ts), and find nothing in an unchanged copy.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import kl from '../../src/methods/kl/index.ts';
import diffMining from '../../src/methods/diff-mining/index.ts';
import { patchscopeLogits } from '../../src/methods/diff-mining/mine.ts';
import { IDENTITY_WORDS, repeatPrompt } from '../../src/adl/patchscope.ts';
import { pseudoRandom } from './planted.ts';
import {
  runChecked,
  meanFinalHidden,
  plantLogitBias,
  plantedContext,
  tokenId,
  tokenizer,
  type PlantedContext,
} from './planted.ts';
import { sampleDocuments } from '../../src/data/index.ts';
import { loadTokenizer } from '../../src/tokenizer/index.ts';
import { ZOO_BASE } from '../helpers.ts';
import { UNRELATED } from './planted.ts';

const WORDS = ['horse', 'piano', 'winter'];
const SMALL = { samples: 24, tokens: 12 };

describe('logit-difference methods on a planted full finetune', () => {
  let planted: PlantedContext, unchanged: PlantedContext;
  const ids = WORDS.map(tokenId);
  const words = ids.map((id) => tokenizer.displayToken(id));

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
    planted = await plantedContext({ model: await plantLogitBias(ids, 6, mean) });
    unchanged = await plantedContext({ model: await plantLogitBias(ids, 0, mean) });
  }, 120_000);
  afterAll(async () => {
    await planted?.dispose();
    await unchanged?.dispose();
  });

  it('kl: the planted tokens lead the mean log-prob increase at every position; an unchanged copy has KL 0', async () => {
    const out = await runChecked(kl, planted, SMALL);
    expect(out.readouts).toHaveLength(5);
    for (const r of out.readouts!) {
      expect(r.tokens.length).toBeLessThanOrEqual(20);
      expect(new Set(r.tokens.slice(0, 3))).toEqual(new Set(words));
    }
    expect(out.scalars!['kl.mean']).toBeGreaterThan(0.01);
    const none = await runChecked(kl, unchanged, SMALL);
    expect(none.scalars!['kl.mean']).toBeLessThan(1e-6);
  }, 120_000);

  it('diff-mining (zoo setting: occurrence, document NMF): the planted tokens are the most-mined; topics stay within the budget', async () => {
    const out = await runChecked(diffMining, planted, {
      ...SMALL,
      topK: 5,
      orderings: ['occurrence'],
      nmf: { topics: 2, rows: 'document', vocabulary: 30, iterations: 50 },
    });
    // every other token's logit difference is exactly 0, so the two top-5 slots left go to tied tokens
    // (the lowest ids, at every position, as often as the planted ones): the planted three are in the top 5
    const mined = out.readouts![0];
    expect(mined.tokens.slice(0, 5)).toEqual(expect.arrayContaining(words));
    expect(out.readouts!.length).toBe(3);
    // each planted token is mined at (almost) every position of every document: 24 docs x 12 positions
    const details = out.details as { mined: { token: string; count: number }[] };
    for (const w of words) expect(details.mined.find((m) => m.token === w)!.count).toBeGreaterThan(0.9 * 24 * 12);
  }, 120_000);

  it("diff-mining at the toolkit's settings: fraction-positive leads with the planted tokens; (document, position) NMF topics hold only them", async () => {
    // only the planted tokens' logits change, so only they have a positive difference anywhere
    for (const extraction of ['logits', 'logit-lens', 'patchscope'] as const) {
      const out = await runChecked(diffMining, planted, { ...SMALL, extraction, nmf: { iterations: 50 } });
      const d = out.details as {
        readouts: string[];
        extraction: { layer: number };
        mined: { token: string; fractionPositive: number }[];
        topics: { tokens: string[] }[];
      };
      expect(d.readouts).toEqual(['fraction-positive', 'occurrence', 'topic 1', 'topic 2']); // 3 columns: 2 topics
      expect(d.extraction.layer).toBe(extraction === 'logits' ? 5 : 3); // floor(0.75 * 5)
      expect(new Set(out.readouts![0].tokens.slice(0, 3))).toEqual(new Set(words));
      for (const w of words) expect(d.mined.find((m) => m.token === w)!.fractionPositive).toBeGreaterThan(0.9);
      for (const t of d.topics) for (const tok of t.tokens) expect(words).toContain(tok);
      expect(new Set(d.topics.flatMap((t) => t.tokens))).toEqual(new Set(words));
    }
    // a blind copy mines no positive difference: no topic readouts
    const none = await runChecked(diffMining, unchanged, SMALL);
    expect((none.details as { readouts: string[] }).readouts).toEqual(['fraction-positive', 'occurrence']);
  }, 120_000);
});

it("diff-mining's Patchscope: the prompt's prefix cache + the patched '?' equals one forward over the whole prompt with '?' patched", async () => {
  const planted = await plantedContext({ model: ZOO_BASE });
  try {
    const { ctx } = planted;
    const model = ctx.finetuned;
    const { hiddenSize: H, vocabSize: V } = model.info;
    const ids = ctx.tokenizer.encode(repeatPrompt(IDENTITY_WORDS[0]));
    const hidden = pseudoRandom(3 * H, 9).map((x) => x * 4);
    const prefix = await model.prefill!(ids.slice(0, -1));
    const got = await patchscopeLogits(model, undefined, prefix, ids[ids.length - 1], 3, hidden);
    for (let r = 0; r < 3; r++) {
      const ref = await model.forward({
        inputIds: [ids],
        patch: [{ layer: 3, position: ids.length - 1, vector: hidden.subarray(r * H, (r + 1) * H) }],
        logits: 'last',
      });
      const row = got.subarray(r * V, (r + 1) * V);
      let err = 0,
        norm = 0;
      for (let v = 0; v < V; v++) {
        err += (row[v] - ref.logits!.data[v]) ** 2;
        norm += ref.logits!.data[v] ** 2;
      }
      expect(Math.sqrt(err / norm)).toBeLessThan(1e-4);
    }
  } finally {
    await planted.dispose();
  }
}, 60_000);
