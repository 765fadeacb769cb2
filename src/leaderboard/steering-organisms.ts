// Which organisms a suite judges steering on (the protocol's steeringOrganisms). Steering gain is St-FT −
// USt-FT against the finetuned model's own unsteered samples; where those samples already sit close to
// the finetuning data (a narrow finetune that talks about its domain unprompted), steering has little
// left to show and mostly disturbs the text, so the gain says little about the direction. The rule reads
// only unsteered samples (the unsteered baseline's: the finetuned model's and the base model's on the
// steering prompts) and the finetuning data's self-similarity, never any method's steering:
//   drift = (USt-FT(finetuned) − USt-FT(base)) / (FT-FT − USt-FT(base)),
// the share of the way from the base model's text to the finetuning data the finetuned model's unsteered
// text has gone. Organisms with drift ≤ maxDrift are judged; the others are named with their drift.
import type { ScoringProtocol } from '../harness/protocol.ts';
import type { OrganismMetrics } from './protocol.ts';

/** The unsteered baseline's metrics (baselines/unsteered.ts: finetuned samples steered, base samples unsteered). */
const FINETUNED_UNSTEERED = 'steering.unsteered.steered_ft';
const BASE_UNSTEERED = 'steering.unsteered.unsteered_ft';
const FT_FT = 'steering.ft_ft';

export type SteeringRule = NonNullable<ScoringProtocol['steeringOrganisms']>;

export interface SteeringOrganisms {
  rule: SteeringRule;
  /** organism -> drift (null: the unsteered baseline's values are missing there). */
  drift: Record<string, number | null>;
  judged: string[];
  leftOut: string[];
}

/** The drift of one organism from the unsteered baseline's metrics, or null when they are missing or degenerate. */
export function steeringDrift(metrics: OrganismMetrics[string] | undefined): number | null {
  const [ft, base, ceiling] = [FINETUNED_UNSTEERED, BASE_UNSTEERED, FT_FT].map((k) => metrics?.[k]?.estimate);
  if (![ft, base, ceiling].every((x) => x !== undefined && Number.isFinite(x))) return null;
  const span = ceiling! - base!;
  return span > 0 ? (ft! - base!) / span : null;
}

export function steeringOrganisms(
  rule: SteeringRule,
  organisms: string[],
  unsteeredBaseline: OrganismMetrics | undefined,
): SteeringOrganisms {
  const drift = Object.fromEntries(organisms.map((o) => [o, steeringDrift(unsteeredBaseline?.[o])]));
  const judged = organisms.filter((o) => drift[o] !== null && drift[o]! <= rule.maxDrift);
  return { rule, drift, judged, leftOut: organisms.filter((o) => !judged.includes(o)) };
}

/** One sentence for the leaderboard: which organisms the rule keeps and which it leaves out, with their drift. */
export function describeSteeringOrganisms(s: SteeringOrganisms): string {
  const d = (o: string) => (s.drift[o] === null ? 'no unsteered baseline' : `drift ${s.drift[o]!.toFixed(2)}`);
  return `${s.rule.metrics.join(', ')} judged on ${s.judged.length} organism(s) whose finetuned model's unsteered text has gone at most ${s.rule.maxDrift} of the way from the base model's to the finetuning data (${s.rule.baseline}): ${s.judged.map((o) => `${o} (${d(o)})`).join(', ') || 'none'}; left out: ${s.leftOut.map((o) => `${o} (${d(o)})`).join(', ') || 'none'}.`;
}
