// The leaderboard is written only by DiffBench (issue 23, item 8): a <suite>@<version>.md or .html whose
// content DiffBench did not write (a method that wrote a fake one into the results folder) is removed when
// bench ends, whatever its outcome, and does not count as the most recent leaderboard.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  recordLeaderboardFiles,
  removeForeignLeaderboards,
  writtenByDiffBench,
} from '../../src/cli/leaderboard-files.ts';
import { loadSuite } from '../../src/harness/suite.ts';
import { MALLOC_ENV } from '../../src/perf/peer.ts';
import { tempDir, testCacheDir } from '../helpers.ts';

const suite = { id: 'zoo', version: loadSuite('zoo').version };
const board = `${suite.id}@${suite.version}`;

describe('leaderboard files', () => {
  it('only the content DiffBench recorded counts as its leaderboard; anything else is removed', () => {
    const dir = tempDir('db-board-');
    const md = path.join(dir, `${board}.md`);
    const html = path.join(dir, `${board}.html`);
    fs.writeFileSync(md, `# Leaderboard ${board}\n`);
    fs.writeFileSync(html, '<html></html>');
    recordLeaderboardFiles([md, html]);
    expect(writtenByDiffBench(md)).toBe(true);
    expect(removeForeignLeaderboards(suite, [dir])).toEqual([]);

    fs.writeFileSync(md, `# Leaderboard ${board}\n\n1. fake\n`); // rewritten by someone else
    fs.rmSync(html);
    fs.symlinkSync(md, html); // a link is never DiffBench's
    expect(writtenByDiffBench(md)).toBe(false);
    expect(removeForeignLeaderboards(suite, [dir]).sort()).toEqual([html, md].sort());
    expect(fs.readdirSync(dir).filter((f) => f.startsWith(board))).toEqual([]);
  });

  it('bench removes a fake leaderboard a failing method wrote into the results folder', async () => {
    expect(loadSuite('zoo').version).toBe(suite.version);
    const results = tempDir('db-board-results-');
    const args = ['--method', path.join('test', 'cli', 'fixtures', 'hostile-method.ts'), '--organisms', 'zoo/control'];
    args.push('--settings', 'fast', '--no-baselines', '--results', results, '--seed', `board-${Date.now()}`);
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', path.join('src', 'cli', 'bench.ts'), ...args], {
        env: {
          ...process.env,
          ...MALLOC_ENV,
          DIFFBENCH_CACHE: testCacheDir(),
          HOSTILE_zoo_control: 'fake-leaderboard',
        },
      });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      child.on('exit', (code) => resolve({ code, stderr }));
    });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/after writing a fake leaderboard/);
    const fake = `zoo@${suite.version}.md`;
    expect(r.stderr).toContain(`: a leaderboard file DiffBench did not write`);
    expect(r.stderr).toContain(`bench: removed ${path.join(results, fake)}`);
    expect(fs.existsSync(path.join(results, fake))).toBe(false);
  }, 120_000);
});
