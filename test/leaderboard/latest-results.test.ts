// `npm run leaderboard` with no folder shows the settings folder with the most recent results of the
// suite version (src/cli/latest-results.ts), says which, and names the folders it looked in when none has any.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { settingsFoldersWithResults } from '../../src/cli/latest-results.ts';
import { recordLeaderboardFiles } from '../../src/cli/leaderboard-files.ts';
import { evaluateAll } from '../../src/harness/run.ts';
import { loadSuite } from '../../src/harness/suite.ts';
import { writeResult } from '../../src/results/store.ts';
import { tempDir } from '../helpers.ts';
import { sampleResult, ZOO_VERSION } from '../results/sample.ts';

const zoo = loadSuite('zoo');

/** Writes a result of `settings` (its thresholds evaluated, as bench does) into <root>/<folder>, dated `secondsAgo` back. */
function result(root: string, folder: string, settings: string, secondsAgo: number): string {
  const r = sampleResult({ suite: { id: 'zoo', version: ZOO_VERSION, settings }, seed: `seed-${settings}` });
  r.thresholds = evaluateAll(zoo, r.organism.id, r.method.id, settings, r);
  const file = writeResult(path.join(root, folder), r);
  const when = new Date(Date.now() - secondsAgo * 1000);
  fs.utimesSync(file, when, when);
  return file;
}

const leaderboard = (root: string) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/leaderboard.ts'], {
    encoding: 'utf8',
    env: { ...process.env, DIFFBENCH_RESULTS: root },
  });

describe('the most recent results folder', () => {
  const previous = process.env.DIFFBENCH_RESULTS;
  afterEach(() => {
    if (previous === undefined) delete process.env.DIFFBENCH_RESULTS;
    else process.env.DIFFBENCH_RESULTS = previous;
  });

  it('orders the settings folders by their newest result or leaderboard; other settings do not count', () => {
    const root = tempDir('diffbench-latest-');
    process.env.DIFFBENCH_RESULTS = root;
    expect(settingsFoldersWithResults(zoo)).toEqual([]);
    result(root, 'full', 'full', 600);
    result(root, 'fast', 'fast', 60);
    // a newer file of other settings in the full folder is not a full result
    result(root, 'full', 'fast', 1);
    expect(settingsFoldersWithResults(zoo).map((f) => f.settings)).toEqual(['fast', 'full']);
    // the leaderboard bench rewrites after a run that reused every result makes that folder the newest
    fs.writeFileSync(path.join(root, 'full', `zoo@${ZOO_VERSION}.md`), '');
    recordLeaderboardFiles([path.join(root, 'full', `zoo@${ZOO_VERSION}.md`)]);
    expect(settingsFoldersWithResults(zoo).map((f) => f.settings)).toEqual(['full', 'fast']);
    expect(settingsFoldersWithResults(zoo)[0].dir).toBe(path.join(root, 'full'));
    // a leaderboard DiffBench did not write (a method's fake) does not count
    fs.writeFileSync(path.join(root, 'fast', `zoo@${ZOO_VERSION}.md`), '# fake');
    expect(settingsFoldersWithResults(zoo).map((f) => f.settings)).toEqual(['full', 'fast']);
  });

  it('npm run leaderboard after a fast bench shows results/fast and says so', () => {
    const root = tempDir('diffbench-latest-');
    result(root, 'fast', 'fast', 5);
    const r = leaderboard(root);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain(
      `leaderboard: ${path.join(root, 'fast')}, the most recent results of zoo@${ZOO_VERSION} (fast settings)`,
    );
    expect(r.stdout).toMatch(/mean-diff/);
    expect(fs.existsSync(path.join(root, 'fast', `zoo@${ZOO_VERSION}.md`))).toBe(true);
  }, 60_000);

  it('with no results anywhere: exit 2 naming the folders it looked in', () => {
    const root = tempDir('diffbench-latest-');
    const r = leaderboard(root);
    expect(r.status).toBe(2);
    const folders = Object.keys(zoo.settings).map((s) => path.join(root, s));
    expect(folders).toHaveLength(2);
    expect(r.stderr).toContain(`no result files of zoo@${ZOO_VERSION} under ${folders.join(' or ')}:`);
  }, 60_000);
});
