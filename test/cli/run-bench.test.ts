// runBench (src/cli/run-bench.ts), the function behind npm run bench, called in this process: input errors
// reject before any model is loaded (the CLI exits 2 on them), and a run returns its status and prints the
// leaderboard and the summary line. test/harness/bench-jobs.test.ts spawns the CLI end to end.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers.ts';

// the fixture suites (read when src/harness/suite.ts is first imported), no LLM endpoint of this machine
process.env.DIFFBENCH_BENCHMARK_DIR = path.resolve('test/harness/fixtures/bench');
for (const k of Object.keys(process.env)) if (k.startsWith('DIFFBENCH_LLM_')) delete process.env[k];
process.env.DIFFBENCH_QUIET = '1';
const { runBench } = await import('../../src/cli/run-bench.ts');
const { exitCodeOf } = await import('../../src/cli/main.ts');
const { providersUsed } = await import('../../src/runtime/placement.ts');
const { readResults } = await import('../../src/results/store.ts');

function captured() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
}

const MEAN_DIFF = './src/methods/mean-diff/index.ts';

describe('runBench', () => {
  it.each([
    [
      'an unknown grader mode',
      { suite: 'mini', graders: 'llm-ish' },
      /--graders llm-ish: expected one of offline, llm, both/,
    ],
    [
      'LLM graders without an endpoint',
      { suite: 'mini', graders: 'llm', settings: 'fast' },
      /no LLM endpoint configured: set DIFFBENCH_LLM_BASE_URL .* DIFFBENCH_LLM_MODEL/,
    ],
    [
      'an organism outside the suite',
      { suite: 'mini', organisms: 'zoo/roman_concrete' },
      /--organisms: zoo\/roman_concrete is not in suite mini/,
    ],
    [
      'settings the suite lacks',
      { suite: 'mini', settings: 'tiny' },
      /suite mini has no settings 'tiny' \(has: fast, full\)/,
    ],
    ['--threads abc', { suite: 'mini', threads: 'abc' }, /--threads 'abc': expected a positive integer/],
  ])('%s: an input error (exit 2) before any model is loaded', async (_what, options, message) => {
    const { io } = captured();
    const err = await runBench({ method: MEAN_DIFF, results: tempDir(), ...options }, io).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as Error).message).toMatch(message);
    expect(exitCodeOf(err)).toBe(2);
    expect(providersUsed()).toEqual({});
  });

  it('one organism: status 0, its result file, the leaderboard and the summary line', async () => {
    const results = tempDir('run-bench-');
    process.env.DIFFBENCH_CACHE = tempDir('run-bench-cache-'); // nothing cached: the models run here
    const { out, io } = captured();
    const status = await runBench(
      {
        suite: 'mini',
        method: MEAN_DIFF,
        settings: 'fast',
        organisms: 'zoo/cake_bake',
        noBaselines: true,
        results,
        jobs: '1',
      },
      io,
    );
    expect(status).toBe(0);
    const files = readResults(results);
    expect(files.map((f) => f.result.organism.id)).toEqual(['zoo/cake_bake']);
    expect(files[0].result.suite).toMatchObject({ id: 'mini', settings: 'fast' });
    const text = out.join('\n');
    expect(text).toMatch(/mean-diff/);
    const summary = out.find((l) => l.startsWith('summary: '));
    expect(summary).toContain(`summary: 1 organism(s) in `);
    expect(summary).toContain(`; results in ${results}; `);
    expect(summary).toMatch(/; ran on cpu: CPUExecutionProvider ran all \d+ nodes$/);
    expect(text).toMatch(/^thresholds: \d+ pass \/ 0 fail \/ 0 not scored$/m);
  }, 300_000);
});
