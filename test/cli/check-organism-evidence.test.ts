// check-organism's evidence from a result file (src/cli/check-organism-evidence.ts): the steering gain
// counts only where the suite judges steering on the organism (the zoo's rule: drift at most 0.5, drift
// from the unsteered baseline's samples), with public finetuning data, and not under --no-steering; where
// it counts, a gain shown above the null organism's decides the verdict on its own.
import { describe, expect, it } from 'vitest';
import { evidenceOf } from '../../src/cli/check-organism-evidence.ts';
import { decideReadability, DEFAULT_RULE } from '../../src/harness/readability-verdict.ts';
import { loadSuite } from '../../src/harness/suite.ts';
import { getOrganism } from '../../src/registry/index.ts';
import type { Metrics, MetricValue, ResultFile } from '../../src/results/types.ts';

const m = (estimate: number, lower = estimate, upper = estimate): MetricValue => ({
  estimate,
  lower,
  upper,
  n: 40,
  alpha: 0.05,
  ci: 'paired-bootstrap',
});

/** A result file whose norm ratio (1.2) is beyond the null band but not the max ratio, readouts like the null's. */
function result(gain: MetricValue, nullGain: MetricValue, drift: number | undefined): ResultFile {
  const readability = (norm: number, lower: number, upper: number): Metrics => ({
    'scalar.diff_norm.later': m(norm),
    'scalar.diff_norm.later.lower': m(lower),
    'scalar.diff_norm.later.upper': m(upper),
    'scalar.documents': m(2000),
    'pooled_relevance.logitlens': { ...m(0), n: 60 },
    'pooled_relevance.patchscope': { ...m(0), n: 70 },
  });
  // drift = (USt-FT finetuned − USt-FT base) / (FT-FT − USt-FT base), base 0.1, FT-FT 0.5
  const unsteered: Metrics | undefined =
    drift === undefined
      ? undefined
      : {
          'steering.unsteered.steered_ft': m(0.1 + drift * 0.4),
          'steering.unsteered.unsteered_ft': m(0.1),
          'steering.ft_ft': m(0.5),
        };
  return {
    metrics: { ...readability(3.6, 3.55, 3.65), 'steering.gain': gain },
    baselines: {
      null: {
        description: 'null organism zoo/control, ...',
        metrics: { ...readability(3, 2.96, 3.04), 'steering.gain': nullGain },
      },
      ...(unsteered ? { 'baseline/unsteered': { description: 'unsteered', metrics: unsteered } } : {}),
    },
  } as unknown as ResultFile;
}

const zoo = loadSuite('zoo');
const mixed = getOrganism('zoo/cake_bake_mix1-1p0');
const gains = [m(0.08, 0.05, 0.11), m(0, -0.02, 0.02)] as const;

describe('check-organism steering evidence', () => {
  it('is measured where the drift is within the suite rule, and a gain above the null organism decides alone', () => {
    const evidence = evidenceOf(result(...gains, 0.2), mixed, { suite: zoo, steering: true });
    const steering = evidence.find((e) => e.kind === 'steering-gain')!;
    expect(steering).toMatchObject({ measurable: true, organism: gains[0], nullOrganism: gains[1] });
    expect(steering.measurable && steering.kind === 'steering-gain' && steering.drift).toBeCloseTo(0.2, 12);
    const verdict = decideReadability(evidence, DEFAULT_RULE);
    expect(verdict.decidedBy).toEqual(['steering-gain']);
    // four measurable tests: each at 0.05 / 4
    expect(verdict.evidence.every((e) => e.level === 0.0125)).toBe(true);
  });

  it('is not measured past the suite drift, without an unsteered baseline, under --no-steering, or without data', () => {
    const why = (r: ResultFile, organism = mixed, steering = true) => {
      const e = evidenceOf(r, organism, { suite: zoo, steering }).find((x) => x.kind === 'steering-gain')!;
      return e.measurable ? 'measurable' : e.why;
    };
    expect(why(result(...gains, 0.7))).toMatch(/^drift 0\.70 > 0\.5: /);
    expect(why(result(...gains, undefined))).toMatch(/baseline\/unsteered baseline's values are missing/);
    expect(why(result(...gains, 0.2), mixed, false)).toBe('left out (--no-steering)');
    expect(why(result(...gains, 0.2), { ...mixed, dataset: null })).toMatch(/no public finetuning data/);
    expect(why(result(...gains, 0.2), { ...mixed, dataPublic: false })).toMatch(/no public finetuning data/);
    const noRule = { ...zoo, protocol: { ...zoo.protocol, steeringOrganisms: undefined } };
    expect(
      evidenceOf(result(...gains, 0.2), mixed, { suite: noRule, steering: true }).find(
        (x) => x.kind === 'steering-gain',
      ),
    ).toMatchObject({ measurable: false, why: expect.stringMatching(/no protocol\.steeringOrganisms/) });
    // the same gains past the drift rule decide nothing: the organism is realistic on the other evidence
    const verdict = decideReadability(evidenceOf(result(...gains, 0.7), mixed, { suite: zoo, steering: true }));
    expect(verdict.tooReadable).toBe(false);
    expect(verdict.evidence.filter((e) => e.measurable).every((e) => e.level! > 0.0166)).toBe(true);
  });
});
