// Failed grader calls are never zeros (issue 23 item 5): a label the grader could not get (UNGRADED) is
// left out of a metric; a metric with no graded item is not scored, and the run fails (exit 3) saying how
// many grader calls failed, instead of recording relevance 0 [0, 0].
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { LlmTokenRelevanceGrader } from '../../graders/llm/relevance.ts';
import { HashedTfidfEmbedder } from '../../graders/offline/text-embedder.ts';
import { GraderFailures } from '../../src/harness/grader-failures.ts';
import { scoreOutput, type ScoringContext } from '../../src/harness/score.ts';
import { LlmClient } from '../../src/llm/client.ts';
import { resolveEndpoint } from '../../src/llm/config.ts';
import type { OrganismContext, RelevanceLabel, TokenRelevanceGrader } from '../../src/method/graders.ts';
import type { MethodOutput } from '../../src/method/types.ts';
import { relevanceFraction } from '../../src/metrics/index.ts';
import { tempDir } from '../helpers.ts';

const organism: OrganismContext = { organismId: 'zoo/x', type: 'SDF', description: 'cakes', frequentTokens: [] };
const readout = (position: number, tokens: string[]) => ({
  source: 'logitlens',
  variant: 'difference',
  layer: 1,
  position,
  tokens,
  tokenIds: tokens.map((_, i) => i),
});
const context = (relevance: TokenRelevanceGrader): ScoringContext => ({
  organism,
  relevance,
  embedder: new HashedTfidfEmbedder(),
  finetuneTexts: [],
  unrelatedTexts: [],
  seed: 's',
  bootstrap: 20,
});
/** A grader that labels ' cake' RELEVANT, ' the' IRRELEVANT and cannot reach its endpoint for anything else. */
const partial: TokenRelevanceGrader = {
  grader: { id: 'test/partial', version: '1' },
  grade: async (_ctx, tokens) =>
    tokens.map((t): RelevanceLabel => (t === ' cake' ? 'RELEVANT' : t === ' the' ? 'IRRELEVANT' : 'UNGRADED')),
};

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

describe('failed grader calls are never zeros', () => {
  it('an UNGRADED label is left out of the fraction (NaN when nothing was graded)', () => {
    expect(relevanceFraction(['RELEVANT', 'UNGRADED', 'IRRELEVANT', 'UNGRADED'])).toBe(0.5);
    expect(relevanceFraction(['UNGRADED', 'UNGRADED'])).toBeNaN();
    expect(relevanceFraction(['RELEVANT', 'UNKNOWN'])).toBe(0.5); // UNKNOWN (an answer without a label) stays counted
  });

  it('scores a readout over its graded tokens only; one with none graded drops out', async () => {
    const output: MethodOutput = {
      readouts: [readout(0, [' cake', ' oven', ' the', ' flour']), readout(1, [' oven', ' flour'])],
    };
    const metrics = await scoreOutput(output, context(partial));
    expect(metrics['relevance.logitlens'].estimate).toBe(0.5); // 1 of the 2 graded tokens, not 1 of 4
    expect(metrics['relevance.logitlens'].n).toBe(2);
    expect(new GraderFailures().check('the method', output, metrics)).toBe(metrics);
  });

  it('a metric with no graded item fails the run, saying how many calls failed (nothing listening)', async () => {
    const env = {
      DIFFBENCH_LLM_BASE_URL: `http://127.0.0.1:${await closedPort()}/v1`,
      DIFFBENCH_LLM_MODEL: 'nobody',
      DIFFBENCH_LLM_MAX_RETRIES: '0',
    };
    const client = new LlmClient(resolveEndpoint('relevance', env, { default: { cacheDir: tempDir('db-llm-') } }), {
      env,
      backoffBaseMs: 1,
    });
    const failures = new GraderFailures();
    const output: MethodOutput = { readouts: [readout(0, [' cake', ' oven'])] };
    const metrics = await scoreOutput(output, context(new LlmTokenRelevanceGrader(client, { permutations: 1 })));
    expect(metrics['relevance.logitlens']).toBeUndefined(); // not 0 [0, 0]
    expect(failures.failed().count).toBe(4); // 3 attempts + 1 at temperature 0, one rotation
    expect(() => failures.check('the method', output, metrics)).toThrow(
      /4 grader call\(s\) failed after their retries \(last: .*\); no item was graded for the method's relevance\.logitlens: not scored/,
    );
    expect(failures.warning()).toMatch(/4 grader call\(s\) failed/);
  });
});
