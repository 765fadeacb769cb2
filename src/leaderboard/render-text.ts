// The leaderboard as a terminal table (table) and as Markdown.
import { table } from 'table';
import type { AgreementEntry } from '../results/types.ts';
import type { Leaderboard, MethodRow } from './aggregate.ts';
import { METRICS_HEADER, metricRows, protocolNotes, RANKING_HEADER, rankingRows } from './render-protocol.ts';

const f = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : 'n/a');
const ci = (c: { estimate: number; lower: number; upper: number }) => `${f(c.estimate)} [${f(c.lower)}, ${f(c.upper)}]`;

function rows(board: Leaderboard): string[][] {
  const out: string[][] = [];
  for (const m of board.methods) {
    for (const c of m.comparisons) {
      const sign = c.difference.lower > 0 ? '+' : c.difference.upper < 0 ? '-' : '~';
      out.push([
        m.key,
        c.name,
        String(c.organisms.length),
        f(c.methodMean),
        f(c.baselineMean),
        `${ci(c.difference)} ${sign}`,
      ]);
    }
    out.push([
      m.key,
      'thresholds (pass/fail/not scored)',
      String(m.organisms.length),
      `${m.thresholds.pass}/${m.thresholds.fail}/${m.thresholds.notScored}`,
      '',
      m.missing.length ? `${m.missing.length} organism(s) missing` : '',
    ]);
  }
  return out;
}

const HEADER = ['method', 'comparison', 'organisms', 'method mean', 'baseline mean', 'method − baseline, 95% CI'];

export function renderTerminal(board: Leaderboard): string {
  if (board.methods.length === 0) return `${board.suite} (${board.settings}): no results\n`;
  const line = (i: number, n: number) => i <= 1 || i === n;
  return (
    `${board.suite} (${board.settings} settings)\n` +
    `Ranking (scoring protocol):\n${table([RANKING_HEADER, ...rankingRows(board.protocol)], { drawHorizontalLine: line })}` +
    `Metrics:\n${table([METRICS_HEADER, ...metricRows(board.protocol)], { drawHorizontalLine: line })}` +
    protocolNotes(board.protocol).join('\n') +
    '\n\nComparisons:\n' +
    table([HEADER, ...rows(board)], { drawHorizontalLine: line }) +
    leftOutLines(board)
      .map((l) => `${l}\n`)
      .join('')
  );
}

/** Metric values the aggregates could not use, each with its file, method and metric. */
function leftOutLines(board: Leaderboard): string[] {
  if (board.leftOut.length === 0) return [];
  return [
    `Left out of the aggregates (${board.leftOut.length} value(s); the rest is ranked):`,
    ...board.leftOut.map((l) => `- ${l.path}: method ${l.method}, metric ${l.metric}: ${l.why}`),
  ];
}

const mdRow = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
const mdTable = (header: string[], body: string[][]) => [
  mdRow(header),
  `|${header.map(() => '---').join('|')}|`,
  ...body.map(mdRow),
];

const agreementName = (a: AgreementEntry) => `${a.role} ${a.statistic === 'cohen-kappa' ? 'κ' : 'r'} (${a.over})`;

/** The LLM tier of one method: offline-vs-LLM agreement and the LLM-only metrics (agents' hypothesis grades, coherence). */
function llmLines(llm: NonNullable<MethodRow['llm']>): string[] {
  const lines = [`### LLM graders and agents (--graders ${llm.mode})`, ''];
  const entries = Object.entries(llm.perOrganism);
  const agreement = [...new Set(entries.flatMap(([, v]) => v.agreement.map(agreementName)))];
  if (agreement.length) {
    lines.push(
      "Agreement of the offline and the LLM graders on the same items (Cohen's κ for labels, Pearson r for scores; n = items paired):",
      '',
    );
    lines.push(`| organism | ${agreement.join(' | ')} |`, `|---|${agreement.map(() => '---').join('|')}|`);
    for (const [o, v] of entries) {
      const cell = (name: string) => {
        const a = v.agreement.find((x) => agreementName(x) === name);
        return a ? `${a.value === null ? 'n/a' : a.value.toFixed(3)} (n=${a.n})` : '';
      };
      lines.push(`| ${o} | ${agreement.map(cell).join(' | ')} |`);
    }
    lines.push('');
  }
  const metrics = [...new Set(entries.flatMap(([, v]) => Object.keys(v.metrics)))].sort();
  if (metrics.length) {
    lines.push(
      'Agent and findings hypothesis grades (1-5, mean over runs) and LLM coherence (% coherent), 95% CI:',
      '',
    );
    lines.push(`| organism | ${metrics.join(' | ')} |`, `|---|${metrics.map(() => '---').join('|')}|`);
    for (const [o, v] of entries)
      lines.push(`| ${o} | ${metrics.map((k) => (v.metrics[k] ? ci(v.metrics[k]) : '')).join(' | ')} |`);
  }
  return lines;
}

export function renderMarkdown(board: Leaderboard): string {
  const lines = [`# Leaderboard ${board.suite} (${board.settings} settings)`, ''];
  lines.push('## Ranking (scoring protocol)', '', ...mdTable(RANKING_HEADER, rankingRows(board.protocol)), '');
  lines.push(
    '## Metrics',
    '',
    ...mdTable(METRICS_HEADER, metricRows(board.protocol)),
    '',
    ...protocolNotes(board.protocol).flatMap((n) => [n, '']),
  );
  lines.push('## Comparisons', '');
  lines.push(
    "Each row aggregates a method over the suite's organisms: the mean of the metric, the mean of the baseline, and a paired bootstrap 95% CI of (method − baseline) over organisms (+: the CI is above 0, −: below, ~: contains 0).",
    '',
  );
  lines.push(`| ${HEADER.join(' | ')} |`, `|${HEADER.map(() => '---').join('|')}|`);
  for (const r of rows(board)) lines.push(`| ${r.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`);
  if (board.leftOut.length) lines.push('', ...leftOutLines(board));
  for (const m of board.methods) {
    lines.push('', `## ${m.key}`, '', `source: ${m.source}; seeds: ${m.seeds.join(', ')}`, '');
    const metrics = [...new Set(Object.values(m.perOrganism).flatMap((x) => Object.keys(x)))].sort();
    lines.push(`| organism | ${metrics.join(' | ')} |`, `|---|${metrics.map(() => '---').join('|')}|`);
    for (const [o, values] of Object.entries(m.perOrganism))
      lines.push(`| ${o} | ${metrics.map((k) => (values[k] ? ci(values[k]) : '')).join(' | ')} |`);
    if (m.missing.length) lines.push('', `Missing organisms: ${m.missing.join(', ')}`);
    if (m.thresholds.failures.length)
      lines.push('', 'Failed thresholds:', '', ...m.thresholds.failures.map((x) => `- ${x}`));
    if (m.thresholds.unscored.length)
      lines.push(
        '',
        'Not scored thresholds (a metric they name is missing or not finite):',
        '',
        ...m.thresholds.unscored.map((x) => `- ${x}`),
      );
    if (m.llm) lines.push('', ...llmLines(m.llm));
  }
  return `${lines.join('\n')}\n`;
}
