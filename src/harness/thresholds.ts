// Evaluating a suite's pass thresholds on one organism's scored metrics.
import type { Metrics, MetricValue, ThresholdOutcome } from '../results/types.ts';
import type { Threshold } from './suite.ts';

export interface ScoredOrganism {
  metrics: Metrics;
  baselines: Record<string, { metrics: Metrics }>;
}

/** Looks up 'metric', 'null:metric' or 'baseline/<id>:metric'. */
export function lookupMetric(scored: ScoredOrganism, ref: string): MetricValue | undefined {
  const colon = ref.indexOf(':');
  if (colon < 0) return scored.metrics[ref];
  return scored.baselines[ref.slice(0, colon)]?.metrics[ref.slice(colon + 1)];
}

export function thresholdApplies(
  t: Threshold,
  organismId: string,
  methodId: string,
  settings: string,
  nullOrganism: string | null,
): boolean {
  const organismOk = t.organisms.includes(organismId) || (t.organisms.includes('*') && organismId !== nullOrganism);
  return organismOk && (!t.methods || t.methods.includes(methodId)) && (!t.settings || t.settings.includes(settings));
}

const isFiniteMetric = (m: MetricValue) => [m.estimate, m.lower, m.upper].every(Number.isFinite);

function compare(op: Threshold['op'], a: number, b: number): boolean {
  return op === '>=' ? a >= b : op === '<=' ? a <= b : op === '>' ? a > b : a < b;
}

export function evaluateThreshold(t: Threshold, scored: ScoredOrganism): ThresholdOutcome {
  const base = { id: t.id, metric: t.metric, op: t.op, than: t.than, source: t.source };
  const left = lookupMetric(scored, t.metric);
  const right = typeof t.than === 'string' ? lookupMetric(scored, t.than) : undefined;
  // Nothing missing passes: a metric the threshold names must be present and finite, else it is not scored.
  const notScored = (value: number | null, reason: string): ThresholdOutcome => ({
    ...base,
    thanValue: null,
    value,
    status: 'not-scored',
    reason,
  });
  if (!left) return notScored(null, `metric ${t.metric} was not produced`);
  if (!isFiniteMetric(left))
    return notScored(null, `metric ${t.metric} is not finite (${left.estimate} [${left.lower}, ${left.upper}])`);
  if (typeof t.than === 'string' && !right) return notScored(left.estimate, `reference ${t.than} was not produced`);
  if (right && !isFiniteMetric(right))
    return notScored(
      left.estimate,
      `reference ${t.than} is not finite (${right.estimate} [${right.lower}, ${right.upper}])`,
    );
  const factor = t.factor ?? 1;
  const greater = t.op === '>' || t.op === '>=';
  // With compare 'ci' the whole interval must clear the other side's interval.
  const useCI = t.compare === 'ci';
  const value = useCI ? (greater ? left.lower : left.upper) : left.estimate;
  const other = right ? (useCI ? (greater ? right.upper : right.lower) : right.estimate) : (t.than as number);
  const thanValue = other * factor;
  const pass = compare(t.op, value, thanValue);
  const lhs = `${t.metric}${useCI ? (greater ? ' (CI lower)' : ' (CI upper)') : ''} = ${value.toFixed(4)}`;
  const rhs = `${factor !== 1 ? `${factor} x ` : ''}${typeof t.than === 'string' ? `${t.than}${useCI ? (greater ? ' (CI upper)' : ' (CI lower)') : ''}` : t.than} = ${thanValue.toFixed(4)}`;
  return {
    ...base,
    thanValue,
    value,
    status: pass ? 'pass' : 'fail',
    reason: `${lhs} ${pass ? '' : 'not '}${t.op} ${rhs}`,
  };
}

export interface OutcomeSummary {
  pass: number;
  fail: number;
  /** A metric the threshold names was missing or not finite: counted, never a pass. */
  notScored: number;
  failures: string[];
  unscored: string[];
  /** True only when every threshold passed (and there was at least one). */
  allPass: boolean;
}

/** Counts outcomes (labelled e.g. by organism) the way bench reports them. */
export function summarizeOutcomes(outcomes: { label: string; outcome: ThresholdOutcome }[]): OutcomeSummary {
  const line = ({ label, outcome: t }: { label: string; outcome: ThresholdOutcome }) =>
    `${label}: ${t.id}: ${t.reason}`;
  const failed = outcomes.filter((o) => o.outcome.status === 'fail');
  const unscored = outcomes.filter((o) => o.outcome.status !== 'pass' && o.outcome.status !== 'fail');
  const pass = outcomes.length - failed.length - unscored.length;
  return {
    pass,
    fail: failed.length,
    notScored: unscored.length,
    failures: failed.map(line),
    unscored: unscored.map(line),
    allPass: outcomes.length > 0 && pass === outcomes.length,
  };
}
