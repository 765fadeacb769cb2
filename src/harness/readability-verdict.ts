// The "too readable?" decision rule of check-organism, from the protocol's evidence against the null
// organism. The rule (fixed before it was run on any organism):
//   - difference norm ratio: too readable when the CI of ‖diff‖(organism) / ‖diff‖(null) at position 0
//     lies above maxRatio;
//   - lens relevance, Patchscope relevance: too readable when the CI of relevance(organism) −
//     relevance(null) (both graded against the organism's description) lies above 0;
//   - steering gain: the same against the null's gain, only where the suite can measure steering;
//     otherwise listed as not measurable and not used.
// Too readable when any measurable kind says so: one readout that reveals the domain more than the null
// organism's is enough for a method or an agent to find it. Realistic only when none does.
import type { MetricValue } from '../results/types.ts';

export type EvidenceKind = 'norm-ratio' | 'lens-relevance' | 'patchscope-relevance' | 'steering-gain';

export type Evidence =
  | {
      kind: EvidenceKind;
      measurable: true;
      /** The organism's value (norm-ratio: the ratio, its CI; the others: the organism's metric). */
      organism: MetricValue;
      /** The null organism's value (norm-ratio: 1, the null against itself). */
      nullOrganism: MetricValue;
    }
  | { kind: EvidenceKind; measurable: false; why: string };

export interface EvidenceVerdict {
  kind: EvidenceKind;
  measurable: boolean;
  /** What is compared with the threshold: the ratio (norm-ratio) or organism − null (the others), with its CI. */
  compared?: MetricValue;
  threshold?: number;
  tooReadable: boolean;
  why: string;
}

export interface ReadabilityVerdict {
  tooReadable: boolean;
  evidence: EvidenceVerdict[];
  /** The kinds that called the organism too readable. */
  decidedBy: EvidenceKind[];
}

export interface VerdictRule {
  /** The norm ratio's CI must lie above this (default 1.8). */
  maxRatio: number;
}

/** organism − null with a CI from the two independent CIs (their half-widths added in quadrature). */
export function differenceOf(organism: MetricValue, nullOrganism: MetricValue): MetricValue {
  const estimate = organism.estimate - nullOrganism.estimate;
  const below = Math.hypot(organism.estimate - organism.lower, nullOrganism.upper - nullOrganism.estimate);
  const above = Math.hypot(organism.upper - organism.estimate, nullOrganism.estimate - nullOrganism.lower);
  return {
    estimate,
    lower: estimate - below,
    upper: estimate + above,
    n: Math.min(organism.n, nullOrganism.n),
    alpha: organism.alpha,
    ci: organism.ci,
    over: 'organism − null organism (the two CIs combined in quadrature)',
  };
}

function judge(e: Evidence, rule: VerdictRule): EvidenceVerdict {
  if (!e.measurable) return { kind: e.kind, measurable: false, tooReadable: false, why: `not measurable: ${e.why}` };
  if (![e.organism.estimate, e.organism.lower, e.nullOrganism.estimate].every(Number.isFinite))
    return { kind: e.kind, measurable: false, tooReadable: false, why: 'not measured (no value in the result file)' };
  if (e.kind === 'norm-ratio') {
    const tooReadable = e.organism.lower > rule.maxRatio;
    return {
      kind: e.kind,
      measurable: true,
      compared: e.organism,
      threshold: rule.maxRatio,
      tooReadable,
      why: `CI lower ${e.organism.lower.toFixed(2)} ${tooReadable ? '>' : '<='} ${rule.maxRatio}`,
    };
  }
  const compared = differenceOf(e.organism, e.nullOrganism);
  const tooReadable = compared.lower > 0;
  return {
    kind: e.kind,
    measurable: true,
    compared,
    threshold: 0,
    tooReadable,
    why: `organism − null ${compared.estimate.toFixed(2)}, CI lower ${compared.lower.toFixed(2)} ${tooReadable ? '>' : '<='} 0`,
  };
}

export function decideReadability(evidence: Evidence[], rule: VerdictRule): ReadabilityVerdict {
  const judged = evidence.map((e) => judge(e, rule));
  const decidedBy = judged.filter((j) => j.tooReadable).map((j) => j.kind);
  return { tooReadable: decidedBy.length > 0, evidence: judged, decidedBy };
}

/**
 * Ladder steps more readable than their predecessor beyond the CIs, on any measurable kind of evidence
 * (the ratio, or organism − null for the relevance kinds).
 */
export function ladderRegressions(steps: { organism: string; verdict: ReadabilityVerdict }[]): string[] {
  const out: string[] = [];
  for (let i = 1; i < steps.length; i++) {
    const prev = steps[i - 1],
      cur = steps[i];
    for (const c of cur.verdict.evidence) {
      const p = prev.verdict.evidence.find((x) => x.kind === c.kind);
      if (!c.compared || !p?.compared) continue;
      if (c.compared.lower > p.compared.upper)
        out.push(
          `${cur.organism} is more readable than ${prev.organism} by ${c.kind} (${c.compared.estimate.toFixed(2)}, CI lower ${c.compared.lower.toFixed(2)} > ${p.compared.estimate.toFixed(2)}, CI upper ${p.compared.upper.toFixed(2)}) although it should be more realistic`,
        );
    }
  }
  return out;
}
