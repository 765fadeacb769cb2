// The leaderboard as one self-contained HTML page: tables plus inline SVG plots (per-organism bars
// with CI whiskers for each comparison; each ladder as a line). No scripts, no external files.
import type { Leaderboard, MethodRow } from './aggregate.ts';
import { renderMarkdown } from './render-text.ts';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const f = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : 'n/a');
const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b'];

interface Bar {
  label: string;
  values: { name: string; estimate: number; lower: number; upper: number }[];
}

/** The opening of a chart: svg element, title, an axis line at axisY, and value labels at the given ticks. */
function chartFrame(title: string, width: number, height: number, left: number, right: number, axisY: number, ticks: number[], y: (v: number) => number): string[] {
  return [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" aria-label="${esc(title)}">`,
    `<text x="${left}" y="16" font-size="13" font-weight="bold">${esc(title)}</text>`,
    `<line x1="${left}" x2="${right}" y1="${axisY}" y2="${axisY}" stroke="#888"/>`,
    ...ticks.map((v) => `<text x="${left - 4}" y="${y(v) + 4}" font-size="10" text-anchor="end">${f(v)}</text>`)];
}

/** Grouped bars (one group per organism) with CI whiskers. */
export function barChart(title: string, groups: Bar[], series: string[]): string {
  const width = Math.max(360, 60 + groups.length * (series.length * 18 + 16));
  const height = 240;
  const top = 28, bottom = 70, left = 50;
  const all = groups.flatMap((g) => g.values.flatMap((v) => [v.lower, v.upper, v.estimate])).filter(Number.isFinite);
  const hi = Math.max(0, ...all), lo = Math.min(0, ...all);
  const span = hi - lo || 1;
  const y = (v: number) => top + ((hi - v) / span) * (height - top - bottom);
  const parts = chartFrame(title, width, height, left, width - 10, y(0), [hi, lo], y);
  groups.forEach((g, gi) => {
    const x0 = left + 10 + gi * (series.length * 18 + 16);
    g.values.forEach((v) => {
      const si = series.indexOf(v.name);
      const x = x0 + si * 18;
      const y1 = y(Math.max(0, v.estimate)), y2 = y(Math.min(0, v.estimate));
      parts.push(`<rect x="${x}" y="${y1}" width="14" height="${Math.max(0.5, y2 - y1)}" fill="${COLORS[si % COLORS.length]}"><title>${esc(`${g.label} ${v.name}: ${f(v.estimate)} [${f(v.lower)}, ${f(v.upper)}]`)}</title></rect>`);
      parts.push(`<line x1="${x + 7}" x2="${x + 7}" y1="${y(v.upper)}" y2="${y(v.lower)}" stroke="#000"/>`);
    });
    parts.push(`<text transform="translate(${x0 + 4},${height - bottom + 12}) rotate(35)" font-size="10">${esc(g.label)}</text>`);
  });
  series.forEach((s, si) => parts.push(`<rect x="${width - 200}" y="${6 + si * 12}" width="8" height="8" fill="${COLORS[si % COLORS.length]}"/><text x="${width - 188}" y="${14 + si * 12}" font-size="10">${esc(s)}</text>`));
  parts.push('</svg>');
  return parts.join('');
}

/** One line per method along a ladder (x = rank), with CI whiskers. */
export function ladderChart(title: string, lines: { name: string; points: { label: string; estimate: number; lower: number; upper: number }[] }[]): string {
  const width = 420, height = 240, top = 28, bottom = 60, left = 50, right = 20;
  const labels = lines[0]?.points.map((p) => p.label) ?? [];
  const all = lines.flatMap((l) => l.points.flatMap((p) => [p.lower, p.upper])).filter(Number.isFinite);
  const hi = Math.max(0, ...all), lo = Math.min(0, ...all);
  const span = hi - lo || 1;
  const x = (i: number) => left + (labels.length <= 1 ? 0 : (i / (labels.length - 1)) * (width - left - right));
  const y = (v: number) => top + ((hi - v) / span) * (height - top - bottom);
  const parts = chartFrame(title, width, height, left, width - right, y(lo), [hi, lo], y);
  labels.forEach((label, i) => parts.push(`<text transform="translate(${x(i) - 4},${height - bottom + 14}) rotate(20)" font-size="10">${esc(label)}</text>`));
  lines.forEach((l, li) => {
    const color = COLORS[li % COLORS.length];
    parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${l.points.map((p, i) => `${x(i)},${y(p.estimate)}`).join(' ')}"/>`);
    l.points.forEach((p, i) => parts.push(`<circle cx="${x(i)}" cy="${y(p.estimate)}" r="3" fill="${color}"><title>${esc(`${p.label}: ${f(p.estimate)} [${f(p.lower)}, ${f(p.upper)}]`)}</title></circle><line x1="${x(i)}" x2="${x(i)}" y1="${y(p.upper)}" y2="${y(p.lower)}" stroke="${color}"/>`));
    parts.push(`<text x="${width - 180}" y="${14 + li * 12}" font-size="10" fill="${color}">${esc(l.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}

function methodPlots(m: MethodRow): string {
  const plots = m.comparisons.map((c) =>
    barChart(
      `${m.key}: ${c.name}`,
      c.organisms.map((o) => ({
        label: o,
        values: [
          { name: c.metric, ...m.perOrganism[o][c.metric] },
          { name: c.baseline, ...m.perOrganism[o][c.baseline] },
        ],
      })),
      [c.metric, c.baseline],
    ),
  );
  if (m.llm) {
    const orgs = Object.entries(m.llm.perOrganism);
    const agents = [...new Set(orgs.flatMap(([, v]) => Object.keys(v.metrics).filter((k) => k.startsWith('agent.') || k.startsWith('hypothesis.'))))].sort();
    if (agents.length) {
      plots.push(barChart(`${m.key}: hypothesis grades (1-5)`, orgs.map(([o, v]) => ({ label: o, values: agents.filter((k) => v.metrics[k]).map((k) => ({ name: k, ...v.metrics[k] })) })), agents));
    }
    const agreement = [...new Set(orgs.flatMap(([, v]) => v.agreement.map((a) => `${a.role} ${a.statistic}`)))];
    if (agreement.length) {
      const values = (v: (typeof orgs)[number][1]) =>
        v.agreement.filter((a) => a.value !== null).map((a) => ({ name: `${a.role} ${a.statistic}`, estimate: a.value!, lower: a.value!, upper: a.value! }));
      plots.push(barChart(`${m.key}: offline vs LLM grader agreement (κ / r)`, orgs.map(([o, v]) => ({ label: o, values: values(v) })), agreement));
    }
  }
  return plots.join('\n');
}

export function renderHtml(board: Leaderboard): string {
  const ladderNames = [...new Set(board.methods.flatMap((m) => m.ladders.map((l) => l.name)))];
  const ladders = ladderNames.map((name) => {
    const lines = board.methods
      .map((m) => ({ m, l: m.ladders.find((x) => x.name === name) }))
      .filter((x) => x.l && x.l.points.length > 0)
      .map(({ m, l }) => ({ name: m.key, points: l!.points.map((p) => ({ label: p.organism, ...p.value })) }));
    const metric = board.methods.flatMap((m) => m.ladders).find((l) => l.name === name)?.metric ?? '';
    return lines.length > 0 ? ladderChart(`ladder: ${name} (${metric})`, lines) : '';
  });
  const markdown = renderMarkdown(board);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>DiffBench leaderboard ${esc(board.suite)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:1200px}pre{background:#f6f6f6;padding:1em;overflow-x:auto}svg{margin:0.5em;border:1px solid #eee}</style>
</head><body>
<h1>DiffBench leaderboard ${esc(board.suite)} <small>(${esc(board.settings)} settings)</small></h1>
<h2>Mixing and sample-size ladders</h2>
${ladders.join('\n')}
<h2>Per-organism bars (estimate with 95% CI)</h2>
${board.methods.map(methodPlots).join('\n')}
<h2>Tables</h2>
<pre>${esc(markdown)}</pre>
</body></html>
`;
}
