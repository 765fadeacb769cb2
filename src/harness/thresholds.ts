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

export function thresholdApplies(t: Threshold, organismId: string, methodId: string, settings: string, nullOrganism: string | null): boolean {
  const organismOk = t.organisms.includes(organismId) || (t.organisms.includes('*') && organismId !== nullOrganism);
  return organismOk && (!t.methods || t.methods.includes(methodId)) && (!t.settings || t.settings.includes(settings));
}

function compare(op: Threshold['op'], a: number, b: number): boolean {
  return op === '>=' ? a >= b : op === '<=' ? a <= b : op === '>' ? a > b : a < b;
}

export function evaluateThreshold(t: Threshold, scored: ScoredOrganism): ThresholdOutcome {
  const base = { id: t.id, metric: t.metric, op: t.op, than: t.than, source: t.source };
  const left = lookupMetric(scored, t.metric);
  const right = typeof t.than === 'string' ? lookupMetric(scored, t.than) : undefined;
  if (!left) return { ...base, thanValue: null, value: null, status: 'skipped', reason: `metric ${t.metric} was not produced` };
  if (typeof t.than === 'string' && !right) return { ...base, thanValue: null, value: left.estimate, status: 'skipped', reason: `reference ${t.than} was not produced` };
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
  return { ...base, thanValue, value, status: pass ? 'pass' : 'fail', reason: `${lhs} ${pass ? '' : 'not '}${t.op} ${rhs}` };
}
