// The leaderboard as one self-contained HTML page (no scripts, no external files): the protocol's
// ranking, which metrics the suite can measure, methods side by side per metric (normalised scores
// with CIs drawn as bars in HTML tables), the comparisons, the ladders (inline SVG lines, legend in
// HTML), and each method's raw metrics. Every label is HTML text that wraps, so none is clipped;
// test/leaderboard/html-render.test.ts renders the page in headless Chromium and measures that.
import type { Leaderboard, MethodRow } from './aggregate.ts';
import type { NormalisedCell, RankRow } from './protocol.ts';
import {
  fmt,
  fmtCI,
  METRICS_HEADER,
  metricRows,
  protocolNotes,
  RANKING_HEADER,
  rankingRows,
} from './render-protocol.ts';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** Escaped, with break opportunities after / . _ : - so long ids wrap instead of overflowing. */
const label = (s: string) => esc(s).replace(/([/._:-])/g, '$1<wbr>');
const COLORS = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
];

interface Interval {
  estimate: number;
  lower: number;
  upper: number;
}

/** A table cell's bar: the estimate as a bar from 0 with a CI whisker, on the axis [lo, hi]. */
function bar(v: Interval | null | undefined, lo: number, hi: number, color: string): string {
  if (!v || !Number.isFinite(v.estimate)) return '<div class="bar"></div>';
  const pos = (x: number) => `${((100 * (Math.min(hi, Math.max(lo, x)) - lo)) / (hi - lo)).toFixed(1)}%`;
  const zero = pos(0),
    at = pos(v.estimate);
  const [left, right] = v.estimate >= 0 ? [zero, at] : [at, zero];
  const whisker =
    Number.isFinite(v.lower) && Number.isFinite(v.upper)
      ? `<span class="ci" style="left:${pos(v.lower)};width:calc(${pos(v.upper)} - ${pos(v.lower)})"></span>`
      : '';
  return `<div class="bar"><span class="zero" style="left:${zero}"></span><span class="fill" style="left:${left};width:calc(${right} - ${left});background:${color}"></span>${whisker}</div>`;
}

function table(header: string[], rows: string[][], cls = ''): string {
  return `<table${cls ? ` class="${cls}"` : ''}><thead><tr>${header.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

const valueCell = (v: Interval | null | undefined, lo: number, hi: number, color: string) =>
  v
    ? `<span class="num">${fmt(v.estimate)}</span> <span class="ci-text">[${fmt(v.lower)}, ${fmt(v.upper)}]</span>${bar(v, lo, hi, color)}`
    : '<span class="na">not scored</span>';

/** The ranking: every method and baseline with its normalised score (bar + CI) and its comparisons. */
function rankingTable(board: Leaderboard): string {
  const p = board.protocol;
  const text = rankingRows(p);
  const rows = p.ranking.map((r, i) => {
    const cells = text[i].map(label);
    cells[3] = valueCell(r.score, -0.5, 1.5, COLORS[i % COLORS.length]);
    cells[4] = r.vsReference
      ? `<span class="num">${fmt(r.vsReference.estimate)}</span> <span class="ci-text">[${fmt(r.vsReference.lower)}, ${fmt(r.vsReference.upper)}]</span> ${r.vsReferenceMark}`
      : esc(text[i][4]);
    return cells;
  });
  return table(RANKING_HEADER.map(esc), rows, 'ranking');
}

/** One metric, methods side by side: rows = organisms (+ the suite-level score), columns = ranked rows. */
function sideBySide(board: Leaderboard, metric: string): string {
  const p = board.protocol;
  const info = p.metrics.find((m) => m.metric === metric)!;
  const cols = p.ranking;
  const header = [
    'organism',
    ...cols.map(
      (r, i) => `<span class="swatch" style="background:${COLORS[i % COLORS.length]}"></span>${label(r.name)}`,
    ),
  ];
  const cell = (_r: RankRow, i: number, v: NormalisedCell | null | undefined) =>
    valueCell(v, -0.5, 1.5, COLORS[i % COLORS.length]);
  const rows = info.organisms.map((o) => [
    `<span class="organism">${label(o)}</span>`,
    ...cols.map((r, i) => cell(r, i, r.perMetric[metric]?.perOrganism[o])),
  ]);
  rows.push(['<b>all organisms</b> (family bootstrap)', ...cols.map((r, i) => cell(r, i, r.perMetric[metric]?.score))]);
  const status = info.informative ? 'informative' : `<b>not informative</b>: ${esc(info.why)}`;
  return `<h3>${esc(metric)} <small>(${status}; positive − negative ${esc(fmtCI(info.gap))})</small></h3>${table(header, rows, 'side')}`;
}

/** Each ladder as lines (x = rank) with CI whiskers; margins sized to the labels, legend in HTML. */
export function ladderChart(
  title: string,
  lines: { name: string; points: { label: string; estimate: number; lower: number; upper: number }[] }[],
): string {
  const labels = lines[0]?.points.map((p) => p.label) ?? [];
  const longest = Math.max(0, ...labels.map((l) => l.length));
  const charW = 6.2; // px per character at font-size 10 (generous for sans-serif)
  const left = 56,
    top = 12,
    plotH = 160,
    gap = Math.max(120, longest * charW + 16);
  const width = left + gap * Math.max(1, labels.length - 1) + (longest * charW) / 2 + 24;
  const height = top + plotH + 36;
  const all = lines.flatMap((l) => l.points.flatMap((p) => [p.lower, p.upper, p.estimate])).filter(Number.isFinite);
  const hi = Math.max(0, ...all),
    lo = Math.min(0, ...all);
  const span = hi - lo || 1;
  const x = (i: number) => left + i * gap;
  const y = (v: number) => top + ((hi - v) / span) * plotH;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width.toFixed(0)}" height="${height}" role="img" aria-label="${esc(title)}">`,
    `<line x1="${left}" x2="${x(labels.length - 1)}" y1="${y(lo)}" y2="${y(lo)}" stroke="#888"/>`,
    ...[hi, lo].map((v) => `<text x="${left - 6}" y="${y(v) + 4}" font-size="10" text-anchor="end">${fmt(v)}</text>`),
    ...labels.map(
      (l, i) =>
        `<text class="svg-label" x="${x(i)}" y="${top + plotH + 20}" font-size="10" text-anchor="middle">${esc(l)}</text>`,
    ),
  ];
  lines.forEach((l, li) => {
    const color = COLORS[li % COLORS.length];
    const pts = l.points.map((p, i) => `${x(i)},${y(p.estimate)}`).join(' ');
    parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts}"/>`);
    l.points.forEach((p, i) =>
      parts.push(
        `<circle cx="${x(i)}" cy="${y(p.estimate)}" r="3" fill="${color}"><title>${esc(`${l.name} ${p.label}: ${fmtCI(p)}`)}</title></circle><line x1="${x(i)}" x2="${x(i)}" y1="${y(p.upper)}" y2="${y(p.lower)}" stroke="${color}"/>`,
      ),
    );
  });
  parts.push('</svg>');
  const legend = lines
    .map(
      (l, li) =>
        `<span class="legend-item"><span class="swatch" style="background:${COLORS[li % COLORS.length]}"></span>${label(l.name)}</span>`,
    )
    .join(' ');
  return `<figure><figcaption>${esc(title)}</figcaption><div class="chart">${parts.join('')}</div><div class="legend">${legend}</div></figure>`;
}

function ladders(board: Leaderboard): string {
  const names = [...new Set(board.methods.flatMap((m) => m.ladders.map((l) => l.name)))];
  return names
    .map((name) => {
      const lines = board.methods
        .map((m) => ({ m, l: m.ladders.find((x) => x.name === name) }))
        .filter((x) => x.l && x.l.points.length > 0)
        .map(({ m, l }) => ({ name: m.key, points: l!.points.map((p) => ({ label: p.organism, ...p.value })) }));
      const metric = board.methods.flatMap((m) => m.ladders).find((l) => l.name === name)?.metric ?? '';
      return lines.length ? ladderChart(`ladder: ${name} (${metric})`, lines) : '';
    })
    .join('\n');
}

function comparisons(board: Leaderboard): string {
  const rows = board.methods.flatMap((m) =>
    m.comparisons.map((c) => {
      const sign = c.difference.lower > 0 ? '+' : c.difference.upper < 0 ? '−' : '~';
      return [
        label(m.key),
        esc(c.name),
        String(c.organisms.length),
        fmt(c.methodMean),
        fmt(c.baselineMean),
        `${esc(fmtCI(c.difference))} ${sign}`,
      ];
    }),
  );
  return table(
    ['method', 'comparison', 'organisms', 'method mean', 'baseline mean', 'method − baseline, 95% CI (over organisms)'],
    rows,
  );
}

/** A method's raw metrics (those the comparisons and ladders name) per organism. */
function methodDetail(m: MethodRow): string {
  const metrics = [...new Set(Object.values(m.perOrganism).flatMap((x) => Object.keys(x)))].sort();
  const rows = Object.entries(m.perOrganism).map(([o, values]) => [
    `<span class="organism">${label(o)}</span>`,
    ...metrics.map((k) =>
      values[k]
        ? `${fmt(values[k].estimate)}<br><span class="ci-text">[${fmt(values[k].lower)}, ${fmt(values[k].upper)}]</span>`
        : '',
    ),
  ]);
  const t = m.thresholds;
  const notes = [
    `thresholds: ${t.pass} pass, ${t.fail} fail, ${t.notScored} not scored`,
    ...(m.missing.length ? [`missing organisms: ${m.missing.join(', ')}`] : []),
  ].map((n) => `<p>${esc(n)}</p>`);
  const list = (title: string, xs: string[]) =>
    xs.length ? `<p>${esc(title)}</p><ul>${xs.map((x) => `<li>${esc(x)}</li>`).join('')}</ul>` : '';
  const llm = m.llm ? llmTables(m.llm) : '';
  return `<h3>${label(m.key)}</h3><p>source: ${esc(m.source)}; seeds: ${esc(m.seeds.join(', '))}</p>${table(['organism', ...metrics.map(label)], rows, 'detail')}${notes.join('')}${list('Failed thresholds:', t.failures)}${list('Not scored thresholds (a metric they name is missing or not finite):', t.unscored)}${llm}`;
}

function llmTables(llm: NonNullable<MethodRow['llm']>): string {
  const entries = Object.entries(llm.perOrganism);
  const agreement = [
    ...new Set(
      entries.flatMap(([, v]) =>
        v.agreement.map((a) => `${a.role} ${a.statistic === 'cohen-kappa' ? 'κ' : 'r'} (${a.over})`),
      ),
    ),
  ];
  const metrics = [...new Set(entries.flatMap(([, v]) => Object.keys(v.metrics)))].sort();
  const agreeRows = entries.map(([o, v]) => [
    label(o),
    ...agreement.map((name) => {
      const a = v.agreement.find((x) => `${x.role} ${x.statistic === 'cohen-kappa' ? 'κ' : 'r'} (${x.over})` === name);
      return a ? `${a.value === null ? 'n/a' : a.value.toFixed(3)} (n=${a.n})` : '';
    }),
  ]);
  const metricRows2 = entries.map(([o, v]) => [
    label(o),
    ...metrics.map((k) => (v.metrics[k] ? esc(fmtCI(v.metrics[k])) : '')),
  ]);
  return (
    `<h4>LLM graders and agents (--graders ${esc(llm.mode)})</h4>` +
    (agreement.length
      ? `<p>Agreement of the graders on the same items (offline vs LLM grader agreement; κ for labels, r for scores):</p>${table(['organism', ...agreement.map(label)], agreeRows, 'detail')}`
      : '') +
    (metrics.length
      ? `<p>Hypothesis grades (1-5) and LLM coherence, 95% CI:</p>${table(['organism', ...metrics.map(label)], metricRows2, 'detail')}`
      : '')
  );
}

const STYLE = `
body{font-family:system-ui,sans-serif;margin:1.5em;max-width:1200px;font-size:14px;overflow-wrap:anywhere}
table{border-collapse:collapse;margin:0.5em 0 1em;max-width:100%}
th,td{border:1px solid #ddd;padding:3px 6px;vertical-align:top;text-align:left}
th{background:#f3f3f3;font-weight:600;overflow-wrap:normal}
table.side td,table.ranking td{min-width:5.5em}
.num{font-variant-numeric:tabular-nums;font-weight:600}
.ci-text{color:#555;font-size:12px;white-space:nowrap}
.na{color:#999;font-style:italic}
.bar{position:relative;height:8px;margin-top:3px;background:#f4f4f4;min-width:5em}
.bar .fill{position:absolute;top:1px;height:6px;opacity:0.8}
.bar .zero{position:absolute;top:-1px;height:10px;border-left:1px solid #333}
.bar .ci{position:absolute;top:3px;height:2px;background:#000}
.swatch{display:inline-block;width:10px;height:10px;margin-right:4px;vertical-align:baseline}
.legend-item{margin-right:1em;display:inline-block}
figure{margin:0.5em 0 1.5em}figcaption{font-weight:600;margin-bottom:4px}
.chart{max-width:100%;overflow:visible}svg{border:1px solid #eee;max-width:100%;height:auto}
p.note{color:#333;max-width:70em}
`;

/** Metric values the aggregates could not use, each with its file, method and metric. */
function leftOut(board: Leaderboard): string {
  if (board.leftOut.length === 0) return '';
  const items = board.leftOut.map(
    (l) => `<li>${esc(l.path)}: method ${esc(l.method)}, metric ${esc(l.metric)}: ${esc(l.why)}</li>`,
  );
  return `<p class="note">Left out of the aggregates (${board.leftOut.length} value(s); the rest is ranked):</p>\n<ul>${items.join('')}</ul>`;
}

export function renderHtml(board: Leaderboard): string {
  const p = board.protocol;
  const metricsTable = table(
    METRICS_HEADER.map(esc),
    metricRows(p).map((r) => r.map(label)),
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>DiffBench leaderboard ${esc(board.suite)}</title>
<style>${STYLE}</style>
</head><body>
<h1>DiffBench leaderboard ${esc(board.suite)} <small>(${esc(board.settings)} settings)</small></h1>
<h2>Ranking</h2>
${rankingTable(board)}
${protocolNotes(p)
  .map((n) => `<p class="note">${esc(n)}</p>`)
  .join('\n')}
<h2>What this suite can measure</h2>
${metricsTable}
<h2>Methods side by side (normalised: negative control 0, positive control 1)</h2>
<p class="note">Per organism: the method's estimate with its own 95% CI, the controls held fixed; the last row is the suite-level score with the family bootstrap CI. Bars span −0.5 to 1.5; the black line is 0.</p>
${p.metrics.map((m) => sideBySide(board, m.metric)).join('\n')}
<h2>Comparisons</h2>
${comparisons(board)}
${leftOut(board)}
<h2>Ladders</h2>
${ladders(board)}
<h2>Per method</h2>
${board.methods.map(methodDetail).join('\n')}
</body></html>
`;
}
