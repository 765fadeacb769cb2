// The HTML report rendered in headless Chromium (Debian's `chromium`; .ci/run installs it): nothing
// overflows the page, no cell or label is clipped, every organism label is shown whole, and the
// methods appear side by side. Skipped with a note where Chromium is missing, except
// in CI (CI set, as CI services set it; .ci/run installs Chromium), where a missing browser fails the test.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildLeaderboard, renderHtml } from '../../src/leaderboard/index.ts';
import { loadSuite } from '../../src/harness/suite.ts';
import type { MetricValue, ResultFile } from '../../src/results/index.ts';
import { sampleResult } from '../results/sample.ts';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
const WIDTH = 1280;

/** Runs in the page after load; writes what it measured into <pre id="measure">. */
const MEASURE = `<script>
addEventListener('load', () => {
  const vw = document.documentElement.clientWidth;
  const out = { viewport: vw, pageWidth: document.documentElement.scrollWidth, outside: [], clipped: [], svgOutside: [], text: document.body.innerText };
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > vw + 1) out.outside.push(el.tagName + ' ' + (el.textContent || '').slice(0, 60));
    if (['TD', 'TH', 'SPAN', 'P', 'FIGCAPTION', 'H3'].includes(el.tagName) && el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).display !== 'inline') out.clipped.push(el.tagName + ' ' + (el.textContent || '').slice(0, 60));
  }
  for (const svg of document.querySelectorAll('svg')) {
    const box = svg.getBoundingClientRect();
    for (const t of svg.querySelectorAll('text')) {
      const r = t.getBoundingClientRect();
      if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1) out.svgOutside.push(t.textContent);
    }
  }
  const pre = document.createElement('pre');
  pre.id = 'measure';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>`;

const mv = (estimate: number, half = 0.05): MetricValue => ({
  estimate,
  lower: estimate - half,
  upper: estimate + half,
  n: 10,
  alpha: 0.05,
  ci: 'bootstrap',
});

/** A suite's worth of results: ADL and a method with a long name, with every baseline and control. */
function results(): { path: string; result: ResultFile }[] {
  const suite = loadSuite('zoo');
  const methods = [
    { id: 'adl', version: '2', configHash: '458a321c3836', lift: 0.3 },
    {
      id: 'a-researcher/very-long-method-name-with-many-parts.v2',
      version: '13',
      configHash: 'abcdefabcdef',
      lift: 0.1,
    },
  ];
  return methods.flatMap((m) =>
    suite.organisms.map((o, i) => {
      const r = sampleResult();
      r.method = { ...r.method, id: m.id, version: m.version, configHash: m.configHash };
      r.organism = { ...r.organism, id: o };
      const g = (i % 3) * 0.02;
      const metrics = (x: number) => ({
        'relevance.logitlens': mv(x + g),
        'relevance.patchscope': mv(x / 2 + g),
        'steering.gain': mv(x / 3),
        'steering.difference.steered_ft': mv(0.2 + x),
        'steering.coherence': mv(x > 0.5 ? 1 : 0.6, 0),
        'scalar.diff_norm.pos0': mv(10 + i, 0),
      });
      r.metrics = metrics(0.1 + m.lift);
      r.baselines = {
        null: { description: 'null', metrics: metrics(0.1) },
        'baseline/negative-control': { description: 'negative', metrics: metrics(0.1) },
        'baseline/positive-control': { description: 'positive', metrics: metrics(0.7) },
        'baseline/finetuned-mean': { description: 'ft mean', metrics: { 'relevance.logitlens': mv(0.15 + g) } },
        'baseline/unsteered': {
          description: 'unsteered',
          metrics: { 'steering.gain': mv(0, 0), 'steering.coherence': mv(1, 0) },
        },
      };
      return { path: `${m.id}-${o}.json`, result: r };
    }),
  );
}

describe('HTML report in headless Chromium', () => {
  it.skipIf(!CHROMIUM && !process.env.CI)(
    'fits the page, clips no label, shows every organism whole and the methods side by side',
    () => {
      expect(CHROMIUM, 'Chromium is required in CI: apt-get install -y chromium').toBeDefined();
      const suite = loadSuite('zoo');
      const board = buildLeaderboard(suite, results(), { bootstrap: 200 });
      const html = renderHtml(board);
      expect(html).not.toMatch(/<pre|<script/);
      expect(html).toMatch(/<table class="side">/);
      const dir = mkdtempSync(join(tmpdir(), 'db-html-'));
      const page = join(dir, 'report.html');
      writeFileSync(page, html.replace('</body>', `${MEASURE}</body>`));
      const dom = execFileSync(
        CHROMIUM!,
        [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--hide-scrollbars',
          `--window-size=${WIDTH},900`,
          '--virtual-time-budget=5000',
          '--dump-dom',
          `file://${page}`,
        ],
        { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'ignore'] },
      );
      const json = /<pre id="measure">([\s\S]*?)<\/pre>/.exec(dom)?.[1];
      expect(json, 'the measuring script did not run').toBeDefined();
      const m = JSON.parse(
        json!
          .replace(/&quot;/g, '"')
          .replace(/&lt;/g, '<')
          .replace(/&gt;/g, '>')
          .replace(/&amp;/g, '&'),
      );
      expect(m.viewport).toBeGreaterThan(1000);
      expect(m.pageWidth, 'the page is wider than the window').toBeLessThanOrEqual(m.viewport);
      expect(m.outside, 'elements reaching past the right edge').toEqual([]);
      expect(m.clipped, 'cells or labels whose content is cut').toEqual([]);
      expect(m.svgOutside, 'chart labels outside their chart').toEqual([]);
      for (const o of suite.organisms.filter((x) => x !== suite.nullOrganism))
        expect(m.text, `organism label ${o}`).toContain(o);
      for (const name of board.protocol.ranking.map((r) => r.name)) expect(m.text).toContain(name);
      if (process.env.DIFFBENCH_SCREENSHOT) {
        execFileSync(
          CHROMIUM!,
          [
            '--headless',
            '--no-sandbox',
            '--disable-gpu',
            '--hide-scrollbars',
            `--window-size=${WIDTH},3000`,
            `--screenshot=${process.env.DIFFBENCH_SCREENSHOT}`,
            `file://${page}`,
          ],
          { timeout: 60_000, stdio: 'ignore' },
        );
      }
    },
    120_000,
  );
});
