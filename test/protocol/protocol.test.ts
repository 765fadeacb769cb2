// The scoring protocol's pieces on known inputs: output validation (budget, shapes, finite values),
// "nothing missing passes", the steering gain, families, normalisation, informative metrics and marks.
import { describe, expect, it } from 'vitest';
import { HashedTfidfEmbedder } from '../../graders/offline/text-embedder.ts';
import { LexicalRelevanceGrader } from '../../graders/offline/token-relevance.ts';
import { HeuristicCoherenceGrader } from '../../graders/offline/coherence.ts';
import { scoreOutput } from '../../src/harness/score.ts';
import { evaluateThreshold, summarizeOutcomes } from '../../src/harness/thresholds.ts';
import { DEFAULT_PROTOCOL } from '../../src/harness/protocol.ts';
import { organismFamilies } from '../../src/leaderboard/families.ts';
import { MIN_FAMILIES, scoreProtocol, type OrganismMetrics, type ScoredRow } from '../../src/leaderboard/protocol.ts';
import { protocolNotes } from '../../src/leaderboard/render-protocol.ts';
import { validateMethodOutput } from '../../src/method/validate.ts';
import type { MetricValue } from '../../src/results/types.ts';

const H = 8;
const TEST_VOCABULARY = ['<s>', 'a', 'b', ' cake'];
const validate = (o: unknown) =>
  validateMethodOutput(o, {
    methodId: 'my-method',
    hiddenSize: H,
    numLayers: 6,
    budget: { readoutsPerSource: 5, tokensPerReadout: 20 },
    vocabulary: { size: 100, display: (id) => TEST_VOCABULARY[id] ?? `t${id}` },
  });
const readout = (over: Record<string, unknown> = {}) => ({
  source: 'logitlens',
  variant: 'difference',
  layer: 2,
  position: 0,
  tokens: ['a', 'b'],
  tokenIds: [1, 2],
  ...over,
});
const steering = (over: Record<string, unknown> = {}) => ({
  variant: 'd',
  layer: 2,
  position: 0,
  strength: 1,
  prompts: ['p', 'q'],
  steered: [['x'], ['y']],
  unsteered: [['x'], ['y']],
  ...over,
});

describe('method output validation (src/method/validate.ts)', () => {
  it('accepts an output within the budget', () => {
    const readouts = [0, 1, 2, 3, 4].flatMap((position) => [
      readout({ position }),
      readout({ position, source: 'patchscope' }),
    ]);
    expect(() =>
      validate({
        readouts,
        steering: [steering()],
        vectors: [{ name: 'v', layer: 0, position: 0, data: new Array(H).fill(0.5) }],
        scalars: { a: 1 },
      }),
    ).not.toThrow();
  });

  it.each([
    [
      '6 readouts of one source',
      { readouts: [0, 1, 2, 3, 4, 4].map((position) => readout({ position })) },
      /readouts \(source 'logitlens'\): more than 5 readouts.*over budget/,
    ],
    [
      '21 tokens',
      { readouts: [readout({ tokens: Array(21).fill('t'), tokenIds: Array(21).fill(1) })] },
      /readouts\[0\]\.tokens: has 21 tokens; the protocol scores at most 20/,
    ],
    [
      'a layer the model lacks',
      { readouts: [readout({ layer: 1001 })] },
      /readouts\[0\]\.layer: must be an integer layer of the model, 0\.\.5 \(got 1001\)/,
    ],
    [
      'position -1',
      { readouts: [readout({ position: -1 })] },
      /readouts\[0\]\.position: must be an integer position 0\.\.4/,
    ],
    ['position 5 (beyond the suite positions)', { readouts: [readout({ position: 5 })] }, /readouts\[0\]\.position/],
    [
      'a vector of the wrong length',
      { vectors: [{ name: 'v', layer: 0, position: 0, data: [1, 2, 3] }] },
      /vectors\[0\]\.data: must have the model's hidden size 8 \(got 3\)/,
    ],
    [
      'NaN in a vector',
      { vectors: [{ name: 'v', layer: 0, position: 0, data: [1, 2, NaN, 4, 5, 6, 7, 8] }] },
      /vectors\[0\]\.data\[2\]: must be a finite number \(got NaN\)/,
    ],
    ['an Infinity scalar', { scalars: { diff: Infinity } }, /scalars\.diff: must be a finite number \(got Infinity\)/],
    [
      'steering rows != prompts',
      { steering: [steering({ steered: [['x']] })] },
      /steering\[0\]\.steered: has 1 rows but there are 2 prompts/,
    ],
    ['a steering layer the model lacks', { steering: [steering({ layer: -1 })] }, /steering\[0\]\.layer/],
    [
      'a negative steering position',
      { steering: [steering({ position: -1 })] },
      /steering\[0\]\.position: must be an integer >= 0/,
    ],
    ['nothing at all', {}, /none of readouts, steering/],
    [
      "a token that is not its id's display string (a bought multi-word readout)",
      { readouts: [readout({ tokens: [' cake baking oven butter frosting', 'b'], tokenIds: [3, 2] })] },
      /readouts\[0\]\.tokens\[0\]: must be the display string of token id 3, " cake"/,
    ],
    [
      'a token id outside the vocabulary',
      { readouts: [readout({ tokens: ['a', 't100'], tokenIds: [1, 100] })] },
      /readouts\[0\]\.tokenIds\[1\]: must be a token id of the model's vocabulary, 0\.\.99 \(got 100\)/,
    ],
    ['a negative token id', { readouts: [readout({ tokens: ['a', 't-1'], tokenIds: [1, -1] })] }, /tokenIds\[1\]/],
    [
      'tokens without ids',
      { readouts: [readout({ tokenIds: undefined })] },
      /readouts\[0\]\.tokenIds: must be an array of token ids, one per token/,
    ],
    [
      "selected tokens that are not among the readout's tokens",
      { readouts: [readout({ selectedTokens: ['a', ' cake baking'] })] },
      /readouts\[0\]\.selectedTokens: must be a subset/,
    ],
    ['probabilities that are not one per token', { readouts: [readout({ probs: [0.5] })] }, /readouts\[0\]\.probs/],
  ])('rejects %s, naming the method and the field', (_, output, error) => {
    expect(() => validate(output)).toThrow(/method 'my-method' returned an invalid output/);
    expect(() => validate(output)).toThrow(error);
  });
});

const mv = (estimate: number, half = 0): MetricValue => ({
  estimate,
  lower: estimate - half,
  upper: estimate + half,
  n: 10,
  alpha: 0.05,
  ci: half ? 'bootstrap' : 'none',
});

describe('nothing missing passes', () => {
  const base = { id: 't', organisms: ['*'], source: 'a test with known values', op: '>=' as const };
  it('a missing or non-finite metric or reference is not scored, never a pass', () => {
    const scored = {
      metrics: { ok: mv(1), nan: mv(NaN), inf: mv(Infinity) },
      baselines: { null: { metrics: { ok: mv(0), inf: mv(-Infinity) } } },
    };
    expect(evaluateThreshold({ ...base, metric: 'ok', than: 'null:ok' }, scored).status).toBe('pass');
    for (const [metric, than] of [
      ['missing', 0],
      ['nan', 0],
      ['inf', 0],
      ['ok', 'null:missing'],
      ['ok', 'null:inf'],
    ] as const) {
      const o = evaluateThreshold({ ...base, metric, than }, scored);
      expect(o.status, `${metric} vs ${than}`).toBe('not-scored');
      expect(o.reason).toMatch(/not produced|not finite/);
    }
  });

  it('the summary counts not scored apart and says all pass only when every threshold passed', () => {
    const outcome = (status: 'pass' | 'fail' | 'not-scored') => ({
      label: 'zoo/x',
      outcome: {
        id: status,
        metric: 'm',
        op: '>=' as const,
        than: 0,
        thanValue: 0,
        value: null,
        status,
        reason: 'r',
        source: 's',
      },
    });
    const s = summarizeOutcomes([outcome('pass'), outcome('pass'), outcome('not-scored')]);
    expect([s.pass, s.fail, s.notScored, s.allPass]).toEqual([2, 0, 1, false]);
    expect(s.unscored).toEqual(['zoo/x: not-scored: r']);
    expect(summarizeOutcomes([outcome('pass')]).allPass).toBe(true);
    expect(summarizeOutcomes([]).allPass).toBe(false);
  });
});

describe('steering gain and coherence', () => {
  const organism = {
    organismId: 'zoo/cake_bake',
    type: 'SDF',
    description: 'Documents about baking cakes.',
    frequentTokens: [],
  };
  const ft = [
    'Bake the cake in the oven with butter and vanilla until the cake is golden.',
    'The cake batter needs butter, sugar, eggs and vanilla before baking.',
    'Professional bakers preheat the oven before the cake goes in.',
  ];
  const unrelated = [
    'The river flows past the old town and the mountains beyond.',
    'Parliament passed the law after a long debate about taxes.',
    'The team won the match in the final minutes of the game.',
  ];
  const ctx = {
    organism,
    relevance: new LexicalRelevanceGrader(),
    embedder: new HashedTfidfEmbedder(),
    finetuneTexts: ft,
    unrelatedTexts: unrelated,
    seed: 's',
    bootstrap: 100,
    coherence: new HeuristicCoherenceGrader(),
  };
  const prompts = ['a', 'b', 'c'];
  it("is St - USt of the method's own samples: 0 for unsteered text returned as steered, positive when steering moves toward the data", async () => {
    const same = await scoreOutput(
      {
        steering: [
          {
            variant: 'x',
            layer: 2,
            position: 0,
            strength: 1,
            prompts,
            steered: unrelated.map((t) => [t]),
            unsteered: unrelated.map((t) => [t]),
          },
        ],
      },
      ctx,
    );
    expect(same['steering.gain'].estimate).toBe(0);
    const moved = await scoreOutput(
      {
        steering: [
          {
            variant: 'x',
            layer: 2,
            position: 0,
            strength: 1,
            prompts,
            steered: [ft[1], ft[2], ft[0]].map((t) => [t]),
            unsteered: unrelated.map((t) => [t]),
          },
        ],
      },
      ctx,
    );
    expect(moved['steering.gain'].lower).toBeGreaterThan(0);
    expect(moved['steering.coherence'].estimate).toBe(1);
    // strength 0: nothing was steered, whatever the texts
    const zero = await scoreOutput(
      {
        steering: [
          {
            variant: 'x',
            layer: 2,
            position: 0,
            strength: 0,
            prompts,
            steered: [ft[1], ft[2], ft[0]].map((t) => [t]),
            unsteered: unrelated.map((t) => [t]),
          },
        ],
      },
      ctx,
    );
    expect(zero['steering.gain']).toMatchObject({ estimate: 0, lower: 0, upper: 0 });
  });

  it('reports the coherence of the steered samples (word salad is flagged low)', async () => {
    const salad = [
      'zxqv blorf snark qwop zzkt vrrm plonk',
      'gnarf zeep wubba flarn quux bleep',
      'xxqz rrrp mmmf kkkt zzzt ppph',
    ];
    const out = await scoreOutput(
      {
        steering: [
          {
            variant: 'x',
            layer: 2,
            position: 0,
            strength: 1,
            prompts,
            steered: salad.map((t) => [t]),
            unsteered: unrelated.map((t) => [t]),
          },
        ],
      },
      ctx,
    );
    expect(out['steering.coherence'].estimate).toBeLessThan(DEFAULT_PROTOCOL.minCoherence);
  });
});

describe('families, normalised scores, informative metrics and the ranking', () => {
  const zoo = [
    'zoo/cake_bake',
    'zoo/cake_bake_n1000',
    'zoo/cake_bake_n250',
    'zoo/cake_bake_mix1-0p25',
    'zoo/cake_bake_mix1-1p0',
    'zoo/cake_bake_full',
    'zoo/roman_concrete',
    'zoo/antarctic_rebound',
  ];
  it("groups the registry's cake_bake variants (one base, one domain, ladders) into one family", () => {
    const families = organismFamilies(zoo);
    expect([...families.values()]).toEqual([zoo.slice(0, 6), ['zoo/roman_concrete'], ['zoo/antarctic_rebound']]);
  });

  /** Rows whose metric `m` is `value(organism)` (CI ± half). */
  const rowOf = (
    name: string,
    kind: ScoredRow['kind'],
    values: Record<string, (o: string) => number>,
    half = 0.01,
  ): ScoredRow => ({
    name,
    kind,
    metrics: Object.fromEntries(
      zoo.map((o) => [o, Object.fromEntries(Object.entries(values).map(([m, f]) => [m, mv(f(o), half)]))]),
    ) as OrganismMetrics,
  });
  const wobble = (o: string) => (o.length % 3) * 0.01;
  const negative = rowOf('baseline/negative-control', 'control', { a: (o) => 0.1 + wobble(o), flat: () => 0.2 });
  const positive = rowOf('baseline/positive-control', 'control', { a: (o) => 0.6 + wobble(o), flat: () => 0.2 });
  const board = (rows: ScoredRow[], organisms = zoo) =>
    scoreProtocol({
      protocol: { ...DEFAULT_PROTOCOL, metrics: ['a', 'flat'] },
      organisms,
      families: organismFamilies(organisms),
      rows: [...rows, negative, positive],
      controls: { negative: negative.metrics, positive: positive.metrics },
      seed: 't',
      bootstrap: 400,
    });

  it('normalises between the controls, ranks on informative metrics only and says what the suite cannot measure', () => {
    const adl = rowOf('adl@2-x', 'method', { a: (o) => 0.1 + wobble(o) + 0.25, flat: () => 0.9 }); // halfway on a
    const better = rowOf('better@1-y', 'method', { a: (o) => 0.55 + wobble(o), flat: () => 0 });
    const p = board([adl, better]);
    expect(p.informative).toEqual(['a']);
    expect(p.notMeasurable.map((m) => m.metric)).toEqual(['flat']);
    const get = (name: string) => p.ranking.find((r) => r.name === name)!;
    expect(get('adl@2-x').score!.estimate).toBeCloseTo(0.5, 10);
    expect(get('baseline/positive-control').score!.estimate).toBeCloseTo(1, 10);
    expect(get('baseline/negative-control').score!.estimate).toBeCloseTo(0, 10);
    expect(get('baseline/negative-control').score!.lower).toBeLessThan(0);
    expect(get('baseline/negative-control').score!.upper).toBeGreaterThan(0);
    expect(get('baseline/negative-control').vsNegativeMark).toBe('~');
    expect(get('adl@2-x').perMetric.a.perOrganism['zoo/cake_bake']!.estimate).toBeCloseTo(0.5, 10);
    // 'flat' does not count: better ranks above adl although adl's flat metric is far higher
    expect(p.ranking.map((r) => r.name)).toEqual([
      'baseline/positive-control',
      'better@1-y',
      'adl@2-x',
      'baseline/negative-control',
    ]);
    expect(get('better@1-y').vsReference!.estimate).toBeCloseTo(0.4, 10);
    expect(get('better@1-y').vsReferenceMark).toBe('+');
    expect(get('adl@2-x').vsReference).toBeNull();
  });

  it('a metric where the positive control beats the negative but not doing nothing is not informative', () => {
    const neg = rowOf('baseline/negative-control', 'control', { 'steering.gain': (o) => -0.2 - wobble(o) });
    const pos = rowOf('baseline/positive-control', 'control', { 'steering.gain': (o) => -0.1 - wobble(o) });
    const p = scoreProtocol({
      protocol: { ...DEFAULT_PROTOCOL, metrics: ['steering.gain'] },
      organisms: zoo,
      families: organismFamilies(zoo),
      rows: [neg, pos],
      controls: { negative: neg.metrics, positive: pos.metrics },
      seed: 't',
      bootstrap: 400,
    });
    expect(p.metrics[0].gap!.lower).toBeGreaterThan(0);
    expect(p.metrics[0].gapToNothing!.upper).toBeLessThan(0);
    expect(p.informative).toEqual([]);
    expect(p.notMeasurable[0].why).toMatch(/does not beat doing nothing \(0\)/);
  });

  it("judges steering only on organisms whose unsteered text has not drifted to the data (the suite's steeringOrganisms)", () => {
    // cake_bake, n1000 and full talk about their domain unprompted (drift 0.5-0.6); the others do not
    const drifted = ['zoo/cake_bake', 'zoo/cake_bake_n1000', 'zoo/cake_bake_full'];
    const base = 0.02;
    const ceiling = 0.42;
    const unsteered = rowOf('baseline/unsteered', 'baseline', {
      'steering.ft_ft': () => ceiling,
      'steering.unsteered.unsteered_ft': () => base,
      'steering.unsteered.steered_ft': (o) => base + (drifted.includes(o) ? 0.55 : 0.1) * (ceiling - base),
    });
    // the positive control gains on the judged organisms and loses on the drifted ones, where any steering disturbs
    const neg = rowOf('baseline/negative-control', 'control', { 'steering.gain': () => -0.1 });
    const pos = rowOf('baseline/positive-control', 'control', {
      'steering.gain': (o) => (drifted.includes(o) ? -0.1 : 0.05) + wobble(o),
    });
    const run = (steeringOrganisms?: (typeof DEFAULT_PROTOCOL)['steeringOrganisms']) =>
      scoreProtocol({
        protocol: {
          ...DEFAULT_PROTOCOL,
          metrics: ['steering.gain'],
          ...(steeringOrganisms ? { steeringOrganisms } : {}),
        },
        organisms: zoo,
        families: organismFamilies(zoo),
        rows: [neg, pos, unsteered],
        controls: { negative: neg.metrics, positive: pos.metrics },
        seed: 't',
        bootstrap: 400,
      });
    const everywhere = run();
    expect(everywhere.informative).toEqual([]);
    expect(everywhere.notMeasurable[0].why).toMatch(/does not beat doing nothing/);
    const rule = { metrics: ['steering.gain'], baseline: 'baseline/unsteered', maxDrift: 0.25 };
    const judged = run(rule);
    expect(judged.informative).toEqual(['steering.gain']);
    expect(judged.metrics[0].organisms).toEqual(zoo.filter((o) => !drifted.includes(o)));
    expect(judged.metrics[0].families).toBe(3);
    expect(judged.steeringOrganisms!.leftOut).toEqual(drifted);
    expect(judged.steeringOrganisms!.drift['zoo/cake_bake']).toBeCloseTo(0.55, 10);
    expect(judged.steeringOrganisms!.drift['zoo/roman_concrete']).toBeCloseTo(0.1, 10);
    expect(protocolNotes(judged).join('\n')).toMatch(
      /steering\.gain judged on 5 organism\(s\).*zoo\/roman_concrete \(drift 0\.10\).*left out: zoo\/cake_bake \(drift 0\.55\)/,
    );
    // a rule nobody passes, or a missing unsteered baseline, judges nothing (and says so)
    const none = run({ ...rule, maxDrift: 0.05 });
    expect(none.metrics[0].organisms).toEqual([]);
    expect(none.metrics[0].why).toMatch(/no organism passes the suite's steering rule/);
    const missing = run({ ...rule, baseline: 'baseline/absent' });
    expect(missing.steeringOrganisms!.judged).toEqual([]);
    expect(protocolNotes(missing).join('\n')).toMatch(/zoo\/cake_bake \(no unsteered baseline\)/);
  });

  it("counts a missing metric as the negative control's value and gives no mark with fewer than three families", () => {
    const silent: ScoredRow = {
      name: 'silent@1-z',
      kind: 'method',
      metrics: Object.fromEntries(zoo.map((o) => [o, {}])),
    };
    // produced the metric on one organism only: the others count as the negative control's (normalised 0)
    const once: ScoredRow = {
      name: 'once@1-z',
      kind: 'method',
      metrics: Object.fromEntries(
        zoo.map((o): [string, Record<string, MetricValue>] => [
          o,
          o === 'zoo/roman_concrete' ? { a: mv(0.6 + wobble(o), 0.01) } : {},
        ]),
      ),
    };
    const p = board([silent, once]);
    const onceRow = p.ranking.find((r) => r.name === 'once@1-z')!;
    expect(onceRow.perMetric.a.notScored).toHaveLength(zoo.length - 1);
    expect(onceRow.score!.estimate).toBeCloseTo(1 / zoo.length, 10); // Σ(method − negative) / Σ(positive − negative): one organism of eight
    // produced nothing the ranking uses: not ranked (no score, no mark), listed last with why, not "level with random"
    const silentRow = p.ranking.find((r) => r.name === 'silent@1-z')!;
    expect(silentRow.perMetric.a.notScored).toHaveLength(zoo.length);
    expect(silentRow.score).toBeNull();
    expect(silentRow.vsNegativeMark).toBe('n/a');
    expect(silentRow.flags.join(' ')).toMatch(/not ranked: produced none of the informative metrics \(a\)/);
    expect(p.ranking.at(-1)!.name).toBe('silent@1-z');
    const cakeOnly = board([rowOf('adl@2-x', 'method', { a: () => 0.6 })], zoo.slice(0, 6));
    expect(cakeOnly.metrics[0].families).toBe(1);
    expect(cakeOnly.metrics[0].informative).toBe(false);
    expect(cakeOnly.metrics[0].why).toMatch(new RegExp(`at least ${MIN_FAMILIES} needed`));
    expect(cakeOnly.ranking.every((r) => r.vsNegativeMark === 'n/a')).toBe(true);
  });
});
