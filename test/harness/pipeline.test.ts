// One pipeline, outputs that never collide: bench writes result files to results/<settings>
// ($DIFFBENCH_RESULTS/<settings>) and the run's reports next to them, nothing inside the repository;
// leaderboard and submit find the same folder without flags; leaderboard on an empty folder fails
// and says where it looked; commands that name only an organism take the suite's null organism.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { suiteOf } from '../../src/harness/suite.ts';
import { resultsDirFor } from '../../src/paths.ts';
import { readResults } from '../../src/results/store.ts';

const exec = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const FIXTURES = join(ROOT, 'test/harness/fixtures/bench');
const TSX = join(ROOT, 'node_modules/tsx/dist/cli.mjs');

async function cli(
  script: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [TSX, `src/cli/${script}.ts`, ...args], {
      cwd: ROOT,
      env: { ...process.env, DIFFBENCH_BENCHMARK_DIR: FIXTURES, DIFFBENCH_QUIET: '1', ...env },
      maxBuffer: 1 << 24,
    });
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

const gitStatus = () =>
  execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: ROOT, encoding: 'utf8' });

describe('results folders', () => {
  it('one folder per settings under $DIFFBENCH_RESULTS, else results/ in the repository (git-ignored)', () => {
    const saved = process.env.DIFFBENCH_RESULTS;
    try {
      process.env.DIFFBENCH_RESULTS = '/somewhere';
      expect(resultsDirFor('full')).toBe('/somewhere/full');
      delete process.env.DIFFBENCH_RESULTS;
      expect(resultsDirFor('fast')).toBe(join(ROOT, 'results', 'fast'));
    } finally {
      if (saved === undefined) delete process.env.DIFFBENCH_RESULTS;
      else process.env.DIFFBENCH_RESULTS = saved;
    }
    // results/ is ignored, so a run into the default folder leaves `git status` clean
    execFileSync('git', ['check-ignore', '-q', 'results/full/zoo@1/adl@1-abc/x.json'], { cwd: ROOT });
  });

  it('leaderboard on an empty or missing folder exits non-zero and names the folder it looked in', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'db-empty-'));
    const r = await cli('leaderboard', ['--suite', 'mini'], { DIFFBENCH_RESULTS: empty });
    expect(r.code).toBe(2);
    // with no folder given, leaderboard looks in every settings folder and names them all
    expect(r.out).toContain('no result files of mini@');
    expect(r.out).toContain(join(empty, 'full'));
  });

  it('bench -> leaderboard -> submit agree on the folder; reports land next to the results; git status unchanged', async () => {
    const root = mkdtempSync(join(tmpdir(), 'db-pipeline-'));
    const env = { DIFFBENCH_RESULTS: root, DIFFBENCH_CACHE: join(root, '.cache') };
    const before = gitStatus();
    const bench = await cli(
      'bench',
      ['--suite', 'mini', '--settings', 'fast', '--method', './src/methods/mean-diff/index.ts', '--no-baselines'],
      env,
    );
    expect(bench.code, bench.out).toBe(0);
    const dir = join(root, 'fast');
    expect(
      readResults(dir)
        .map((f) => f.result.organism.id)
        .sort(),
    ).toEqual(['zoo/cake_bake', 'zoo/control']);
    expect(
      readdirSync(dir)
        .filter((n) => /\.(md|html)$/.test(n))
        .sort(),
    ).toEqual(['mini@1.html', 'mini@1.md']);
    expect(bench.out).toContain(`results in ${dir}`);
    expect(gitStatus()).toBe(before);

    const board = await cli('leaderboard', ['--suite', 'mini', '--settings', 'fast'], env);
    expect(board.code, board.out).toBe(0);
    expect(board.out).toContain(`wrote ${join(dir, 'mini@1.md')}`);
    const submit = await cli('submit', ['--suite', 'mini', '--settings', 'fast', '--out', join(root, 'entries')], env);
    expect(submit.out).toMatch(/valid: mean-diff@/);
    expect(existsSync(join(root, 'entries', 'mini@1'))).toBe(true);
    expect(gitStatus()).toBe(before);
  }, 180_000);
});

describe('one rule for the null organism', () => {
  it('an organism named alone runs in the first suite that lists it, with that suite null organism and unrelated text', () => {
    const zoo = suiteOf('zoo/cake_bake');
    expect(zoo.id).toBe('zoo');
    expect(zoo.nullOrganism).toBe('zoo/control');
    expect(zoo.unrelated.source).toBe('./organisms/zoo/data/unrelated.jsonl.gz');
    expect(() => suiteOf('zoo/not-there')).toThrow(/zoo\/not-there is in no suite/);
  });
});
