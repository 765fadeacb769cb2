// Is the zoo suite's protocol valid (fast settings)? The controls run on every organism the way bench
// runs them (reusing the output cache the zoo benchmark files fill), next to a do-nothing method:
// - the positive control beats the negative on every metric the suite calls informative, in every
//   organism family it is judged on (raw values, not the normalised ones, which are 1 and 0 by construction);
// - the negative control and the do-nothing method land within CI of 0 (normalised);
// - an over-budget method is rejected before anything is scored.
import { beforeAll, describe, expect, it } from 'vitest';
import { randomTokenIds } from '../../baselines/index.ts';
import { defaultBaselines, offlineGraders } from '../../src/cli/compose.ts';
import type { LoadedMethod } from '../../src/harness/load-method.ts';
import { protocolOf } from '../../src/harness/protocol.ts';
import { runOrganism } from '../../src/harness/run.ts';
import { loadSuite } from '../../src/harness/suite.ts';
import { buildLeaderboard, type Leaderboard } from '../../src/leaderboard/index.ts';
import type { DiffingMethod, MethodOutput } from '../../src/method/types.ts';
import { shortHash } from '../../src/results/hash.ts';
import { readResults } from '../../src/results/store.ts';
import { tempDir } from '../helpers.ts';

const suite = loadSuite('zoo');
const protocol = protocolOf(suite);
const organisms = suite.organisms.filter((o) => o !== suite.nullOrganism);
const PROMPTS = ['The weather today', 'My favorite hobby is', 'In the morning I'];

/** Knows nothing (seeded random tokens, another seed than the negative control's) and steers nothing (strength 0). */
const doNothing: DiffingMethod = {
  id: 'do-nothing',
  version: '1',
  configSchema: { type: 'object' },
  defaultConfig: {},
  needs: { generation: true, unrelatedText: false },
  async run(ctx): Promise<MethodOutput> {
    const layer = Math.floor((ctx.finetuned.info.numLayers - 1) / 2);
    const readouts = ['logitlens', 'patchscope'].flatMap((source) =>
      Array.from({ length: protocol.readoutsPerSource }, (_, position) => {
        const tokenIds = randomTokenIds(
          ctx.finetuned.info.vocabSize,
          protocol.tokensPerReadout,
          `${ctx.seed}/do-nothing/${source}/${position}`,
        );
        return {
          source,
          variant: 'nothing',
          layer,
          position,
          tokenIds,
          tokens: tokenIds.map(ctx.tokenizer.displayToken),
        };
      }),
    );
    const prompts = PROMPTS.flatMap((p) => [p, p]).map((p) => ctx.tokenizer.encode(p, { addSpecialTokens: false }));
    const out = await ctx.finetuned.generate({
      prompts,
      maxNewTokens: 16,
      temperature: 0.8,
      seed: ctx.seed,
      loraScale: ctx.finetunedScale,
    });
    const texts = out.tokens.map((ids) =>
      ctx.tokenizer.decode(ids.filter((t) => !ctx.finetuned.info.eosTokenIds.includes(t))),
    );
    const rows = PROMPTS.map((_, i) => texts.slice(2 * i, 2 * i + 2));
    return {
      readouts,
      steering: [
        { variant: 'nothing', layer, position: 0, strength: 0, prompts: PROMPTS, steered: rows, unsteered: rows },
      ],
    };
  },
};

// The output cache is keyed by codeHash: hash the method's code, so an edited method is rerun.
const method = (m: DiffingMethod): LoadedMethod => ({
  method: m,
  source: 'test/protocol/validity.test.ts',
  codeHash: shortHash(m.run.toString()),
});

let board: Leaderboard;
let files: ReturnType<typeof readResults>;
/** The raw value of `metric` on organism `o` for the do-nothing method ('method') or a baseline id. */
function rawOf(row: string, o: string, metric: string): number {
  const r = files.find((f) => f.result.organism.id === o)!.result;
  const metrics = row === 'method' ? r.metrics : r.baselines[row].metrics;
  return metrics[metric].estimate;
}

beforeAll(async () => {
  // the unsteered baseline's samples decide which organisms steering is judged on (protocol.steeringOrganisms)
  const controls = defaultBaselines().filter((b) =>
    [protocol.controls.negative, protocol.controls.positive, protocol.steeringOrganisms?.baseline].includes(
      b.method.id,
    ),
  );
  expect(controls).toHaveLength(protocol.steeringOrganisms ? 3 : 2);
  const resultsDir = tempDir('db-validity-');
  for (const o of organisms)
    await runOrganism(o, {
      suite,
      settings: 'fast',
      resultsDir,
      method: method(doNothing),
      baselines: controls,
      graders: offlineGraders(),
    });
  files = readResults(resultsDir);
  board = buildLeaderboard(suite, files, { settings: 'fast', bootstrap: 1000 });
}, 900_000);

describe(`the zoo suite's protocol (${suite.id}@${suite.version}, fast settings)`, () => {
  it('measures something, and the positive control beats the negative on every informative metric in every family', () => {
    const p = board.protocol;
    expect(p.informative.length).toBeGreaterThan(0);
    const row = (name: string) => p.ranking.find((r) => r.name === name)!;
    // zoo@4 and later: cake_bake (with its ladders), roman_concrete, antarctic_rebound, control and the five second-generation domains' pairs
    expect(Object.keys(p.families).length).toBeGreaterThanOrEqual(8);
    for (const metric of p.informative) {
      // every family, on the organisms the metric is judged on (steering: the suite's steeringOrganisms)
      const judged = p.metrics.find((m) => m.metric === metric)!.organisms;
      for (const family of Object.values(p.families).map((f) => f.filter((o) => judged.includes(o)))) {
        if (family.length === 0) continue;
        const mean = (name: string) => family.reduce((s, o) => s + rawOf(name, o, metric), 0) / family.length;
        expect(mean(protocol.controls.positive), `${metric} on ${family.join(', ')}`).toBeGreaterThan(
          mean(protocol.controls.negative),
        );
      }
      expect(row(protocol.controls.positive).perMetric[metric].score!.lower).toBeGreaterThan(0.5);
    }
  });

  it('the negative control and a do-nothing method land within CI of 0 (normalised)', () => {
    for (const name of [
      protocol.controls.negative,
      board.protocol.ranking.find((r) => r.name.startsWith('do-nothing@'))!.name,
    ]) {
      const r = board.protocol.ranking.find((x) => x.name === name)!;
      expect(r.score, name).not.toBeNull();
      expect(r.score!.lower, name).toBeLessThanOrEqual(0);
      expect(r.score!.upper, name).toBeGreaterThanOrEqual(0);
      expect(r.vsNegativeMark, name).toBe('~');
    }
    // returning unsteered text as steered scores exactly 0 gain
    for (const o of organisms) expect(rawOf('method', o, 'steering.gain')).toBe(0);
  });

  it('rejects an over-budget method, naming the method and the field', async () => {
    const overBudget: DiffingMethod = {
      ...doNothing,
      id: 'over-budget',
      run: async (ctx) => ({
        readouts: Array.from({ length: protocol.readoutsPerSource + 1 }, (_, i) => ({
          source: 'logitlens',
          variant: 'x',
          layer: 2,
          position: i % protocol.readoutsPerSource,
          tokens: [ctx.tokenizer.displayToken(1)],
          tokenIds: [1],
        })),
      }),
    };
    const run = runOrganism(organisms[0], {
      suite,
      settings: 'fast',
      resultsDir: tempDir('db-validity-'),
      method: method(overBudget),
      baselines: [],
      graders: offlineGraders(),
    });
    await expect(run).rejects.toThrow(
      /method 'over-budget' returned an invalid output: readouts \(source 'logitlens'\): more than 5 readouts.*over budget/,
    );
    const badLayer: DiffingMethod = {
      ...overBudget,
      id: 'bad-layer',
      run: async (ctx) => ({
        readouts: [
          {
            source: 'logitlens',
            variant: 'x',
            layer: 1001,
            position: 0,
            tokens: [ctx.tokenizer.displayToken(1)],
            tokenIds: [1],
          },
        ],
      }),
    };
    await expect(
      runOrganism(organisms[0], {
        suite,
        settings: 'fast',
        resultsDir: tempDir('db-validity-'),
        method: method(badLayer),
        baselines: [],
        graders: offlineGraders(),
      }),
    ).rejects.toThrow(
      /method 'bad-layer' returned an invalid output: readouts\[0\]\.layer: must be an integer layer of the model, 0\.\.5 \(got 1001\)/,
    );
  });
});
