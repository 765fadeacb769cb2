// The paper suite's thresholds: they load for the paper suite's version, each cites where its claim comes from, they name
// metrics the harness produces, and they encode the paper's orderings (a scored organism passes or fails
// them as the ordering holds or not).
import { describe, expect, it } from 'vitest';
import { loadSuite, loadThresholds } from '../../src/harness/suite.ts';
import { evaluateThreshold, thresholdApplies } from '../../src/harness/thresholds.ts';
import type { Metrics } from '../../src/results/types.ts';

const suite = loadSuite('paper');
const thresholds = loadThresholds(suite);
const m = (estimate: number) => ({
  estimate,
  lower: estimate - 0.05,
  upper: estimate + 0.05,
  n: 20,
  alpha: 0.05,
  ci: 'bootstrap' as const,
});

describe('paper suite thresholds', () => {
  it('each cites the spec section it comes from and applies to ADL on every paper organism (full settings)', () => {
    expect(thresholds.length).toBeGreaterThanOrEqual(6);
    for (const t of thresholds) {
      expect(t.source, t.id).toMatch(/docs\/toolkit\.md#[a-z-]+/);
      for (const o of suite.organisms) expect(thresholdApplies(t, o, 'adl', 'full', suite.nullOrganism)).toBe(true);
      expect(thresholdApplies(t, suite.organisms[0], 'adl', 'fast', suite.nullOrganism)).toBe(false);
    }
  });

  it('names metrics of the harness: relevance per source/variant, steering series, agent grades', () => {
    const names = thresholds.flatMap((t) => [t.metric, t.than]).filter((x): x is string => typeof x === 'string');
    for (const n of names)
      expect(n).toMatch(
        /^(relevance\.(patchscope|logitlens)\.(difference|base|finetuned)|steering\.difference\.(steered_ft|unsteered_ft|steered_chat)|agent\.(method-adl|blackbox)\.mi\d+)$/,
      );
  });

  it('the orderings decide pass and fail; a missing series is not scored, never a pass', () => {
    const good: Metrics = {
      'relevance.patchscope.difference': m(0.6),
      'relevance.patchscope.base': m(0.1),
      'relevance.patchscope.finetuned': m(0.2),
      'relevance.logitlens.difference': m(0.4),
      'relevance.logitlens.base': m(0.05),
      'relevance.logitlens.finetuned': m(0.1),
      'steering.difference.steered_ft': m(0.7),
      'steering.difference.unsteered_ft': m(0.5),
      'steering.difference.steered_chat': m(0.4),
      'agent.method-adl.mi5': m(3.5),
      'agent.blackbox.mi5': m(1.8),
      'agent.method-adl.mi0': m(3),
      'agent.blackbox.mi0': m(1.2),
    };
    expect(thresholds.map((t) => evaluateThreshold(t, { metrics: good, baselines: {} }).status)).toEqual(
      thresholds.map(() => 'pass'),
    );
    const swapped: Metrics = {
      ...good,
      'relevance.patchscope.difference': m(0.1),
      'relevance.patchscope.base': m(0.6),
    };
    const out = thresholds.map((t) => [t.id, evaluateThreshold(t, { metrics: swapped, baselines: {} }).status]);
    expect(out.filter(([, s]) => s === 'fail').map(([id]) => id)).toEqual([
      'patchscope-difference-above-base',
      'patchscope-difference-above-finetuned',
    ]);
    const noData = Object.fromEntries(Object.entries(good).filter(([k]) => !k.startsWith('steering.')));
    const st = thresholds.filter((t) => t.metric.startsWith('steering.'));
    expect(st.map((t) => evaluateThreshold(t, { metrics: noData, baselines: {} }).status)).toEqual(
      st.map(() => 'not-scored'),
    );
  });
});
