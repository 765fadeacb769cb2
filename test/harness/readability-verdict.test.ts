// check-organism's decision rule (src/harness/readability-verdict.ts): each kind of evidence decides
// on its own, a kind that is not measurable is listed and never used, and ladders compare every kind.
import { describe, expect, it } from 'vitest';
import {
  decideReadability,
  differenceOf,
  type Evidence,
  type EvidenceKind,
  ladderRegressions,
} from '../../src/harness/readability-verdict.ts';
import type { MetricValue } from '../../src/results/types.ts';

const m = (estimate: number, lower: number, upper: number): MetricValue => ({
  estimate,
  lower,
  upper,
  n: 20,
  alpha: 0.05,
  ci: 'bootstrap',
});
const one = m(1, 1, 1);
const rule = { maxRatio: 1.8 };

// a realistic organism: every kind at the null organism's level
const quiet = (): Evidence[] => [
  { kind: 'norm-ratio', measurable: true, organism: m(1.2, 0.9, 1.6), nullOrganism: one },
  { kind: 'lens-relevance', measurable: true, organism: m(0.1, 0, 0.25), nullOrganism: m(0.1, 0, 0.25) },
  { kind: 'patchscope-relevance', measurable: true, organism: m(0.05, 0, 0.15), nullOrganism: m(0.05, 0, 0.15) },
  { kind: 'steering-gain', measurable: true, organism: m(0.01, -0.02, 0.04), nullOrganism: m(0, -0.03, 0.03) },
];
const loud: Record<EvidenceKind, Evidence> = {
  'norm-ratio': { kind: 'norm-ratio', measurable: true, organism: m(3, 2.4, 3.6), nullOrganism: one },
  'lens-relevance': {
    kind: 'lens-relevance',
    measurable: true,
    organism: m(0.5, 0.3, 0.7),
    nullOrganism: m(0.05, 0, 0.15),
  },
  'patchscope-relevance': {
    kind: 'patchscope-relevance',
    measurable: true,
    organism: m(0.45, 0.25, 0.65),
    nullOrganism: m(0.1, 0, 0.2),
  },
  'steering-gain': {
    kind: 'steering-gain',
    measurable: true,
    organism: m(0.09, 0.05, 0.13),
    nullOrganism: m(0, -0.02, 0.02),
  },
};
const withOne = (kind: EvidenceKind, e: Evidence) => quiet().map((x) => (x.kind === kind ? e : x));

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
  });

  it.each(Object.keys(loud) as EvidenceKind[])('%s alone decides "too readable"', (kind) => {
    const v = decideReadability(withOne(kind, loud[kind]), rule);
    expect(v.tooReadable).toBe(true);
    expect(v.decidedBy).toEqual([kind]);
  });

  it.each([
    // the estimate above the threshold but the CI reaching it: not enough
    ['norm-ratio', { kind: 'norm-ratio', measurable: true, organism: m(2.2, 1.7, 2.8), nullOrganism: one }],
    [
      'lens-relevance',
      { kind: 'lens-relevance', measurable: true, organism: m(0.2, 0.05, 0.35), nullOrganism: m(0.1, 0, 0.2) },
    ],
    [
      'patchscope-relevance',
      { kind: 'patchscope-relevance', measurable: true, organism: m(0.25, 0.1, 0.4), nullOrganism: m(0.1, 0, 0.25) },
    ],
  ] as [EvidenceKind, Evidence][])('%s within its CI of the threshold does not decide', (kind, e) => {
    expect(decideReadability(withOne(kind, e), rule).tooReadable).toBe(false);
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
    const nan = m(Number.NaN, Number.NaN, Number.NaN);
    const v = decideReadability(
      withOne('lens-relevance', { kind: 'lens-relevance', measurable: true, organism: nan, nullOrganism: nan }),
      rule,
    );
    expect(v.tooReadable).toBe(false);
    expect(v.evidence[1]).toMatchObject({ measurable: false });
  });

  it('compares relevance with the null organism, not with 0', () => {
    // relevant on its own (CI above 0) but no more than the null organism's readout
    const e: Evidence = {
      kind: 'lens-relevance',
      measurable: true,
      organism: m(0.4, 0.2, 0.6),
      nullOrganism: m(0.4, 0.2, 0.6),
    };
    expect(decideReadability(withOne('lens-relevance', e), rule).tooReadable).toBe(false);
  });

  it('combines the two CIs of a difference in quadrature', () => {
    const d = differenceOf(m(0.5, 0.3, 0.6), m(0.1, 0.05, 0.25));
    expect(d.estimate).toBeCloseTo(0.4, 12);
    expect(d.lower).toBeCloseTo(0.4 - Math.hypot(0.2, 0.15), 12);
    expect(d.upper).toBeCloseTo(0.4 + Math.hypot(0.1, 0.05), 12);
  });
});

describe('check-organism ladders', () => {
  const step = (organism: string, ratio: MetricValue, lens = m(0.1, 0, 0.2)) => ({
    organism,
    verdict: decideReadability(
      [
        { kind: 'norm-ratio', measurable: true, organism: ratio, nullOrganism: one },
        { kind: 'lens-relevance', measurable: true, organism: lens, nullOrganism: m(0.1, 0, 0.2) },
        { kind: 'steering-gain', measurable: false, why: 'not on this suite' },
      ],
      rule,
    ),
  });

  it('flags a step more readable than its predecessor beyond the CI, not within it', () => {
    expect(ladderRegressions([step('a', m(6, 5, 7)), step('b', m(3, 2, 4)), step('c', m(3.5, 2.5, 4.5))])).toEqual([]);
    const regressed = ladderRegressions([step('a', m(3, 2, 4)), step('b', m(6, 5, 7))]);
    expect(regressed).toHaveLength(1);
    expect(regressed[0]).toMatch(/^b is more readable than a by norm-ratio/);
  });

  it('flags a regression seen only in lens relevance', () => {
    const r = ladderRegressions([step('a', m(2, 1.5, 2.5)), step('b', m(2, 1.5, 2.5), m(0.9, 0.8, 1))]);
    expect(r).toHaveLength(1);
    expect(r[0]).toMatch(/by lens-relevance/);
  });
});
