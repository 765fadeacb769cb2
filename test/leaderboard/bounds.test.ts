// Magnitudes are bounded by the protocol (±1e15, MAGNITUDE_BOUND): a method's scalar beyond it is a protocol
// error, and a result file holding one (written before the bound, or edited) cannot break the leaderboard: the
// value is left out of the aggregates, named with its file, method and metric, and every other method is ranked.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateAll } from '../../src/harness/run.ts';
import { loadSuite } from '../../src/harness/suite.ts';
import { buildLeaderboard, renderHtml, renderMarkdown, renderTerminal } from '../../src/leaderboard/index.ts';
import { checkBundle } from '../../src/leaderboard/submission.ts';
import { MAGNITUDE_BOUND, validateMethodOutput } from '../../src/method/validate.ts';
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

/** One method's results on every organism; `norm` is its scalar.diff_norm.pos0 on each. */
function methodResults(id: string, norm: (i: number) => number): { path: string; result: ResultFile }[] {
  return suite.organisms.map((o, i) => {
    const r = sampleResult();
    r.method = { ...r.method, id, source: `builtin:${id}` };
    r.organism = { ...r.organism, id: o };
    r.metrics = {
      'steering.difference.steered_ft': mv(0.3 + 0.01 * i),
      'steering.difference.unsteered_ft': mv(0.1),
      'scalar.diff_norm.pos0': mv(norm(i)),
    };
    r.baselines = {
      null: {
        description: 'null',
        metrics: { 'steering.difference.steered_ft': mv(0.1), 'scalar.diff_norm.pos0': mv(3) },
      },
    };
    r.thresholds = evaluateAll(suite, o, id, r.suite.settings, r);
    return { path: `results/${id}/${o.replace('/', '__')}.json`, result: r };
  });
}

const ctx = {
  methodId: 'huge',
  hiddenSize: 4,
  numLayers: 2,
  budget: { readoutsPerSource: 5, tokensPerReadout: 20 },
  vocabulary: { size: 10, display: (id: number) => `t${id}` },
};

describe('the protocol bounds scalar magnitudes', () => {
  it('a scalar of 1e308 is a protocol error naming method and field; the bound itself is accepted', () => {
    expect(() => validateMethodOutput({ scalars: { big: 1e308 } }, ctx)).toThrow(
      /method 'huge' returned an invalid output: scalars\.big: must be within ±1000000000000000 \(the protocol's bound on magnitudes; got 1e\+308\)/,
    );
    expect(() => validateMethodOutput({ scalars: { big: -MAGNITUDE_BOUND * 1.5 } }, ctx)).toThrow(/scalars\.big/);
    expect(() =>
      validateMethodOutput({ scalars: { big: MAGNITUDE_BOUND, small: -MAGNITUDE_BOUND } }, ctx),
    ).not.toThrow();
  });
});

describe('a result file beyond the bound leaves the rest ranked', () => {
  const good = methodResults('good', (i) => 10 + i);
  const huge = methodResults('huge', () => 1e308);

  it('buildLeaderboard names the file, method and metric, and ranks both methods', () => {
    const board = buildLeaderboard(suite, [...good, ...huge], { bootstrap: 200 });
    expect(board.leftOut).toHaveLength(suite.organisms.length);
    expect(board.leftOut[0]).toEqual({
      path: 'results/huge/zoo__cake_bake.json',
      method: 'huge@1-abcdefabcdef',
      metric: 'scalar.diff_norm.pos0',
      why: expect.stringMatching(/estimate 1e\+308 is beyond the protocol's bound ±1000000000000000/),
    });
    const [goodRow, hugeRow] = ['good', 'huge'].map((id) => board.methods.find((m) => m.id === id)!);
    // the good method is aggregated as if the bad file were not there
    const alone = buildLeaderboard(suite, good, { bootstrap: 200 }).methods[0];
    expect(goodRow.comparisons).toEqual(alone.comparisons);
    // the huge method keeps its other comparisons; the one on the bad metric has no organisms left
    expect(hugeRow.comparisons.map((c) => c.metric)).not.toContain('scalar.diff_norm.pos0');
    expect(hugeRow.comparisons.map((c) => c.metric)).toContain('steering.difference.steered_ft');
    expect(board.protocol.ranking.map((r) => r.name)).toEqual(
      expect.arrayContaining(['good@1-abcdefabcdef', 'huge@1-abcdefabcdef']),
    );
    const text = renderTerminal(board);
    expect(text).toContain(`Left out of the aggregates (${suite.organisms.length} value(s); the rest is ranked):`);
    expect(text).toMatch(
      /- results\/huge\/zoo__cake_bake\.json: method huge@1-abcdefabcdef, metric scalar\.diff_norm\.pos0: estimate 1e\+308/,
    );
    expect(renderMarkdown(board)).toMatch(/Left out of the aggregates/);
    expect(renderHtml(board)).toMatch(
      /<li>results\/huge\/zoo__cake_bake\.json: method huge@1-abcdefabcdef, metric scalar\.diff_norm\.pos0: estimate 1e\+308/,
    );
  });

  it('a value that is not finite in a baseline is named with the baseline', () => {
    const files = methodResults('good', (i) => 10 + i);
    files[2].result.baselines.null.metrics['scalar.diff_norm.pos0'] = mv(Number.NaN);
    const board = buildLeaderboard(suite, files, { bootstrap: 200 });
    expect(board.leftOut).toEqual([
      expect.objectContaining({ metric: 'null:scalar.diff_norm.pos0', why: 'estimate NaN is not a finite number' }),
    ]);
  });

  it('submit reports the file, method and metric instead of failing with a bootstrap error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'db-bounds-'));
    const paths = [...good, ...huge].map(({ result }, i) => {
      const p = join(dir, `r${i}.json`);
      writeFileSync(p, JSON.stringify(result));
      return p;
    });
    const { problems, entries } = checkBundle(suite, paths);
    expect(problems.join('\n')).toMatch(
      // the first of the huge method's files follows the good method's, one per organism
      new RegExp(
        `r${suite.organisms.length}\\.json: method huge@1-abcdefabcdef, metric scalar\\.diff_norm\\.pos0: estimate 1e\\+308 is beyond the protocol's bound .*; it cannot be aggregated`,
      ),
    );
    expect(entries.map((e) => e.method.id).sort()).toEqual(['good', 'huge']);
  });
});
