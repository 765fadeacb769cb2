// The protocol's part of the leaderboard as text rows: the ranking (normalised scores on the
// informative metrics, paired CIs against the reference and the negative control) and which metrics
// the suite can measure. Shared by the terminal, Markdown and HTML renderers.
import type { ConfidenceInterval } from '../metrics/index.ts';
import type { ProtocolBoard, RankRow } from './protocol.ts';
import { describeSteeringOrganisms } from './steering-organisms.ts';

export const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : 'n/a');
export const fmtCI = (c: Pick<ConfidenceInterval, 'estimate' | 'lower' | 'upper'> | null | undefined) =>
  c ? `${fmt(c.estimate)} [${fmt(c.lower)}, ${fmt(c.upper)}]` : 'n/a';

export const RANKING_HEADER = [
  '#',
  'method / baseline',
  'kind',
  'normalised score, 95% CI',
  'vs reference',
  'vs negative',
  'families',
  'flags',
];

export function rankingRows(p: ProtocolBoard): string[][] {
  return p.ranking.map((r: RankRow, i) => [
    String(i + 1),
    r.name,
    r.kind,
    fmtCI(r.score),
    r.vsReference ? `${fmtCI(r.vsReference)} ${r.vsReferenceMark}` : r.name === p.reference ? '(reference)' : 'n/a',
    r.vsNegativeMark,
    String(r.families),
    r.flags.join('; '),
  ]);
}

export const METRICS_HEADER = ['metric', 'positive − negative, 95% CI', 'organisms', 'families', 'informative', 'why'];

export function metricRows(p: ProtocolBoard): string[][] {
  return p.metrics.map((m) => [
    m.metric,
    fmtCI(m.gap),
    String(m.organisms.length),
    String(m.families),
    m.informative ? 'yes' : 'no',
    m.why,
  ]);
}

export function protocolNotes(p: ProtocolBoard): string[] {
  return [
    `Normalised score per metric and organism: (method − negative control) / (positive control − negative control); over organisms sum(method − negative) / sum(positive − negative); a method's missing metric counts as the negative control's value. The ranking averages the informative metrics (${p.informative.join(', ') || 'none'}).`,
    `CIs: bootstrap over organism families (${Object.keys(p.families).length}: ${Object.values(p.families)
      .map((os) => (os.length > 1 ? `${os[0]} +${os.length - 1}` : os[0]))
      .join(
        ', ',
      )}) with each organism's own metric noise; marks (+ above 0, − below, ~ includes 0) need at least ${p.minFamilies} families, else n/a. vs negative: the score's CI (the negative control scores 0 by construction).`,
    ...(p.steeringOrganisms ? [describeSteeringOrganisms(p.steeringOrganisms)] : []),
    p.notMeasurable.length
      ? `This suite cannot measure: ${p.notMeasurable.map((m) => `${m.metric} (${m.why})`).join('; ')}.`
      : 'Every protocol metric is informative on this suite.',
  ];
}
