// submit and leaderboard recompute what a result file lets them recompute and reject contradictions:
// threshold outcomes from the file's own metrics (with the suite's threshold definitions), estimates
// inside their confidence intervals, fractions within [0, 1], one file per method/organism/seed/settings.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateAll } from '../../src/harness/run.ts';
import { loadSuite } from '../../src/harness/suite.ts';
import { bundleContradictions, resultContradictions } from '../../src/leaderboard/consistency.ts';
import { checkBundle } from '../../src/leaderboard/submission.ts';
import type { MetricValue, ResultFile } from '../../src/results/index.ts';
import { tempDir } from '../helpers.ts';
import { sampleResult } from '../results/sample.ts';

const suite = loadSuite('zoo');
const point = (estimate: number): MetricValue => ({
  estimate,
  lower: estimate,
  upper: estimate,
  n: 1,
  alpha: 0.05,
  ci: 'none',
});
const ci = (estimate: number, lower: number, upper: number): MetricValue => ({
  estimate,
  lower,
  upper,
  n: 20,
  alpha: 0.05,
  ci: 'bootstrap',
  over: 'tokens',
});

/** An ADL result on zoo/cake_bake (zoo@5's layer-4 norms) whose thresholds were evaluated by the harness from its own metrics. */
function consistent(over: Partial<ResultFile> = {}): ResultFile {
  const r = sampleResult({
    suite: { id: 'zoo', version: suite.version, settings: 'full' },
    method: {
      id: 'adl',
      version: '2',
      config: {},
      configHash: 'abcdefabcdef',
      source: 'builtin:adl',
      codeHash: '0123456789ab',
    },
    metrics: {
      'scalar.diff_norm.pos0': point(28.22),
      'steering.difference.steered_ft': ci(0.2, 0.15, 0.25),
      'relevance.lens': ci(0.3, 0.1, 0.5),
    },
    baselines: {
      null: {
        description: 'null organism',
        metrics: { 'scalar.diff_norm.pos0': point(4.44), 'steering.difference.steered_ft': ci(0.02, 0, 0.04) },
      },
    },
    ...over,
  });
  r.thresholds = evaluateAll(suite, r.organism.id, r.method.id, r.suite.settings, r);
  return r;
}

describe('one result file', () => {
  it('a file as the harness writes it has no contradictions (and its thresholds are really evaluated)', () => {
    const r = consistent();
    expect(r.thresholds.map((t) => t.status)).toEqual(['pass', 'pass', 'pass', 'pass']);
    expect(resultContradictions(suite, r)).toEqual([]);
  });

  it('a threshold recorded as passed whose value says otherwise', () => {
    const r = consistent();
    r.metrics['scalar.diff_norm.pos0'] = point(15); // below the reference 26.81; outcomes left as they were
    const problems = resultContradictions(suite, r).join('\n');
    expect(problems).toMatch(
      /threshold diff-norm-reference-cake_bake: recorded 'pass' .*value 28\.22.*, but the file's metrics give 'fail' \(value 15\)/,
    );
  });

  it('a status flipped by hand', () => {
    const r = consistent();
    r.thresholds[1] = { ...r.thresholds[1], status: 'fail' };
    expect(resultContradictions(suite, r).join('\n')).toMatch(
      new RegExp(`threshold ${r.thresholds[1].id}: recorded 'fail'.* give 'pass'`),
    );
  });

  it('a threshold of the suite that applies but is missing, and one that does not belong', () => {
    const r = consistent();
    const dropped = r.thresholds.pop()!;
    r.thresholds.push({ ...dropped, id: 'made-up' });
    const problems = resultContradictions(suite, r).join('\n');
    expect(problems).toMatch(new RegExp(`threshold ${dropped.id} applies to this file but is not recorded`));
    expect(problems).toMatch(/threshold made-up is not a threshold of zoo@\d+ for this organism, method and settings/);
  });

  it('an estimate outside its own confidence interval, and a fraction of 5 with CI [-1, 7]', () => {
    const r = consistent();
    r.metrics['steering.difference.steered_ft'] = ci(0.4, 0.15, 0.25);
    r.metrics['relevance.lens'] = ci(5, -1, 7);
    const problems = resultContradictions(suite, r).join('\n');
    expect(problems).toMatch(
      /metrics\/steering\.difference\.steered_ft: estimate 0\.4 is outside its interval \[0\.15, 0\.25\]/,
    );
    expect(problems).toMatch(/metrics\/relevance\.lens: a fraction, but estimate 5 \[-1, 7\] is outside \[0, 1\]/);
  });

  it('a baseline metric and a point value with an interval are checked too', () => {
    const r = consistent();
    r.baselines.null.metrics['relevance.lens'] = ci(1.5, 1.2, 1.8);
    r.metrics['scalar.diff_norm.pos0'] = { ...point(28.22), lower: 27 };
    const problems = resultContradictions(suite, r).join('\n');
    expect(problems).toMatch(/baselines\/null\/relevance\.lens: a fraction, but estimate 1\.5/);
    expect(problems).toMatch(/metrics\/scalar\.diff_norm\.pos0: ci 'none' .* lower = estimate = upper/);
  });
});

describe('a bundle', () => {
  it('duplicate result files for one method, organism, seed and settings are rejected', () => {
    const a = consistent(),
      b = consistent();
    const problems = bundleContradictions([
      { path: 'x/a.json', result: a },
      { path: 'y/b.json', result: b },
      { path: 'z/c.json', result: consistent({ seed: 's2' }) },
    ]);
    expect(problems).toEqual([
      expect.stringMatching(
        /y\/b\.json: a second result for adl@2-abcdefabcdef on zoo\/cake_bake, seed s1, settings full \(first: x\/a\.json\)/,
      ),
    ]);
  });

  it('submit lists contradictions as problems', () => {
    const dir = tempDir('diffbench-bundle-');
    const r = consistent();
    r.thresholds[0] = { ...r.thresholds[0], status: 'fail' };
    fs.writeFileSync(path.join(dir, 'a.json'), JSON.stringify(r));
    fs.writeFileSync(path.join(dir, 'b.json'), JSON.stringify(r));
    const { problems } = checkBundle(suite, [path.join(dir, 'a.json'), path.join(dir, 'b.json')]);
    expect(problems.join('\n')).toMatch(/a\.json: threshold .*: recorded 'fail'/);
    expect(problems.join('\n')).toMatch(/b\.json: a second result for adl/);
  });

  it('npm run leaderboard refuses a folder with contradictions (exit 2, naming the file)', () => {
    const dir = tempDir('diffbench-board-');
    const r = consistent();
    r.metrics['relevance.lens'] = ci(5, -1, 7);
    fs.writeFileSync(path.join(dir, 'r.json'), JSON.stringify(r));
    const out = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'src/cli/leaderboard.ts', dir, '--reports', tempDir()],
      { encoding: 'utf8' },
    );
    expect(out.stderr).toMatch(/r\.json: metrics\/relevance\.lens: a fraction/);
    expect(out.status).toBe(2);
  }, 30_000);
});
