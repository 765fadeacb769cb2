// Diff mining (re-derived from the diffing toolkit's description): at every position of N unrelated
// documents, the top-k tokens by log-probability difference (finetuned − base); how often each token
// appears there; optionally a few topics from a non-negative matrix factorisation of the
// document × token occurrence counts. The toolkit mines 8,192 documents × 64 positions.
import type { DiffingMethod, MethodOutput, TokenReadout } from '../../method/types.ts';
import { visitLogProbs } from '../shared/logprobs.ts';
import { nmf } from '../shared/nmf.ts';
import { READOUTS_PER_SOURCE, tokenReadout } from '../shared/readouts.ts';
import { topK } from '../../adl/topk.ts';

export interface DiffMiningConfig {
  samples: number;
  tokens: number;
  batchSize: number;
  /** Tokens mined per position. */
  topK: number;
  nmf: { topics: number; vocabulary: number; iterations: number };
}

const int = (minimum: number, maximum?: number) => ({ type: 'integer', minimum, ...(maximum ? { maximum } : {}) });

const HELP = `Runs base and finetuned over N unrelated documents of n tokens; at every position takes the topK
tokens by log p_ft − log p_base and counts how often each token is mined (and in how many documents).
Returns:
  readouts  source logitlens, variant diff-mining: position 0 the 20 most-mined tokens; positions 1..topics
            the top tokens of each NMF topic (documents × the 'vocabulary' most-mined tokens)
  scalars   mining.concentration (share of all mined slots taken by the top 20 tokens), mining.distinct
  details   the 100 most-mined tokens with counts and document counts; the topics with their weights
Config: samples, tokens, batchSize, topK, nmf.topics (0..4; 0 = no NMF), nmf.vocabulary, nmf.iterations.`;

const diffMining: DiffingMethod<DiffMiningConfig> = {
  id: 'diff-mining',
  version: '1',
  description:
    'Diff mining: top-k tokens by log-prob difference at every position of unrelated documents, occurrence counts, NMF topics',
  help: HELP,
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['samples', 'tokens', 'batchSize', 'topK', 'nmf'],
    properties: {
      samples: int(1),
      tokens: int(1),
      batchSize: int(1),
      topK: int(1),
      nmf: {
        type: 'object',
        additionalProperties: false,
        required: ['topics', 'vocabulary', 'iterations'],
        properties: { topics: int(0, READOUTS_PER_SOURCE - 1), vocabulary: int(2), iterations: int(1) },
      },
    },
  },
  defaultConfig: {
    samples: 8192,
    tokens: 64,
    batchSize: 16,
    topK: 20,
    nmf: { topics: 4, vocabulary: 200, iterations: 200 },
  },
  settings: { fast: { samples: 64, tokens: 16 }, full: { samples: 500, tokens: 64 } },
  needs: { generation: false, unrelatedText: true },

  async run(ctx, config): Promise<MethodOutput> {
    const L = ctx.finetuned.info.numLayers;
    const V = ctx.finetuned.info.vocabSize;
    const docs = await ctx.unrelatedDocuments(config.samples, config.tokens);
    const counts = new Float64Array(V);
    const perDoc = docs.map(() => new Map<number, number>());
    const diff = new Float64Array(V);
    await visitLogProbs(ctx, docs, config.batchSize, 'diff-mining: forward passes', ({ doc, ft, base }) => {
      for (let v = 0; v < V; v++) diff[v] = ft[v] - base[v];
      for (const id of topK(diff, config.topK)) {
        counts[id]++;
        perDoc[doc].set(id, (perDoc[doc].get(id) ?? 0) + 1);
      }
    });
    const ranked = topK(counts, Math.max(100, config.nmf.vocabulary)).filter((id) => counts[id] > 0);
    const slots = docs.length * config.tokens * config.topK;
    const readouts: TokenReadout[] = [
      tokenReadout(ctx, {
        source: 'logitlens',
        variant: 'diff-mining',
        layer: L - 1,
        position: 0,
        tokenIds: ranked.slice(0, 20),
      }),
    ];
    const topics: { weight: number; tokens: string[] }[] = [];
    const k = Math.min(config.nmf.topics, ranked.length - 1);
    if (k > 0) {
      const vocab = ranked.slice(0, config.nmf.vocabulary);
      const m = vocab.length,
        n = docs.length;
      const x = new Float64Array(n * m);
      perDoc.forEach((map, d) => vocab.forEach((id, j) => (x[d * m + j] = map.get(id) ?? 0)));
      const { W, H } = nmf(x, n, m, k, config.nmf.iterations);
      for (let a = 0; a < k; a++) {
        const row = H.subarray(a * m, (a + 1) * m);
        let weight = 0;
        for (let i = 0; i < n; i++) weight += W[i * k + a];
        const ids = topK(row, 20).map((j) => vocab[j]);
        topics.push({ weight, tokens: ids.map((id) => ctx.tokenizer.displayToken(id)) });
        readouts.push(
          tokenReadout(ctx, {
            source: 'logitlens',
            variant: 'diff-mining',
            layer: L - 1,
            position: a + 1,
            tokenIds: ids,
          }),
        );
      }
    }
    const top20 = ranked.slice(0, 20).reduce((s, id) => s + counts[id], 0);
    return {
      readouts,
      scalars: { 'mining.concentration': top20 / slots, 'mining.distinct': counts.filter((c) => c > 0).length },
      details: {
        mined: ranked.slice(0, 100).map((id) => ({
          token: ctx.tokenizer.displayToken(id),
          count: counts[id],
          documents: perDoc.filter((m) => m.has(id)).length,
        })),
        topics,
      },
      findings: [
        `most-mined tokens: ${readouts[0].tokens.join(' ')}`,
        ...topics.map((t, i) => `topic ${i + 1}: ${t.tokens.slice(0, 10).join(' ')}`),
      ],
    };
  },
};

export default diffMining;
