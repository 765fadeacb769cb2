// The "too readable?" CLI on zoo organisms with known answers: cake_bake's position-0 difference is
// 6.5x the control's (organisms/zoo/README.md); cake_bake_mix1-1p0 (1:1 pretraining text) reads as
// little as the control through the lens and the Patchscope and its norm ratio's CI reaches 1.8.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readResults } from '../../src/results/store.ts';

const ROOT = resolve(import.meta.dirname, '../..');
// result files of the harness runs check-organism makes (results/check-organism by default)
const RESULTS = mkdtempSync(join(tmpdir(), 'db-check-organism-'));

function checkOrganism(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/check-organism.ts', ...args],
      { cwd: ROOT, env: { ...process.env, DIFFBENCH_QUIET: '1', DIFFBENCH_RESULTS: RESULTS } },
      (err, stdout, stderr) =>
        done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
    );
  });
}

describe('check-organism', () => {
  it('calls cake_bake too readable (exit 1) and cake_bake_mix1-1p0 realistic (exit 0), with evidence', async () => {
    const [cake, mixed] = await Promise.all([
      checkOrganism(['--organism', 'zoo/cake_bake', '--samples', '64']),
      checkOrganism(['--organism', 'zoo/cake_bake_mix1-1p0', '--samples', '64']),
    ]);
    expect(cake.code).toBe(1);
    expect(cake.out).toMatch(/Verdict: TOO READABLE/);
    expect(cake.out).toMatch(/vs null organism zoo\/control/);
    // every piece of evidence printed with its value, the null's and what it contributed
    expect(cake.out).toMatch(/norm-ratio +ratio [\d.]+ \[[\d.]+, [\d.]+\]: CI lower [\d.]+ > 1\.8 -> TOO READABLE/);
    expect(cake.out).toMatch(/lens-relevance +organism .* null .* difference /);
    expect(cake.out).toMatch(/patchscope-relevance +organism .* null .* difference /);
    expect(cake.out).toMatch(/steering-gain +not measurable: /);
    expect(cake.out).toMatch(/Verdict: TOO READABLE: decided by norm-ratio/);
    // the readouts at the zoo's calibrated readable layer (benchmark/zoo/layer-calibration.json)
    expect(cake.out).toMatch(/norm at layer 2, readouts at layer 4/);
    expect(mixed.code).toBe(0);
    expect(mixed.out).toMatch(/Verdict: realistic: no measurable evidence/);
    expect(mixed.out).toMatch(/norm-ratio .* -> not readable/);
    // the same harness run as bench: one result file per organism, with the null organism run beside it
    const files = readResults(join(RESULTS, 'check-organism'));
    expect(files.map((f) => [f.result.method.id, f.result.organism.id]).sort()).toEqual([
      ['readability', 'zoo/cake_bake'],
      ['readability', 'zoo/cake_bake_mix1-1p0'],
    ]);
    for (const f of files) expect(f.result.baselines.null.description).toContain('zoo/control');
  }, 120_000);

  it('explains missing arguments', async () => {
    const r = await checkOrganism(['--base', './organisms/zoo/base']);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/--finetuned <model> .* or --adapter/);
  }, 60_000);
});
