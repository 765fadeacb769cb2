// The scoring protocol's side of the leaderboard: per metric and organism a normalised score
// (method - negative control) / (positive control - negative control); which metrics the suite can
// measure (informative: positive - negative above 0, CI over organism families excludes 0); and a
// ranking of methods and baselines on the informative metrics with paired CIs against the reference
// method (ADL) and the negative control. CIs come from familyBootstrap (families, then within-organism noise).
import type { ConfidenceInterval } from '../metrics/index.ts';
import type { ScoringProtocol } from '../harness/protocol.ts';
import type { MetricValue } from '../results/types.ts';
import { familyBootstrap, standardError, type Statistic } from './family-bootstrap.ts';
import { steeringOrganisms, type SteeringOrganisms } from './steering-organisms.ts';

/** A row's metrics: organism -> metric -> value. */
export type OrganismMetrics = Record<string, Record<string, MetricValue>>;

/** The ranking flag of a row whose method read the finetuning data (the ground truth). */
export const READS_GROUND_TRUTH_FLAG = 'reads the finetuning data: not a blind diffing method';

export interface ScoredRow {
  /** method key (id@version-confighash) or baseline id. */
  name: string;
  kind: 'method' | 'baseline' | 'control';
  metrics: OrganismMetrics;
  /** Some of the row's results were computed with the organism's finetuning data (result method.readsGroundTruth). */
  readsGroundTruth?: boolean;
}

export interface MetricInfo {
  metric: string;
  /** mean over organisms of positive - negative, CI over families. */
  gap: ConfidenceInterval | null;
  /** mean over organisms of positive - what doing nothing scores (protocol.nothing), where that is defined. */
  gapToNothing: ConfidenceInterval | null;
  organisms: string[];
  families: number;
  informative: boolean;
  why: string;
}

export interface NormalisedCell {
  estimate: number;
  /** The method's own CI on that organism, in normalised units (controls held fixed). */
  lower: number;
  upper: number;
}

export interface RankedMetric {
  /** Normalised score over the organisms: sum(method - negative) / sum(positive - negative). */
  score: ConfidenceInterval | null;
  /** organism -> normalised score; null where the controls tie or the metric is missing. */
  perOrganism: Record<string, NormalisedCell | null>;
  /** organisms where the metric was missing (counted as the negative control's value: normalised 0). */
  notScored: string[];
}

export type Mark = '+' | '-' | '~' | 'n/a';

export interface RankRow {
  name: string;
  kind: ScoredRow['kind'];
  organisms: string[];
  families: number;
  /** Mean normalised score over the informative metrics. */
  score: ConfidenceInterval | null;
  perMetric: Record<string, RankedMetric>;
  /** Paired difference to the reference method (null for the reference itself or without shared organisms). */
  vsReference: ConfidenceInterval | null;
  vsReferenceMark: Mark;
  /** score - the negative control's (identically 0): the score's own CI. */
  vsNegativeMark: Mark;
  flags: string[];
}

export interface ProtocolBoard {
  metrics: MetricInfo[];
  informative: string[];
  /** Metrics the suite cannot measure (controls not separated), with why. */
  notMeasurable: { metric: string; why: string }[];
  families: Record<string, string[]>;
  /** Which organisms the steering metrics are judged on, where the suite's protocol restricts them. */
  steeringOrganisms?: SteeringOrganisms;
  ranking: RankRow[];
  reference: string | null;
  minFamilies: number;
}

/** Significance marks need at least this many organism families. */
export const MIN_FAMILIES = 3;

const mark = (ci: ConfidenceInterval | null, families: number): Mark =>
  !ci || families < MIN_FAMILIES || !Number.isFinite(ci.lower) ? 'n/a' : ci.lower > 0 ? '+' : ci.upper < 0 ? '-' : '~';

interface Controls {
  negative: OrganismMetrics;
  positive: OrganismMetrics;
}

/** A metric's value with its within-organism noise for draw k (0 on the original sample). */
function jittered(v: MetricValue, series: string, k: number, draw: (s: string, k: number) => number): number {
  return v.estimate + standardError(v) * draw(series, k);
}

/** Normalised score statistic of `row` on `metric`: missing method values count as the negative control's. */
function normalisedStatistic(row: OrganismMetrics, controls: Controls, metric: string, series: string): Statistic {
  return (organisms, draw) => {
    let num = 0;
    let den = 0;
    organisms.forEach((o, k) => {
      const n = jittered(controls.negative[o][metric], `negative|${metric}`, k, draw);
      const p = jittered(controls.positive[o][metric], `positive|${metric}`, k, draw);
      const m = row[o]?.[metric];
      num += m && Number.isFinite(m.estimate) ? jittered(m, `${series}|${metric}`, k, draw) - n : 0;
      den += p - n;
    });
    return den > 0 ? num / den : NaN;
  };
}

/** mean(positive - negative), or mean(positive - nothing) when `nothing` is given. */
function gapStatistic(controls: Controls, metric: string, nothing?: number): Statistic {
  return (organisms, draw) =>
    organisms.reduce(
      (s, o, k) =>
        s +
        jittered(controls.positive[o][metric], `positive|${metric}`, k, draw) -
        (nothing ?? jittered(controls.negative[o][metric], `negative|${metric}`, k, draw)),
      0,
    ) / organisms.length;
}

const meanOf = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

export interface ProtocolInput {
  protocol: ScoringProtocol;
  /** Organisms to score on (the suite's, without its null organism). */
  organisms: string[];
  families: Map<string, string[]>;
  rows: ScoredRow[];
  controls: Controls;
  seed: string;
  bootstrap: number;
}

export function scoreProtocol(input: ProtocolInput): ProtocolBoard {
  const { protocol, controls, seed, bootstrap } = input;
  const familyOf = new Map([...input.families.entries()].flatMap(([f, os]) => os.map((o) => [o, f] as const)));
  const familiesOf = (organisms: string[]) =>
    [...new Set(organisms.map((o) => familyOf.get(o)!))].map((f) =>
      input.families.get(f)!.filter((o) => organisms.includes(o)),
    );
  const opts = (name: string) => ({ n: bootstrap, seed: `${seed}|protocol|${name}` });
  const rule = protocol.steeringOrganisms;
  const steering = rule
    ? steeringOrganisms(rule, input.organisms, input.rows.find((r) => r.name === rule.baseline)?.metrics)
    : undefined;
  const judgedOn = (metric: string, o: string) =>
    !steering?.rule.metrics.includes(metric) || steering.judged.includes(o);

  const metrics: MetricInfo[] = protocol.metrics.map((metric) => {
    const organisms = input.organisms.filter(
      (o) =>
        judgedOn(metric, o) &&
        [controls.negative[o]?.[metric], controls.positive[o]?.[metric]].every((v) => v && Number.isFinite(v.estimate)),
    );
    const fams = familiesOf(organisms);
    if (organisms.length === 0)
      return {
        metric,
        gap: null,
        gapToNothing: null,
        organisms,
        families: 0,
        informative: false,
        why: judgedOn(metric, '')
          ? 'the controls did not produce it on any organism'
          : `no organism passes the suite's steering rule (drift at most ${rule!.maxDrift}) with both controls' values`,
      };
    const gap = familyBootstrap(fams, gapStatistic(controls, metric), opts(`gap|${metric}`));
    const nothing = protocol.nothing[metric];
    const gapToNothing =
      nothing === undefined
        ? null
        : familyBootstrap(fams, gapStatistic(controls, metric, nothing), opts(`gap-nothing|${metric}`));
    const ci = (c: ConfidenceInterval) => `[${c.lower.toFixed(3)}, ${c.upper.toFixed(3)}]`;
    let why = `positive - negative CI above 0${gapToNothing ? `, and positive - ${nothing} (doing nothing) CI above 0` : ''}`;
    if (fams.length < MIN_FAMILIES)
      why = `only ${fams.length} organism famil${fams.length === 1 ? 'y' : 'ies'} (at least ${MIN_FAMILIES} needed)`;
    else if (!(gap.lower > 0)) why = `positive - negative CI ${ci(gap)} includes 0 or lies below it`;
    else if (gapToNothing && !(gapToNothing.lower > 0))
      why = `the positive control does not beat doing nothing (${nothing}): positive - ${nothing} CI ${ci(gapToNothing)}`;
    const informative = fams.length >= MIN_FAMILIES && gap.lower > 0 && (!gapToNothing || gapToNothing.lower > 0);
    return { metric, gap, gapToNothing, organisms, families: fams.length, informative, why };
  });
  const informative = metrics.filter((m) => m.informative);

  const rank = (row: ScoredRow): RankRow => {
    const organisms = input.organisms.filter((o) => row.metrics[o]);
    const perMetric: Record<string, RankedMetric> = {};
    for (const info of metrics) {
      const scoredOn = info.organisms.filter((o) => organisms.includes(o));
      const perOrganism: RankedMetric['perOrganism'] = {};
      for (const o of scoredOn) {
        const m = row.metrics[o][info.metric];
        const n = controls.negative[o][info.metric].estimate;
        const span = controls.positive[o][info.metric].estimate - n;
        perOrganism[o] =
          m && Number.isFinite(m.estimate) && span > 0
            ? { estimate: (m.estimate - n) / span, lower: (m.lower - n) / span, upper: (m.upper - n) / span }
            : null;
      }
      perMetric[info.metric] = {
        score: scoredOn.length
          ? familyBootstrap(
              familiesOf(scoredOn),
              normalisedStatistic(row.metrics, controls, info.metric, row.name),
              opts(`${row.name}|${info.metric}`),
            )
          : null,
        perOrganism,
        notScored: scoredOn.filter((o) => !Number.isFinite(row.metrics[o][info.metric]?.estimate)),
      };
    }
    const overall =
      (a: ScoredRow, b?: ScoredRow): Statistic =>
      (orgs, draw) =>
        meanOf(
          informative.map((info) => {
            const on = orgs.filter((o) => info.organisms.includes(o));
            // control noise is keyed by metric and draw position, so a and b share it (paired)
            const score = (r: ScoredRow) => normalisedStatistic(r.metrics, controls, info.metric, r.name)(on, draw);
            return b ? score(a) - score(b) : score(a);
          }),
        );
    const scored = organisms.filter((o) => informative.some((i) => i.organisms.includes(o)));
    const families = familiesOf(scored);
    // A row with none of the informative metrics on any organism would score exactly the negative control's 0:
    // it is not ranked (a method that measured nothing is not "level with random").
    const producedNone =
      informative.length > 0 &&
      !informative.some((i) => scored.some((o) => Number.isFinite(row.metrics[o][i.metric]?.estimate)));
    const score =
      informative.length && scored.length && !producedNone
        ? familyBootstrap(families, overall(row), opts(`${row.name}|overall`))
        : null;
    const ref = input.rows.find((r) => r.kind === 'method' && r.name.startsWith(`${protocol.reference}@`));
    const shared = ref && ref !== row ? scored.filter((o) => ref.metrics[o]) : [];
    const vsReference =
      ref && ref !== row && informative.length && shared.length && !producedNone
        ? familyBootstrap(familiesOf(shared), overall(row, ref), opts(`${row.name}|vs-reference`))
        : null;
    const incoherent = organisms.filter(
      (o) => (row.metrics[o]['steering.coherence']?.estimate ?? 1) < protocol.minCoherence,
    );
    return {
      name: row.name,
      kind: row.kind,
      organisms,
      families: families.length,
      score,
      perMetric,
      vsReference,
      vsReferenceMark: mark(vsReference, familiesOf(shared).length),
      vsNegativeMark: mark(score, families.length),
      flags: [
        ...(row.readsGroundTruth ? [READS_GROUND_TRUTH_FLAG] : []),
        ...(producedNone
          ? [`not ranked: produced none of the informative metrics (${informative.map((i) => i.metric).join(', ')})`]
          : []),
        ...(incoherent.length
          ? [`incoherent steered text (steering.coherence < ${protocol.minCoherence}) on ${incoherent.join(', ')}`]
          : []),
      ],
    };
  };
  const ranking = input.rows
    .map(rank)
    .sort(
      (a, b) => (b.score?.estimate ?? -Infinity) - (a.score?.estimate ?? -Infinity) || a.name.localeCompare(b.name),
    );
  return {
    metrics,
    informative: informative.map((m) => m.metric),
    notMeasurable: metrics.filter((m) => !m.informative).map((m) => ({ metric: m.metric, why: m.why })),
    families: Object.fromEntries(input.families),
    ...(steering ? { steeringOrganisms: steering } : {}),
    ranking,
    reference: input.rows.find((r) => r.kind === 'method' && r.name.startsWith(`${protocol.reference}@`))?.name ?? null,
    minFamilies: MIN_FAMILIES,
  };
}
