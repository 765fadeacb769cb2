// The "too readable?" decision rule of check-organism: one-sided tests of the protocol's evidence
// against the null organism, combined so that an organism as realistic as the null organism is called
// too readable with probability at most `alpha` (Bonferroni: each of the m measurable tests at alpha / m).
//   - norm ratio: ‖diff‖(organism) / ‖diff‖(null) at position 0; H0: ratio <= maxRatio. z-test on the log
//     ratio, its standard error from the two bootstrap CIs (taken as independent: the two share their
//     documents, so this overstates the error and the test is conservative);
//   - lens relevance, Patchscope relevance: the relevant fraction of the distinct tokens of all the
//     readouts (positions 0-4) of the organism's difference vs the null organism's, both graded
//     against the organism's description; H0: no more relevant than the null's. One-sided Fisher exact test;
//   - steering gain: organism − null, z-test from the two CIs, only where the suite can measure steering.
// A readout counts only where the organism's difference is shown larger than null finetunes' differ
// among themselves (the ratio above nullBand at the same level): within that band the readouts of a null
// finetune graded against a domain pass the relevance test by chance (the lexical grader accepts word
// pieces), so there they are not evidence of this finetune.
// Too readable when any test rejects; realistic when none does.
import { fisherExactGreater, normalUpperTail } from '../metrics/index.ts';
import type { MetricValue } from '../results/types.ts';

export type EvidenceKind = 'norm-ratio' | 'lens-relevance' | 'patchscope-relevance' | 'steering-gain';

/** Relevant tokens of a pooled readout: `relevant` of `tokens` distinct tokens. */
export interface TokenCount {
  relevant: number;
  tokens: number;
}

/** Pooled readout relevance of the organism's difference and of the null organism's. */
export interface RelevanceEvidence {
  kind: 'lens-relevance' | 'patchscope-relevance';
  measurable: true;
  organism: TokenCount;
  nullOrganism: TokenCount;
}

export type Evidence =
  | { kind: 'norm-ratio'; measurable: true; organism: MetricValue; nullOrganism: MetricValue }
  | RelevanceEvidence
  | {
      kind: 'steering-gain';
      measurable: true;
      organism: MetricValue;
      nullOrganism: MetricValue;
      /** The suite's drift of the organism (src/leaderboard/steering-organisms.ts), shown only. */
      drift?: number;
    }
  | { kind: EvidenceKind; measurable: false; why: string };

export interface EvidenceVerdict {
  kind: EvidenceKind;
  measurable: boolean;
  /** What is tested, with a 95% CI: the ratio (norm-ratio), organism − null (the others). */
  compared?: MetricValue;
  /** The one-sided p-value of the test, and the level it must be below (alpha / measurable tests). */
  p?: number;
  level?: number;
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
  /** The norm ratio must be shown above this to decide alone. */
  maxRatio: number;
  /** The largest ratio between two null finetunes: readouts count where the ratio is shown above it. */
  nullBand: number;
  /** Family-wise false-positive rate for an organism like the null organism (default 0.05). */
  alpha: number;
}

// Measured on the zoo (README "Too readable?"): null finetunes differ by up to 1.15x at positions 1-4
// (a null by the second-generation recipe against zoo/control; two nulls of one recipe: 1.00);
// maxRatio is that excess twice over (1.15² ≈ 1.3).
export const DEFAULT_RULE: VerdictRule = { maxRatio: 1.3, nullBand: 1.15, alpha: 0.05 };

const Z95 = 1.959963984540054;

/** Standard error of log(x) from a 95% interval of x (log-symmetric). */
function logSE(m: MetricValue): number {
  return (Math.log(m.upper) - Math.log(m.lower)) / (2 * Z95);
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

/** The norm ratio with its 95% CI and the standard error of its log. */
export function normRatio(organism: MetricValue, nullOrganism: MetricValue): { ratio: MetricValue; se: number } {
  const estimate = organism.estimate / nullOrganism.estimate;
  const se = Math.hypot(logSE(organism), logSE(nullOrganism));
  return {
    ratio: {
      estimate,
      lower: estimate * Math.exp(-Z95 * se),
      upper: estimate * Math.exp(Z95 * se),
      n: Math.min(organism.n, nullOrganism.n),
      alpha: 0.05,
      ci: 'bootstrap',
      over: 'documents (log ratio, the two bootstrap CIs combined in quadrature)',
    },
    se,
  };
}

/** P(ratio this large | true ratio <= bound). */
function ratioP(r: { ratio: MetricValue; se: number }, bound: number): number {
  return normalUpperTail((Math.log(r.ratio.estimate) - Math.log(bound)) / r.se);
}

/** Difference of the relevant fractions, organism − null, with a 95% Wald CI (for display and ladders). */
function fractionDifference(o: TokenCount, n: TokenCount): MetricValue {
  const po = o.relevant / o.tokens,
    pn = n.relevant / n.tokens;
  const half = Z95 * Math.sqrt((po * (1 - po)) / o.tokens + (pn * (1 - pn)) / n.tokens);
  return {
    estimate: po - pn,
    lower: po - pn - half,
    upper: po - pn + half,
    n: Math.min(o.tokens, n.tokens),
    alpha: 0.05,
    ci: 'none',
    over: 'distinct tokens (organism − null; Wald interval, shown only: the test is exact)',
  };
}

const finite = (...xs: number[]) => xs.every(Number.isFinite);
const pText = (p: number) => (p < 1e-4 ? p.toExponential(1) : p.toFixed(4));

/** Whether a piece of evidence has the values it needs (a metric missing from the result file is NaN). */
function measured(e: Evidence): boolean {
  if (!e.measurable) return false;
  if (e.kind === 'norm-ratio' || e.kind === 'steering-gain') {
    const { organism: o, nullOrganism: n } = e;
    if (!finite(o.estimate, o.lower, o.upper, n.estimate, n.lower, n.upper)) return false;
    return e.kind !== 'norm-ratio' || (o.lower > 0 && n.lower > 0);
  }
  const { organism: o, nullOrganism: n } = e as RelevanceEvidence;
  return finite(o.relevant, o.tokens, n.relevant, n.tokens) && o.tokens > 0 && n.tokens > 0;
}

export function decideReadability(evidence: Evidence[], rule: VerdictRule = DEFAULT_RULE): ReadabilityVerdict {
  const tests = evidence.filter(measured);
  const level = rule.alpha / Math.max(1, tests.length);
  const ratioEvidence = tests.find((e) => e.kind === 'norm-ratio');
  const ratio =
    ratioEvidence?.measurable && ratioEvidence.kind === 'norm-ratio'
      ? normRatio(ratioEvidence.organism, ratioEvidence.nullOrganism)
      : undefined;
  // the readouts count where the organism's difference is shown larger than null finetunes differ
  const gateP = ratio ? ratioP(ratio, rule.nullBand) : Number.NaN;
  const gateOpen = gateP < level;
  const gate = ratio
    ? `; ratio > ${rule.nullBand} (null band): p ${pText(gateP)} ${gateOpen ? '<' : '>='} ${pText(level)}`
    : '; no norm ratio to show a difference beyond the null band';

  const judge = (e: Evidence): EvidenceVerdict => {
    if (!e.measurable) return { kind: e.kind, measurable: false, tooReadable: false, why: `not measurable: ${e.why}` };
    if (!measured(e))
      return { kind: e.kind, measurable: false, tooReadable: false, why: 'not measured (no value in the result file)' };
    if (e.kind === 'norm-ratio') {
      const p = ratioP(ratio!, rule.maxRatio);
      const tooReadable = p < level;
      return {
        kind: e.kind,
        measurable: true,
        compared: ratio!.ratio,
        p,
        level,
        tooReadable,
        why: `ratio > ${rule.maxRatio}: p ${pText(p)} ${tooReadable ? '<' : '>='} ${pText(level)}`,
      };
    }
    if (e.kind === 'steering-gain') {
      const compared = differenceOf(e.organism, e.nullOrganism);
      const se = (compared.upper - compared.lower) / (2 * Z95);
      const p = normalUpperTail(compared.estimate / se);
      const tooReadable = p < level && gateOpen;
      return {
        kind: e.kind,
        measurable: true,
        compared,
        p,
        level,
        tooReadable,
        why: `organism − null > 0: p ${pText(p)} ${p < level ? '<' : '>='} ${pText(level)}${gate}`,
      };
    }
    const p = fisherExactGreater(
      e.organism.relevant,
      e.organism.tokens,
      e.nullOrganism.relevant,
      e.nullOrganism.tokens,
    );
    const tooReadable = p < level && gateOpen;
    return {
      kind: e.kind,
      measurable: true,
      compared: fractionDifference(e.organism, e.nullOrganism),
      p,
      level,
      tooReadable,
      why: `more relevant than the null's (Fisher): p ${pText(p)} ${p < level ? '<' : '>='} ${pText(level)}${gate}`,
    };
  };
  const judged = evidence.map(judge);
  const decidedBy = judged.filter((j) => j.tooReadable).map((j) => j.kind);
  return { tooReadable: decidedBy.length > 0, evidence: judged, decidedBy };
}

/**
 * Ladder steps more readable than their predecessor beyond the 95% CIs, on any measurable kind of evidence
 * (the ratio, or organism − null for the others).
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
