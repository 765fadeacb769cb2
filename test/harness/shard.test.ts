// Scale-out: `vitest run --shard=i/n --reporter=blob` on n machines, then `--merge-reports` with the
// result-file reporter, gives the same result files and leaderboard as one unsharded run. Each
// "machine" here has its own cache and results folder, so nothing is shared but the blob reports.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { buildLeaderboard, renderMarkdown } from '../../src/leaderboard/index.ts';
import { loadSuite } from '../../src/harness/suite.ts';
import { readResults } from '../../src/results/index.ts';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const FIXTURES = join(ROOT, 'test/harness/fixtures/bench');
const CONFIG = join(FIXTURES, 'vitest.shard.config.ts');
const REPORTER = './src/harness/vitest-reporter.ts';
const VITEST = join(ROOT, 'node_modules/vitest/vitest.mjs');

async function vitest(args: string[], env: Record<string, string>): Promise<string> {
  const { stdout, stderr } = await run(process.execPath, [VITEST, 'run', '-c', CONFIG, ...args], {
    cwd: ROOT,
    env: {
      ...process.env,
      DIFFBENCH_BENCHMARK_DIR: FIXTURES,
      DIFFBENCH_METHOD: './src/methods/mean-diff/index.ts',
      DIFFBENCH_SETTINGS: 'fast',
      DIFFBENCH_NO_BASELINES: '1',
      DIFFBENCH_QUIET: '1',
      ...env,
    },
  });
  return stdout + stderr;
}

function leaderboardOf(dir: string): string {
  return renderMarkdown(buildLeaderboard(loadSuite('mini', FIXTURES), readResults(dir), { settings: 'fast' }));
}

describe('sharded benchmark runs', () => {
  it('two shards merged give the same result files and leaderboard as one run', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'db-shard-'));
    const dir = (name: string) => join(tmp, name);
    const one = await vitest(['--reporter=dot', `--reporter=${REPORTER}`], {
      DIFFBENCH_CACHE: dir('cache-one'),
      DIFFBENCH_RESULTS: dir('results-one'),
    });
    expect(one).toContain('2 result file(s) written');

    const blobs = dir('blobs');
    const shardOutputs = await Promise.all(
      [1, 2].map((i) =>
        vitest([`--shard=${i}/2`, '--reporter=blob', `--outputFile=${join(blobs, `blob-${i}.json`)}`], {
          DIFFBENCH_CACHE: dir(`cache-${i}`),
          DIFFBENCH_RESULTS: dir(`results-machine-${i}`),
        }),
      ),
    );
    expect(shardOutputs).toHaveLength(2);
    // Each machine ran one organism.
    for (const i of [1, 2]) expect(readResults(dir(`results-machine-${i}`))).toHaveLength(1);
    expect(readdirSync(blobs).sort()).toEqual(['blob-1.json', 'blob-2.json']);

    await vitest([`--merge-reports=${blobs}`, '--reporter=dot', `--reporter=${REPORTER}`], {
      DIFFBENCH_RESULTS: dir('results-merged'),
    });
    const a = readResults(dir('results-one'));
    const b = readResults(dir('results-merged'));
    expect(b.map((x) => x.path.slice(dir('results-merged').length))).toEqual(
      a.map((x) => x.path.slice(dir('results-one').length)),
    );
    for (let i = 0; i < a.length; i++) expect(b[i].result.metrics).toEqual(a[i].result.metrics);
    const board = leaderboardOf(dir('results-one'));
    expect(board).toContain('diff norm vs null');
    expect(leaderboardOf(dir('results-merged'))).toBe(board);
  }, 180_000);
});
