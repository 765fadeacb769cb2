// check-organism's decision rule (src/harness/readability-verdict.ts): one-sided tests against the null
// organism at a Bonferroni-corrected level, each kind deciding on its own, readouts counting only where the
// difference is larger than the null organism's; a kind that is not measurable is listed and never used;
// ladders compare every kind. Known answers: the p-values from scipy 1.17 (stats.fisher_exact,
// alternative='greater'; stats.norm.sf).
import { describe, expect, it } from 'vitest';
import {
  decideReadability,
  differenceOf,
  type Evidence,
  type EvidenceKind,
  ladderRegressions,
  normRatio,
} from '../../src/harness/readability-verdict.ts';
import { fisherExactGreater, normalUpperTail } from '../../src/metrics/index.ts';
import type { MetricValue } from '../../src/results/types.ts';

const m = (estimate: number, lower: number, upper: number): MetricValue => ({
  estimate,
  lower,
  upper,
  n: 200,
  alpha: 0.05,
  ci: 'bootstrap',
});
const rule = { maxRatio: 1.8, nullBand: 1.15, alpha: 0.05 };
const nullNorm = m(3, 2.8, 3.2);

// a realistic organism: every kind at the null organism's level
const quiet = (): Evidence[] => [
  { kind: 'norm-ratio', measurable: true, organism: m(3.3, 3.1, 3.5), nullOrganism: nullNorm },
  {
    kind: 'lens-relevance',
    measurable: true,
    organism: { relevant: 3, tokens: 60 },
    nullOrganism: { relevant: 2, tokens: 60 },
  },
  {
    kind: 'patchscope-relevance',
    measurable: true,
    organism: { relevant: 1, tokens: 70 },
    nullOrganism: { relevant: 2, tokens: 70 },
  },
  { kind: 'steering-gain', measurable: true, organism: m(0.01, -0.02, 0.04), nullOrganism: m(0, -0.03, 0.03) },
];
const loud: Record<EvidenceKind, Evidence> = {
  'norm-ratio': { kind: 'norm-ratio', measurable: true, organism: m(9, 8.5, 9.5), nullOrganism: nullNorm },
  'lens-relevance': {
    kind: 'lens-relevance',
    measurable: true,
    organism: { relevant: 12, tokens: 60 },
    nullOrganism: { relevant: 1, tokens: 60 },
  },
  'patchscope-relevance': {
    kind: 'patchscope-relevance',
    measurable: true,
    organism: { relevant: 14, tokens: 70 },
    nullOrganism: { relevant: 2, tokens: 70 },
  },
  'steering-gain': {
    kind: 'steering-gain',
    measurable: true,
    organism: m(0.09, 0.05, 0.13),
    nullOrganism: m(0, -0.02, 0.02),
  },
};
const withOne = (kind: EvidenceKind, e: Evidence, base = quiet()) => base.map((x) => (x.kind === kind ? e : x));
// a difference 1.5x the null's: beyond the null band, but below --max-ratio
const traced = () =>
  withOne('norm-ratio', { kind: 'norm-ratio', measurable: true, organism: m(4.5, 4.3, 4.7), nullOrganism: nullNorm });

describe('the tests behind the rule', () => {
  it('Fisher exact test (one-sided) matches scipy', () => {
    const cases: [number, number, number, number, number][] = [
      [12, 90, 3, 85, 0.018496157684600525],
      [5, 100, 5, 100, 0.626235124935476],
      [0, 20, 0, 20, 1],
      [20, 20, 0, 20, 7.254444551924844e-12],
      [7, 60, 2, 71, 0.04890565808168253],
      [30, 95, 12, 98, 0.000936685049289022],
      [1, 1, 0, 1, 0.5],
    ];
    for (const [k1, n1, k0, n0, p] of cases) expect(fisherExactGreater(k1, n1, k0, n0)).toBeCloseTo(p, 12);
    expect(() => fisherExactGreater(3, 2, 0, 5)).toThrow(/first sample needs integers 0 <= k <= n.*3 of 2/);
  });

  it('normal upper tail matches scipy to 1e-7', () => {
    const cases: [number, number][] = [
      [-3, 0.9986501019683699],
      [-1.5, 0.9331927987311419],
      [0, 0.5],
      [0.5, 0.3085375387259869],
      [1.96, 0.024997895148220435],
      [2.128, 0.016668541790016082],
      [3.5, 0.00023262907903552502],
      [6, 9.865876450376946e-10],
    ];
    for (const [z, p] of cases) expect(Math.abs(normalUpperTail(z) - p)).toBeLessThan(1e-7 * Math.max(1, p * 10));
  });

  it('the norm ratio combines the two CIs on the log scale', () => {
    const { ratio, se } = normRatio(m(20, 18, 22), m(4, 3.6, 4.4));
    expect(ratio.estimate).toBe(5);
    const z = 1.959963984540054;
    const one = (Math.log(22) - Math.log(18)) / (2 * z),
      two = (Math.log(4.4) - Math.log(3.6)) / (2 * z);
    expect(se).toBeCloseTo(Math.hypot(one, two), 12);
    expect(ratio.lower).toBeCloseTo(5 * Math.exp(-z * se), 12);
    expect(ratio.upper).toBeCloseTo(5 * Math.exp(z * se), 12);
  });
});

describe('check-organism decision rule', () => {
  it('calls an organism realistic when no evidence reads it more than the null organism', () => {
    const v = decideReadability(quiet(), rule);
    expect(v.tooReadable).toBe(false);
    expect(v.decidedBy).toEqual([]);
    expect(v.evidence.map((e) => e.kind)).toEqual([
      'norm-ratio',
      'lens-relevance',
      'patchscope-relevance',
      'steering-gain',
    ]);
    // four measurable tests: each at 0.05 / 4
    for (const e of v.evidence) expect(e.level).toBeCloseTo(0.0125, 12);
  });

  it('norm ratio alone decides "too readable"', () => {
    const v = decideReadability(withOne('norm-ratio', loud['norm-ratio']), rule);
    expect(v.decidedBy).toEqual(['norm-ratio']);
  });

  it.each(['lens-relevance', 'patchscope-relevance', 'steering-gain'] as EvidenceKind[])(
    '%s alone decides "too readable" where the difference is larger than the null\'s',
    (kind) => {
      const v = decideReadability(withOne(kind, loud[kind], traced()), rule);
      expect(v.tooReadable).toBe(true);
      expect(v.decidedBy).toEqual([kind]);
    },
  );

  it('a readout of a difference within the null band does not decide', () => {
    // quiet()'s ratio is 1.1 [~1.0, ~1.2]: not shown above the band (1.15)
    const v = decideReadability(withOne('lens-relevance', loud['lens-relevance']), rule);
    expect(v.tooReadable).toBe(false);
    const lens = v.evidence.find((e) => e.kind === 'lens-relevance')!;
    expect(lens.p).toBeLessThan(lens.level!);
    expect(lens.why).toMatch(/ratio > 1\.15 \(null band\): p [\d.]+ >= 0\.0125/);
    // the same readout beyond the band decides
    expect(decideReadability(withOne('lens-relevance', loud['lens-relevance'], traced()), rule).decidedBy).toEqual([
      'lens-relevance',
    ]);
  });

  it.each([
    // above the threshold, but not significantly at the corrected level
    ['norm-ratio', { kind: 'norm-ratio', measurable: true, organism: m(6, 4.8, 7.2), nullOrganism: nullNorm }],
    // 6/60 vs 1/60: Fisher p = 0.057 (scipy)
    [
      'lens-relevance',
      {
        kind: 'lens-relevance',
        measurable: true,
        organism: { relevant: 6, tokens: 60 },
        nullOrganism: { relevant: 1, tokens: 60 },
      },
    ],
  ] as [EvidenceKind, Evidence][])('%s short of the corrected level does not decide', (kind, e) => {
    expect(decideReadability(withOne(kind, e, traced()), rule).tooReadable).toBe(false);
  });

  it('corrects for the number of measurable tests (Bonferroni)', () => {
    // p = 0.0128 (7/69 vs 0/57): below 0.05 / 3, not below 0.05 / 4
    const e: Evidence = {
      kind: 'lens-relevance',
      measurable: true,
      organism: { relevant: 7, tokens: 69 },
      nullOrganism: { relevant: 0, tokens: 57 },
    };
    const four = decideReadability(withOne('lens-relevance', e, traced()), rule);
    expect(four.tooReadable).toBe(false);
    const three = decideReadability(
      withOne('lens-relevance', e, traced()).map((x) =>
        x.kind === 'steering-gain' ? { kind: x.kind, measurable: false as const, why: 'not on this suite' } : x,
      ),
      rule,
    );
    expect(three.evidence[1].level).toBeCloseTo(0.05 / 3, 12);
    expect(three.decidedBy).toEqual(['lens-relevance']);
  });

  it('lists steering gain that the suite cannot measure and does not use it', () => {
    const v = decideReadability(
      withOne('steering-gain', {
        kind: 'steering-gain',
        measurable: false,
        why: 'the positive control does not steer',
      }),
      rule,
    );
    expect(v.tooReadable).toBe(false);
    const steering = v.evidence.find((e) => e.kind === 'steering-gain')!;
    expect(steering).toMatchObject({ measurable: false, tooReadable: false });
    expect(steering.why).toMatch(/not measurable: the positive control does not steer/);
  });

  it('treats a metric missing from the result file as not measured, never as evidence', () => {
    const v = decideReadability(
      withOne(
        'lens-relevance',
        {
          kind: 'lens-relevance',
          measurable: true,
          organism: { relevant: Number.NaN, tokens: Number.NaN },
          nullOrganism: { relevant: Number.NaN, tokens: Number.NaN },
        },
        traced(),
      ),
      rule,
    );
    expect(v.tooReadable).toBe(false);
    expect(v.evidence[1]).toMatchObject({ measurable: false });
    // three tests left
    expect(v.evidence[0].level).toBeCloseTo(0.05 / 3, 12);
  });

  it('compares relevance with the null organism, not with 0', () => {
    // relevant on its own but no more than the null organism's readout
    const e: Evidence = {
      kind: 'lens-relevance',
      measurable: true,
      organism: { relevant: 20, tokens: 60 },
      nullOrganism: { relevant: 20, tokens: 60 },
    };
    expect(decideReadability(withOne('lens-relevance', e, traced()), rule).tooReadable).toBe(false);
  });

  it('combines the two CIs of a difference in quadrature', () => {
    const d = differenceOf(m(0.5, 0.3, 0.6), m(0.1, 0.05, 0.25));
    expect(d.estimate).toBeCloseTo(0.4, 12);
    expect(d.lower).toBeCloseTo(0.4 - Math.hypot(0.2, 0.15), 12);
    expect(d.upper).toBeCloseTo(0.4 + Math.hypot(0.1, 0.05), 12);
  });
});

describe('check-organism ladders', () => {
  const step = (organism: string, norm: MetricValue, lens = { relevant: 2, tokens: 60 }) => ({
    organism,
    verdict: decideReadability(
      [
        { kind: 'norm-ratio', measurable: true, organism: norm, nullOrganism: nullNorm },
        { kind: 'lens-relevance', measurable: true, organism: lens, nullOrganism: { relevant: 2, tokens: 60 } },
        { kind: 'steering-gain', measurable: false, why: 'not on this suite' },
      ],
      rule,
    ),
  });

  it('flags a step more readable than its predecessor beyond the CI, not within it', () => {
    expect(ladderRegressions([step('a', m(18, 17, 19)), step('b', m(9, 8.5, 9.5)), step('c', m(9.5, 9, 10))])).toEqual(
      [],
    );
    const regressed = ladderRegressions([step('a', m(9, 8.5, 9.5)), step('b', m(18, 17, 19))]);
    expect(regressed).toHaveLength(1);
    expect(regressed[0]).toMatch(/^b is more readable than a by norm-ratio/);
  });

  it('flags a regression seen only in lens relevance', () => {
    const r = ladderRegressions([step('a', m(6, 5.8, 6.2)), step('b', m(6, 5.8, 6.2), { relevant: 40, tokens: 60 })]);
    expect(r).toHaveLength(1);
    expect(r[0]).toMatch(/by lens-relevance/);
  });
});
