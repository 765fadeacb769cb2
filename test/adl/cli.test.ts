// npm run adl: --help, a clear error for an unknown organism, and --json output on the zoo.
import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { tempDir, testCacheDir } from '../helpers.ts';

const run = (args: string[]) =>
  spawnSync('npx', ['tsx', 'src/cli/adl.ts', ...args], { encoding: 'utf8', env: { ...process.env, DIFFBENCH_CACHE: testCacheDir() } });

describe('npm run adl', () => {
  it('--help explains the options', () => {
    const out = execFileSync('npx', ['tsx', 'src/cli/adl.ts', '--help'], { encoding: 'utf8' });
    expect(out).toMatch(/--organism <id>/);
    expect(out).toMatch(/--json/);
  });

  it('an unknown organism is named, with close ids', () => {
    const r = run(['--organism', 'zoo/cake_bak']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/zoo\/cake_bak/);
    expect(r.stderr).toMatch(/zoo\/cake_bake/);
  });

  it('--json prints one JSON object with outputs and metrics (logs on stderr)', () => {
    const r = run(['--organism', 'zoo/cake_bake', '--samples', '64', '--tokens', '8', '--quick', '--steer-positions', '0',
      '--no-baselines', '--no-control', '--results', tempDir('adl-cli-'), '--json']);
    expect(r.status, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.organism).toBe('zoo/cake_bake');
    const report = summary.reports[0];
    expect(report.adl.output.scalars['diff_norm.pos0']).toBeGreaterThan(10);
    expect(report.adl.metrics['steering.difference.steered_ft'].estimate).toBeGreaterThan(0);
    expect(report.adl.metrics['relevance.logitlens.difference'].ci).toBe('bootstrap');
    expect(r.stderr).toMatch(/report written to/);
  });
});
