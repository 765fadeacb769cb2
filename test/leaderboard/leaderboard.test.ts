import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildLeaderboard, renderHtml, renderMarkdown, renderTerminal } from '../../src/leaderboard/index.ts';
import { bundleFiles, checkBundle, entryErrors, findSecrets } from '../../src/leaderboard/submission.ts';
import { evaluateAll } from '../../src/harness/run.ts';
import { loadSuite } from '../../src/harness/suite.ts';
import type { MetricValue, ResultFile } from '../../src/results/index.ts';
import { sampleResult } from '../results/sample.ts';

const suite = loadSuite('zoo');
const mv = (estimate: number): MetricValue => ({
  estimate,
  lower: estimate - 0.1,
  upper: estimate + 0.1,
  n: 10,
  alpha: 0.05,
  ci: 'bootstrap',
});

/** A result whose steered St-FT is `st` and null organism's is `st - gap`. */
function resultFor(
  organism: string,
  st: number,
  gap: number,
  over: Partial<ResultFile> = {},
): { path: string; result: ResultFile } {
  const r = sampleResult({ ...over });
  r.organism = { ...r.organism, id: organism };
  r.metrics = {
    'steering.difference.steered_ft': mv(st),
    'steering.difference.unsteered_ft': mv(st / 2),
    'scalar.diff_norm.pos0': mv(10 + st),
  };
  r.baselines = {
    null: {
      description: 'null',
      metrics: { 'steering.difference.steered_ft': mv(st - gap), 'scalar.diff_norm.pos0': mv(3) },
    },
  };
  r.thresholds = evaluateAll(suite, organism, r.method.id, r.suite.settings, r); // as the harness records them (submit recomputes them)
  return { path: `${organism}.json`, result: r };
}

const narrow = suite.organisms.filter((o) => o !== 'zoo/control');

describe('leaderboard', () => {
  it('aggregates over organisms with a paired bootstrap CI of method - baseline', () => {
    const files = narrow.map((o, i) => resultFor(o, 0.2 + 0.05 * i, 0.15));
    const board = buildLeaderboard(suite, files);
    expect(board.suite).toBe(`zoo@${suite.version}`);
    expect(board.methods).toHaveLength(1);
    const row = board.methods[0].comparisons.find((c) => c.name === 'St-FT: organism vs null organism')!;
    expect(row.organisms).toHaveLength(narrow.length);
    // Every organism's difference is exactly 0.15, so every resample's mean difference is too.
    expect(row.difference.estimate).toBeCloseTo(0.15, 12);
    expect(row.difference.lower).toBeCloseTo(0.15, 12);
    expect(row.difference.upper).toBeCloseTo(0.15, 12);
    expect(board.methods[0].missing).toEqual(['zoo/control']);
    const mixing = board.methods[0].ladders.find((l) => l.group === 'zoo/cake_bake/mixing')!;
    expect(mixing.points.map((p) => p.organism)).toEqual([
      'zoo/cake_bake',
      'zoo/cake_bake_mix1-0p25',
      'zoo/cake_bake_mix1-1p0',
    ]);
  });

  it('never mixes suite versions or settings', () => {
    const files = [
      resultFor('zoo/cake_bake', 0.3, 0.1),
      resultFor('zoo/roman_concrete', 0.3, 0.1, { suite: { id: 'zoo', version: 1, settings: 'full' } }),
      resultFor('zoo/antarctic_rebound', 0.3, 0.1, { suite: { id: 'zoo', version: suite.version, settings: 'fast' } }),
    ];
    const board = buildLeaderboard(suite, files);
    expect(board.methods[0].organisms).toEqual(['zoo/cake_bake']);
    expect(board.ignored.map((x) => x.why)).toEqual([
      `suite zoo@1, not zoo@${suite.version}`,
      'settings fast, not full',
    ]);
  });

  it('renders a table, Markdown and a self-contained HTML page with HTML tables and ladder lines', () => {
    const board = buildLeaderboard(
      suite,
      narrow.map((o, i) => resultFor(o, 0.2 + 0.05 * i, 0.15)),
    );
    expect(renderTerminal(board)).toContain('St-FT: organism vs null organism');
    const md = renderMarkdown(board);
    // the protocol's sections: without the controls in these results nothing is measurable, and it says so
    expect(md).toContain('## Ranking (scoring protocol)');
    expect(md).toMatch(
      /This suite cannot measure: relevance\.logitlens \(the controls did not produce it on any organism\)/,
    );
    expect(md).toContain(`| mean-diff@1-abcdefabcdef | St-FT: organism vs null organism | ${narrow.length} |`);
    const html = renderHtml(board);
    expect(html).toContain('<svg');
    expect(html).toContain('<polyline');
    expect(html).toContain('<table class="ranking">');
    expect(html).not.toContain('<pre');
    expect(html).not.toMatch(/<script|src=|href=|@import/);
  });
});

describe('submissions', () => {
  const write = (files: { path: string; result: ResultFile }[], extra?: (dir: string) => void) => {
    const dir = mkdtempSync(join(tmpdir(), 'db-bundle-'));
    const paths = files.map(({ result }, i) => {
      const p = join(dir, `r${i}.json`);
      writeFileSync(p, JSON.stringify(result));
      return p;
    });
    extra?.(dir);
    return paths;
  };

  it('accepts a complete bundle and builds an entry', () => {
    const { problems, entries } = checkBundle(suite, write(suite.organisms.map((o) => resultFor(o, 0.3, 0.1))));
    expect(problems).toEqual([]);
    expect(entries).toHaveLength(1);
    expect(entries[0].organisms).toHaveLength(suite.organisms.length);
    expect(entryErrors(entries[0])).toEqual([]);
  });

  it('lists missing organisms, other suite versions, schema errors and secrets', () => {
    const files = write([
      resultFor('zoo/cake_bake', 0.3, 0.1),
      resultFor('zoo/control', 0.3, 0.1, { suite: { id: 'zoo', version: 7, settings: 'full' } }),
    ]);
    const leaky = join(files[0], '..', 'leak.json');
    const leakyResult = resultFor('zoo/roman_concrete', 0.3, 0.1).result;
    leakyResult.summary.findings = [`key ${'sk-'}abcdefghijklmnopqrstuvwxyz123456`]; // a fake key, built so the repo holds no key-shaped string
    writeFileSync(leaky, JSON.stringify(leakyResult));
    const broken = join(files[0], '..', 'broken.json');
    writeFileSync(broken, '{"schema":"diffbench-result@1"}');
    const { problems } = checkBundle(suite, [...files, leaky, broken]);
    const text = problems.join('\n');
    expect(text).toMatch(/leak\.json: contains what looks like a secret \(OpenAI-style API key\)/);
    expect(text).toMatch(new RegExp(`r1\\.json: suite zoo@7, but the current suite is zoo@${suite.version}`));
    expect(text).toMatch(/broken\.json: .*missing field/);
    expect(text).toMatch(
      new RegExp(`no results for ${suite.organisms.length - 2} of the suite's organisms: .*zoo/cake_bake_n1000`),
    );
  });

  it('a bundle is its result files, not the agent transcripts beside them', () => {
    const [file] = write([resultFor('zoo/cake_bake', 0.3, 0.1)], (dir) => {
      mkdirSync(join(dir, 'r0.agents', 'adl_mi5', 'run0'), { recursive: true });
      writeFileSync(join(dir, 'r0.agents', 'adl_mi5', 'run0', 'messages.json'), '[]');
      writeFileSync(join(dir, 'notes.txt'), 'not json');
    });
    expect(bundleFiles(join(file, '..'))).toEqual([file]);
  });

  it('finds secrets by pattern and by the value of known variables', () => {
    expect(findSecrets('{"token": "abcdefghijkl"}')).toEqual(['credential field']);
    expect(findSecrets(`hf_${'a'.repeat(34)}`)).toEqual(['Hugging Face token']);
    expect(findSecrets('nothing here: sk-short')).toEqual([]);
    expect(findSecrets('x my-secret-value y', { HF_TOKEN: 'my-secret-value' })).toEqual(['the value of $HF_TOKEN']);
  });
});
