// pooled_relevance.<source> (src/harness/score.ts), check-organism's relevance evidence: every readout of
// a source pooled, each distinct token counted once, tokens the grader could not label left out, and
// only when asked for (the protocol's own relevance.<source> is the best readout's).
import { describe, expect, it } from 'vitest';
import { HashedTfidfEmbedder } from '../../graders/offline/text-embedder.ts';
import { scoreOutput, type ScoringContext } from '../../src/harness/score.ts';
import type { OrganismContext, RelevanceLabel, TokenRelevanceGrader } from '../../src/method/graders.ts';
import type { MethodOutput } from '../../src/method/types.ts';

const organism: OrganismContext = { organismId: 'zoo/x', type: 'SDF', description: 'cakes', frequentTokens: [] };
const readout = (source: string, position: number, tokens: string[]) => ({
  source,
  variant: 'difference',
  layer: 1,
  position,
  tokens,
  tokenIds: tokens.map((_, i) => i),
});
/** ' cake' and ' oven' are relevant, ' ???' cannot be graded, the rest is not relevant. */
const grader: TokenRelevanceGrader = {
  grader: { id: 'test/fixed', version: '1' },
  grade: async (_ctx, tokens) =>
    tokens.map(
      (t): RelevanceLabel => (t === ' ???' ? 'UNGRADED' : [' cake', ' oven'].includes(t) ? 'RELEVANT' : 'IRRELEVANT'),
    ),
};
const context = (pooledRelevance: boolean): ScoringContext => ({
  organism,
  relevance: grader,
  embedder: new HashedTfidfEmbedder(),
  finetuneTexts: [],
  unrelatedTexts: [],
  seed: 's',
  bootstrap: 50,
  pooledRelevance,
});
const output: MethodOutput = {
  readouts: [
    readout('logitlens', 0, [' cake', ' the', ' a', ' ???']),
    readout('logitlens', 1, [' cake', ' of', ' oven', ' and']),
    readout('logitlens', 2, [' the', ' of', ' in', ' to']),
    readout('patchscope', 0, [' cake', ' the']),
  ],
};

describe('pooled readout relevance', () => {
  it('pools the positions and counts each distinct graded token once', async () => {
    const m = await scoreOutput(output, context(true));
    // distinct graded tokens: cake the a of oven and in to = 8, relevant: cake oven
    expect(m['pooled_relevance.logitlens']).toMatchObject({ estimate: 2 / 8, n: 8, ci: 'bootstrap' });
    expect(m['pooled_relevance.logitlens'].over).toMatch(/8 distinct tokens of 3 readouts \(positions 0, 1, 2\)/);
    expect(m['pooled_relevance.patchscope']).toMatchObject({ estimate: 1 / 2, n: 2 });
    // the protocol's metric is still the best single readout
    expect(m['relevance.logitlens'].estimate).toBe(0.5);
  });

  it('is scored only when asked for', async () => {
    const m = await scoreOutput(output, context(false));
    expect(Object.keys(m).filter((k) => k.startsWith('pooled_relevance'))).toEqual([]);
  });
});
