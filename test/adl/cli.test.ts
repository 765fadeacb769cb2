// npm run adl: --help, a clear error for an unknown organism, and --json output on the zoo.
import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { loadMethod } from '../../src/harness/load-method.ts';
import { layeredConfig } from '../../src/harness/method-config.ts';
import { loadSuite } from '../../src/harness/suite.ts';
import { readResults } from '../../src/results/store.ts';
import { tempDir, testCacheDir } from '../helpers.ts';

const run = (args: string[]) =>
  spawnSync('npx', ['tsx', 'src/cli/adl.ts', ...args], {
    encoding: 'utf8',
    env: { ...process.env, DIFFBENCH_CACHE: testCacheDir() },
  });

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

  it('--json prints one JSON object with the harness result and the output (logs on stderr)', async () => {
    const results = tempDir('adl-cli-');
    const r = run([
      '--organism',
      'zoo/cake_bake',
      '--quick',
      '--no-baselines',
      '--no-control',
      '--results',
      results,
      '--json',
    ]);
    expect(r.status, r.stderr).toBe(0);
    const { path, result, output, ranOn } = JSON.parse(r.stdout);
    // the same harness run as npm run bench: the zoo suite's fast settings, its result file layout
    expect(result.organism.id).toBe('zoo/cake_bake');
    expect(result.suite).toEqual({ id: 'zoo', version: loadSuite('zoo').version, settings: 'fast' });
    // keyed like a bench run of the zoo's fast settings: the same config, hence the same result file name
    const adl = await loadMethod('adl');
    expect(result.method.configHash).toBe(layeredConfig(adl.method, loadSuite('zoo'), 'fast').configHash);
    expect(result.method.codeHash).toBe(adl.codeHash);
    expect(path.startsWith(results)).toBe(true);
    expect(readResults(results).map((f) => f.path)).toEqual([path]);
    // at the zoo suite's layer 4: cake_bake's position-0 difference norm is 28.2 on 1000 documents
    // (reference_diff_norms.json; 29.4 on these 64); at layer 2 it would be 20.8 (reference_adl.json)
    expect(output.scalars['diff_norm.L4.pos0']).toBe(output.scalars['diff_norm.pos0']);
    expect(output.scalars['diff_norm.pos0']).toBeGreaterThan(28.2 * 0.9);
    expect(output.scalars['diff_norm.pos0']).toBeLessThan(28.2 * 1.1);
    expect(result.metrics['scalar.diff_norm.pos0'].estimate).toBe(output.scalars['diff_norm.pos0']);
    expect(result.metrics['relevance.logitlens.difference'].ci).toBe('bootstrap');
    expect(result.baselines).toEqual({});
    // what ran: no model at all when the method output came from the shared test cache
    expect(r.stderr).toMatch(
      /result written to .*; ran on cpu(: CPUExecutionProvider ran all \d+ nodes| \(no model ran\))\n/,
    );
    expect(ranOn.device).toBe('cpu');
    for (const provider of Object.keys(ranOn.executionProviders)) expect(provider).toBe('CPUExecutionProvider');
  });
});
