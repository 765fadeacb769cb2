// reports/perf/latest.json keeps every workload section's most recent figures: a partial run (npm run perf --
// --only decode) replaces the sections it measured and keeps the others, each stamped with the run that
// measured it; the ratios are derived from the sections. No workload runs here: the runs are the committed
// reports and hand-made ones.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BenchReport } from '../../src/perf/bench.ts';
import { datedFileName, mergeLatest, ratiosOf, readLatest, writeLatest } from '../../src/perf/latest.ts';
import { tempDir } from '../helpers.ts';

const REPORTS = path.join('reports', 'perf');
const committed = (name: string) => JSON.parse(fs.readFileSync(path.join(REPORTS, name), 'utf8'));

/** A run of one group as runBenchmark returns it: its own machine description and its sections only. */
function partialRun(date: string, sections: Record<string, unknown>): BenchReport {
  const run = {
    machine: { cpu: 'a test CPU', cpus: 2, threads: 2, date },
    peer: { available: false, reason: 'disabled (--no-peer)' },
    method: 'best of 1 runs after one warm-up, both stacks; 2 threads',
    load: { graph: 'fused', precision: 'fp32' },
    ...sections,
    ratios: {},
  };
  return { ...run, ratios: ratiosOf(run) };
}

const KL = { vocab: 2048, rows: 4, js_ms_per_token: 2, ort_ms_per_token: 0.5, ort_speedup: 4, max_abs_error: 1e-6 };

describe('ratiosOf', () => {
  it('derives the ratios every committed report recorded, from its sections', () => {
    const files = fs.readdirSync(REPORTS).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) {
      const report = committed(f);
      expect(ratiosOf(report), f).toEqual(report.ratios);
    }
  });
});

describe('latest.json after a partial run', () => {
  it('replaces the sections the run measured and keeps the others with the run that measured them', () => {
    const out = tempDir('perf-latest-');
    const latest = path.join(out, 'latest.json');
    fs.copyFileSync(path.join(REPORTS, 'latest.json'), latest);
    const full = committed('latest.json');
    const decodeRun = committed('perf-2026-11-26T10-40-40-102Z.json'); // a real --only decode run
    const run = partialRun('2026-12-07T06:00:00.000Z', { decode: decodeRun.decode });

    const said = writeLatest(latest, run);
    const merged = JSON.parse(fs.readFileSync(latest, 'utf8'));
    expect(merged.decode).toEqual(decodeRun.decode);
    for (const kept of ['prefill', 'graph_variants', 'adl', 'precision_deviation', 'memory'])
      expect(merged[kept], kept).toEqual(full[kept]);
    // each section names its run: the partial one, or the full run the old file came from (its dated copy)
    expect(merged.measured.decode).toMatchObject({ file: 'perf-2026-12-07T06-00-00-000Z.json', machine: run.machine });
    expect(merged.measured.prefill.file).toBe(datedFileName(full));
    expect(fs.existsSync(path.join(REPORTS, merged.measured.prefill.file))).toBe(true);
    expect(merged.measured.memory.machine).toEqual(full.machine);
    expect(merged.measured.prefill.peer).toEqual(full.peer);
    // ratios follow their sections: decode's from the new run, the others as committed
    expect(merged.ratios.decode_b1_per_token_cache_vs_recompute_ratio).toBe(decodeRun.decode[0].per_token_speedup);
    expect(merged.ratios.decode_b1_per_token_cache_vs_recompute_ratio).not.toBe(
      full.ratios.decode_b1_per_token_cache_vs_recompute_ratio,
    );
    expect(merged.ratios.zoo_prefill_32x128_torch_ratio).toBe(full.ratios.zoo_prefill_32x128_torch_ratio);
    expect(merged.ratios.lora_memory_ratio).toBe(full.ratios.lora_memory_ratio);
    expect(merged.machine).toEqual(run.machine); // the top describes the latest run
    expect(said).toContain(`prefill, adl, precision_deviation, memory of ${full.machine.date}`);
    expect(said).not.toContain('decode');

    // a second partial run on top: the stamps written by the first are kept, not replaced by the file's top
    writeLatest(latest, partialRun('2026-12-07T06:30:00.000Z', { kl: KL }));
    const twice = readLatest(latest)!;
    expect(twice.kl).toEqual(KL);
    expect((twice.measured as Record<string, { file: string }>).decode.file).toBe('perf-2026-12-07T06-00-00-000Z.json');
    expect((twice.measured as Record<string, { file: string }>).kl.file).toBe('perf-2026-12-07T06-30-00-000Z.json');
    expect((twice.measured as Record<string, { file: string }>).adl.file).toBe(datedFileName(full));
    expect(twice.decode).toEqual(decodeRun.decode);
    expect((twice.ratios as Record<string, number>).kl_ort_vs_javascript_ratio).toBe(4);
  });

  it('a first run, with no latest.json yet, writes its own sections', () => {
    const run = partialRun('2026-12-07T06:00:00.000Z', { kl: KL });
    const merged = mergeLatest(undefined, run);
    expect(Object.keys(merged.measured as object)).toEqual(['kl']);
    expect(merged.ratios).toEqual({ kl_ort_vs_javascript_ratio: 4 });
  });
});

describe('a latest.json that is not a perf report', () => {
  it('is an input error naming the file', () => {
    const dir = tempDir('perf-latest-bad-');
    const file = path.join(dir, 'latest.json');
    fs.writeFileSync(file, '{"truncated": ');
    expect(() => readLatest(file)).toThrow(new RegExp(`${file}: not JSON`));
    fs.writeFileSync(file, '[1, 2]');
    expect(() => readLatest(file)).toThrow(/not a report of npm run perf \(expected an object with machine\.date\)/);
  });

  it('stops npm run perf with exit status 2 before it measures anything', () => {
    const dir = tempDir('perf-latest-cli-');
    fs.writeFileSync(path.join(dir, 'latest.json'), '{}');
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', path.join('src', 'cli', 'perf.ts'), '--only', 'kl', '--no-peer', '--out', dir],
      { encoding: 'utf8' },
    );
    expect(r.stderr).toContain(`${path.join(dir, 'latest.json')}: not a report of npm run perf`);
    expect(r.status).toBe(2);
    expect(fs.readdirSync(dir)).toEqual(['latest.json']);
  });
});
