// Diff mining (the toolkit's diff_mining): at every position of N unrelated documents, the top-k tokens by
// logit difference (finetuned − base; final logits or the logit lens of a layer); token orderings by how
// often a token is in those lists ('occurrence') and by the fraction of positions where its difference is
// positive ('fraction-positive'); topics from a non-negative matrix factorisation of the (document,
// position) × token matrix of the mined differences (the toolkit's rows), or of document × token counts
// (DiffBench's zoo setting). The toolkit's defaults: 8,192 documents × 64 tokens, top 100, 3 topics.
import type { DiffingMethod, MethodOutput, TokenReadout } from '../../method/types.ts';
import { topK } from '../../adl/topk.ts';
import { absoluteLayer } from '../../adl/config.ts';
import { nmf, sparseNmf } from '../shared/nmf.ts';
import { READOUTS_PER_SOURCE, tokenReadout } from '../shared/readouts.ts';
import { mine } from './mine.ts';
import { int } from '../../method/schema.ts';

export type Ordering = 'fraction-positive' | 'occurrence';

export interface DiffMiningConfig {
  samples: number;
  tokens: number;
  batchSize: number;
  /** Tokens mined per position. */
  topK: number;
  extraction: 'logits' | 'logit-lens' | 'patchscope';
  /** Relative layer of the logit lens (floor(r·(L−1))). */
  extractionLayer: number;
  /** The orderings read out, one readout each, before the topics. */
  orderings: Ordering[];
  nmf: {
    topics: number;
    /** 'document-position': rows are (document, position), values the mined differences (the toolkit's); 'document': per-document counts of the 'vocabulary' most-mined tokens. */
    rows: 'document-position' | 'document';
    vocabulary: number;
    iterations: number;
  };
}

const HELP = `Runs base and finetuned over N unrelated documents of n tokens; at every position takes the topK
tokens by logit difference (extraction: final logits, or the logit lens or Patchscope at extractionLayer), counts how often
each token is mined and at how many positions its difference is positive.
Returns:
  readouts  source logitlens, variant diff-mining: first one per ordering (occurrence: most mined;
            fraction-positive: largest fraction of positions with a positive difference), then the top tokens
            of each NMF topic
  scalars   mining.concentration (share of all mined slots taken by the 20 most-mined tokens), mining.distinct
  details   which readout is which, the 100 most-mined tokens with counts, the topics with their weights
Config: samples, tokens, batchSize, topK, extraction, extractionLayer, orderings, nmf.topics (orderings +
topics <= 5 readouts), nmf.rows, nmf.vocabulary (document rows only), nmf.iterations.`;

const diffMining: DiffingMethod<DiffMiningConfig> = {
  id: 'diff-mining',
  version: '2',
  description:
    'Diff mining: top-k tokens by logit difference at every position of unrelated documents, occurrence and fraction-positive orderings, NMF topics',
  help: HELP,
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['samples', 'tokens', 'batchSize', 'topK', 'extraction', 'extractionLayer', 'orderings', 'nmf'],
    properties: {
      samples: int(1),
      tokens: int(1),
      batchSize: int(1),
      topK: int(1),
      extraction: { enum: ['logits', 'logit-lens', 'patchscope'] },
      extractionLayer: { type: 'number', minimum: 0, maximum: 1 },
      orderings: {
        type: 'array',
        minItems: 1,
        uniqueItems: true,
        items: { enum: ['fraction-positive', 'occurrence'] },
      },
      nmf: {
        type: 'object',
        additionalProperties: false,
        required: ['topics', 'rows', 'vocabulary', 'iterations'],
        properties: {
          topics: int(0, READOUTS_PER_SOURCE - 1),
          rows: { enum: ['document-position', 'document'] },
          vocabulary: int(2),
          iterations: int(1),
        },
      },
    },
  },
  // the toolkit's diff_mining defaults
  defaultConfig: {
    samples: 8192,
    tokens: 64,
    batchSize: 16,
    topK: 100,
    extraction: 'logits',
    extractionLayer: 0.75,
    orderings: ['fraction-positive', 'occurrence'],
    nmf: { topics: 3, rows: 'document-position', vocabulary: 200, iterations: 200 },
  },
  settings: { fast: { samples: 64, tokens: 16 } },
  needs: { generation: false, unrelatedText: true },

  async run(ctx, config): Promise<MethodOutput> {
    if (config.orderings.length + config.nmf.topics > READOUTS_PER_SOURCE)
      throw new Error(
        `diff-mining: ${config.orderings.length} orderings + ${config.nmf.topics} topics is more than the ${READOUTS_PER_SOURCE} readouts a source may have`,
      );
    const L = ctx.finetuned.info.numLayers;
    const layer = config.extraction === 'logits' ? L - 1 : absoluteLayer(config.extractionLayer, L);
    const docs = await ctx.unrelatedDocuments(config.samples, config.tokens);
    const byRows = config.nmf.topics > 0 && config.nmf.rows === 'document-position';
    const perDoc = docs.map(() => new Map<number, number>());
    // (document, position) rows: token columns in order of first appearance, values relu(difference)
    const entries = { rows: [] as number[], cols: [] as number[], values: [] as number[] };
    const column = new Map<number, number>();
    const columnToken: number[] = [];
    const mined = await mine(
      ctx,
      docs,
      { extraction: config.extraction, layer, topK: config.topK, batchSize: config.batchSize },
      ({ doc, position, ids, values }) => {
        for (const id of ids) perDoc[doc].set(id, (perDoc[doc].get(id) ?? 0) + 1);
        if (!byRows) return;
        ids.forEach((id, i) => {
          if (!(values[i] > 0)) return;
          let c = column.get(id);
          if (c === undefined) column.set(id, (c = columnToken.push(id) - 1));
          entries.rows.push(doc * config.tokens + position);
          entries.cols.push(c);
          entries.values.push(values[i]);
        });
      },
    );
    const { counts, positive, positions } = mined;
    const ranked = topK(counts, Math.max(100, config.nmf.vocabulary)).filter((id) => counts[id] > 0);
    const orderingIds = (o: Ordering) =>
      o === 'occurrence'
        ? ranked.slice(0, 20)
        : topK(
            positive.map((c) => c / positions),
            20,
          );
    const readouts: TokenReadout[] = [];
    const readoutNames: string[] = [];
    const push = (name: string, tokenIds: number[]) => {
      readouts.push(
        tokenReadout(ctx, { source: 'logitlens', variant: 'diff-mining', layer, position: readouts.length, tokenIds }),
      );
      readoutNames.push(name);
    };
    for (const o of config.orderings) push(o, orderingIds(o));

    const topics: { weight: number; tokens: string[] }[] = [];
    if (config.nmf.topics > 0) {
      let topicRows: { weight: number; ids: number[] }[];
      if (byRows) {
        const k = Math.min(config.nmf.topics, columnToken.length - 1);
        const n = docs.length * config.tokens,
          m = columnToken.length;
        const { W, H } =
          k > 0
            ? sparseNmf(
                {
                  rows: Int32Array.from(entries.rows),
                  cols: Int32Array.from(entries.cols),
                  values: Float32Array.from(entries.values),
                },
                n,
                m,
                k,
                config.nmf.iterations,
              )
            : { W: new Float64Array(), H: new Float64Array() };
        topicRows = Array.from({ length: k }, (_, a) => {
          const row = H.subarray(a * m, (a + 1) * m);
          let weight = 0;
          for (let i = 0; i < n; i++) weight += W[i * k + a];
          return {
            weight,
            ids: topK(row, 20)
              .filter((j) => row[j] >= 1e-6)
              .map((j) => columnToken[j]),
          };
        });
      } else {
        const k = Math.min(config.nmf.topics, ranked.length - 1);
        const vocab = ranked.slice(0, config.nmf.vocabulary);
        const m = vocab.length,
          n = docs.length;
        const x = new Float64Array(n * m);
        perDoc.forEach((map, d) => vocab.forEach((id, j) => (x[d * m + j] = map.get(id) ?? 0)));
        const { W, H } =
          k > 0 ? nmf(x, n, m, k, config.nmf.iterations) : { W: new Float64Array(), H: new Float64Array() };
        topicRows = Array.from({ length: k }, (_, a) => {
          const row = H.subarray(a * m, (a + 1) * m);
          let weight = 0;
          for (let i = 0; i < n; i++) weight += W[i * k + a];
          return { weight, ids: topK(row, 20).map((j) => vocab[j]) };
        });
      }
      topicRows.forEach((t, a) => {
        topics.push({ weight: t.weight, tokens: t.ids.map((id) => ctx.tokenizer.displayToken(id)) });
        if (t.ids.length) push(`topic ${a + 1}`, t.ids);
      });
    }
    const top20 = ranked.slice(0, 20).reduce((s, id) => s + counts[id], 0);
    return {
      readouts,
      scalars: {
        'mining.concentration': top20 / (positions * config.topK),
        'mining.distinct': counts.filter((c) => c > 0).length,
      },
      details: {
        readouts: readoutNames,
        extraction: { method: config.extraction, layer },
        mined: ranked.slice(0, 100).map((id) => ({
          token: ctx.tokenizer.displayToken(id),
          count: counts[id],
          documents: perDoc.filter((m) => m.has(id)).length,
          fractionPositive: positive[id] / positions,
        })),
        topics,
      },
      findings: [
        ...readouts.slice(0, config.orderings.length).map((r, i) => `${readoutNames[i]}: ${r.tokens.join(' ')}`),
        ...topics.map((t, i) => `topic ${i + 1}: ${t.tokens.slice(0, 10).join(' ')}`),
      ],
    };
  },
};

export default diffMining;
