// check-organism's evidence from one harness run (its result file) against the null organism: the norm
// ratio over positions 1-4, the pooled lens and Patchscope relevance, and the steering gain where the
// suite judges steering on this organism (src/leaderboard/steering-organisms.ts: its drift at most
// maxDrift). The decision rule is src/harness/readability-verdict.ts.
import type { Evidence, TokenCount } from '../harness/readability-verdict.ts';
import type { Suite } from '../harness/suite.ts';
import { steeringDrift } from '../leaderboard/steering-organisms.ts';
import type { Organism } from '../registry/index.ts';
import type { Metrics, MetricValue, ResultFile } from '../results/types.ts';

/** What the evidence depends on besides the result file. */
export interface EvidenceOptions {
  suite: Suite;
  /** false: --no-steering. */
  steering: boolean;
}

/** ‖mean diff‖ over positions 1-4 with its bootstrap CI, from the readability method's scalars. */
function laterNorm(metrics: Metrics): MetricValue {
  const at = (k: string) => metrics[`scalar.${k}`]?.estimate ?? NaN;
  return {
    estimate: at('diff_norm.later'),
    lower: at('diff_norm.later.lower'),
    upper: at('diff_norm.later.upper'),
    n: at('documents'),
    alpha: 0.05,
    ci: 'bootstrap',
    over: 'documents',
  };
}

/** Why the steering evidence cannot be measured for this organism before any run, or undefined when it can. */
export function steeringUnmeasurable(organism: Organism, opts: EvidenceOptions): string | undefined {
  if (!opts.steering) return 'left out (--no-steering)';
  if (!opts.suite.protocol?.steeringOrganisms)
    return `suite ${opts.suite.id} does not say on which organisms steering gain is judged (no protocol.steeringOrganisms)`;
  if (!organism.dataset || !organism.dataPublic)
    return 'the organism has no public finetuning data to compare steered text with';
  return undefined;
}

/** The steering evidence of a run: measurable where the suite's drift rule keeps the organism. */
function steeringEvidence(r: ResultFile, organism: Organism, opts: EvidenceOptions): Evidence {
  const kind = 'steering-gain' as const;
  const why = steeringUnmeasurable(organism, opts);
  const rule = opts.suite.protocol?.steeringOrganisms;
  if (why !== undefined || !rule) return { kind, measurable: false, why: why ?? 'no steering rule' };
  const drift = steeringDrift(r.baselines[rule.baseline]?.metrics);
  if (drift === null)
    return { kind, measurable: false, why: `no drift: the ${rule.baseline} baseline's values are missing` };
  if (drift > rule.maxDrift)
    return {
      kind,
      measurable: false,
      why: `drift ${drift.toFixed(2)} > ${rule.maxDrift}: the finetuned model's unsteered text has gone ${drift.toFixed(2)} of the way from the base model's toward the finetuning data, past where suite ${opts.suite.id} judges steering (steering has little left to show there)`,
    };
  const gain = (m: Metrics): MetricValue =>
    m['steering.gain'] ?? { estimate: NaN, lower: NaN, upper: NaN, n: 0, alpha: 0.05, ci: 'none' };
  return { kind, measurable: true, organism: gain(r.metrics), nullOrganism: gain(r.baselines.null.metrics), drift };
}

/** The pooled relevance of a source as counts (NaN where the result file has no such metric). */
function tokenCount(metrics: Metrics, source: string): TokenCount {
  const m = metrics[`pooled_relevance.${source}`];
  return m ? { relevant: Math.round(m.estimate * m.n), tokens: m.n } : { relevant: NaN, tokens: NaN };
}

/** The protocol's evidence of one harness run against its null organism. */
export function evidenceOf(r: ResultFile, organism: Organism, opts: EvidenceOptions): Evidence[] {
  const m = r.metrics,
    n = r.baselines.null.metrics;
  return [
    { kind: 'norm-ratio', measurable: true, organism: laterNorm(m), nullOrganism: laterNorm(n) },
    {
      kind: 'lens-relevance',
      measurable: true,
      organism: tokenCount(m, 'logitlens'),
      nullOrganism: tokenCount(n, 'logitlens'),
    },
    {
      kind: 'patchscope-relevance',
      measurable: true,
      organism: tokenCount(m, 'patchscope'),
      nullOrganism: tokenCount(n, 'patchscope'),
    },
    steeringEvidence(r, organism, opts),
  ];
}
