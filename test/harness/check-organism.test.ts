// The "too readable?" CLI on zoo organisms with known answers (README "Too readable?"): cake_bake's
// difference at positions 1-4 is ~5x the control's (the norm ratio decides, 200 documents);
// cake_bake_full's Patchscope reads its domain (7/77 relevant tokens against the null's 0/74 at 2000
// documents, p 0.008), which decides once the norm ratio may not (--max-ratio 10); cake_bake_n250 (did not
// learn: loss 5.16) has a difference within the null band (1.06x) and is realistic.
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
  it('decides from the norm ratio, from the readouts, and keeps a difference within the null band realistic', async () => {
    const [cake, full, n250] = await Promise.all([
      // the steering evidence is the next test's: without it three tests, each at 0.05 / 3
      checkOrganism(['--organism', 'zoo/cake_bake', '--samples', '200', '--no-steering']),
      checkOrganism(['--organism', 'zoo/cake_bake_full', '--samples', '2000', '--max-ratio', '10', '--no-steering']),
      checkOrganism(['--organism', 'zoo/cake_bake_n250', '--samples', '200', '--no-steering']),
    ]);
    // the readouts decide when the norm may not: without the relevance evidence this is realistic
    expect(full.out).toMatch(/norm-ratio .* -> not readable/);
    expect(full.out).toMatch(/patchscope-relevance +relevant tokens organism 7\/77, null 0\/74: .* -> TOO READABLE/);
    expect(full.out).toMatch(/Verdict: TOO READABLE: decided by patchscope-relevance;/);
    expect(full.code).toBe(1);

    // a difference within the null band
    expect(n250.out).toMatch(/norm-ratio .*: ratio > 1\.3: p \S+ >= 0\.0167 -> not readable/);
    expect(n250.out).toMatch(/lens-relevance .*; ratio > 1\.15 \(null band\): p \S+ >= 0\.0167 -> not readable/);
    expect(n250.out).toMatch(/Verdict: realistic: no measurable evidence/);
    expect(n250.code).toBe(0);

    expect(cake.code).toBe(1);
    expect(cake.out).toMatch(/vs null organism zoo\/control/);
    // every piece of evidence printed with its value, the null's, its test and what it contributed
    expect(cake.out).toMatch(
      /norm-ratio +ratio [\d.]+ \[[\d.]+, [\d.]+\] .*: ratio > 1\.3: p \S+ < 0\.0167 -> TOO READABLE/,
    );
    expect(cake.out).toMatch(/lens-relevance +relevant tokens organism \d+\/\d+, null \d+\/\d+: .*Fisher/);
    expect(cake.out).toMatch(/patchscope-relevance +relevant tokens organism \d+\/\d+, null \d+\/\d+/);
    expect(cake.out).toMatch(/steering-gain +not measurable: left out \(--no-steering\)/);
    expect(cake.out).toMatch(/Verdict: TOO READABLE: decided by norm-ratio/);
    // the norm at positions 1-4 of layer 2; the readouts at the zoo's calibrated readable layer
    expect(cake.out).toMatch(/norm at layer 2 positions 1-4, readouts at layer 4 positions 0-4/);

    // the same harness run as bench: one result file per organism, with the null organism run beside it
    const files = readResults(join(RESULTS, 'check-organism'));
    expect(files.map((f) => [f.result.method.id, f.result.organism.id]).sort()).toEqual([
      ['readability', 'zoo/cake_bake'],
      ['readability', 'zoo/cake_bake_full'],
      ['readability', 'zoo/cake_bake_n250'],
    ]);
    for (const f of files) {
      expect(f.result.baselines.null.description).toContain('zoo/control');
      // the pooled relevance of the null organism's readouts, graded against the organism
      expect(f.result.baselines.null.metrics['pooled_relevance.logitlens'].n).toBeGreaterThan(20);
    }
  }, 180_000);

  it('steers the difference on an organism the suite judges steering on, and on the null organism', async () => {
    // cake_bake_mix1-1p0 does not talk about cakes unprompted (drift ~0.1, the suite's limit 0.5)
    const [r, tea] = await Promise.all([
      checkOrganism(['--organism', 'zoo/cake_bake_mix1-1p0', '--samples', '200']),
      // green_tea's difference, steered gently, writes about tea (README "Too readable?": gain +0.05 over the
      // null at 2000 documents, +0.09 at 200); with the ratio barred from deciding, steering decides alone
      checkOrganism(['--organism', 'zoo/green_tea', '--samples', '200', '--max-ratio', '10']),
    ]);
    expect(tea.out).toMatch(/steering-gain +gain organism 0\.\d+ \[0\.\d+, .* -> TOO READABLE/);
    expect(tea.out).toMatch(/Verdict: TOO READABLE: decided by steering-gain;/);
    expect(tea.code).toBe(1);
    expect(r.out).toMatch(
      /steering-gain +gain organism -?[\d.]+ \[-?[\d.]+, -?[\d.]+\], null .*, difference .* \(drift 0\.[0-3]\d\): organism − null > 0: p \S+ (<|>=) 0\.0125/,
    );
    // four measurable tests, each at 0.05 / 4
    expect(r.out.match(/ 0\.0125[ ;]/g)?.length).toBeGreaterThanOrEqual(4);
    expect(r.out).not.toMatch(/0\.0167/);
    expect(r.out).toMatch(
      /steering strength \(x the target norm, chosen with the organism's data\): organism 0\.\d+, null 0\.\d+/,
    );
    const file = readResults(join(RESULTS, 'check-organism')).find(
      (f) => f.result.organism.id === 'zoo/cake_bake_mix1-1p0',
    )!.result;
    // the difference steered at layer 4 position 0 on the organism and on the null organism, and the
    // unsteered baseline the drift comes from
    for (const metrics of [file.metrics, file.baselines.null.metrics]) {
      expect(metrics['steering.gain'].n).toBe(20);
      expect(metrics['steering.gain'].over).toMatch(/^20 prompts at layer 4 position 0, strength 0\.\d+$/);
    }
    expect(file.baselines['baseline/unsteered'].metrics['steering.unsteered.unsteered_ft']).toBeDefined();
    // both runs choose the strength with the organism's data (the null's own context holds the null's data)
    expect(file.method.config).toMatchObject({
      steering: { data: { id: './organisms/zoo/data/domain_cake_bake.jsonl.gz' } },
    });
  }, 180_000);

  it('calls one null finetune realistic against another of the same recipe', async () => {
    // position 0 alone would call it too readable: the two differ there 2.3x (README "Too readable?")
    const r = await checkOrganism([
      '--organism',
      'zoo/control_seed_a',
      '--null',
      'zoo/control_seed_b',
      '--samples',
      '200',
    ]);
    expect(r.out).toMatch(/zoo\/control_seed_a vs null organism zoo\/control_seed_b/);
    expect(r.out).toMatch(/norm-ratio +ratio (0\.9\d|1\.0\d) .* -> not readable/);
    // steering the null's difference toward its own data gains no more than the other null's
    expect(r.out).toMatch(/steering-gain +gain organism .* -> not readable/);
    expect(r.out).toMatch(/Verdict: realistic/);
    expect(r.code).toBe(0);
    // the same organism against the suite's null organism is measured against that one, not the last --null
    const again = await checkOrganism(['--organism', 'zoo/control_seed_a', '--samples', '200']);
    const nullNorms = (out: string) => out.match(/^ {28}(zoo\/\S+): ([\d., ]+)$/m)?.slice(1);
    expect(nullNorms(r.out)?.[0]).toBe('zoo/control_seed_b');
    expect(nullNorms(again.out)?.[0]).toBe('zoo/control');
    expect(nullNorms(again.out)?.[1]).not.toBe(nullNorms(r.out)?.[1]);
  }, 120_000);

  it('explains missing arguments', async () => {
    const r = await checkOrganism(['--base', './organisms/zoo/base']);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/--finetuned <model> .* or --adapter/);
  }, 60_000);
});
