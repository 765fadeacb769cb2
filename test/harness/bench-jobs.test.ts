// npm run bench -- --jobs N runs organisms in worker processes with one ONNX Runtime thread each: the
// result files must hold the same metrics as a one-process run with ONNX Runtime's default threads,
// and --profile must report the workers' steps. Fixture suite 'mini' (two zoo organisms, tiny settings).
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers.ts';

const exec = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const TSX = join(ROOT, 'node_modules/tsx/dist/cli.mjs');

async function bench(args: string[], cache: string): Promise<string> {
  const env = {
    ...process.env,
    DIFFBENCH_BENCHMARK_DIR: join(ROOT, 'test/harness/fixtures/bench'),
    DIFFBENCH_CACHE: cache,
    DIFFBENCH_QUIET: '1',
  };
  const common = [
    '--suite',
    'mini',
    '--method',
    './src/methods/mean-diff/index.ts',
    '--settings',
    'fast',
    '--no-baselines',
    '--profile',
  ];
  const { stdout, stderr } = await exec(process.execPath, [TSX, 'src/cli/bench.ts', ...common, ...args], {
    cwd: ROOT,
    env,
    maxBuffer: 1 << 24,
  });
  return stdout + stderr;
}

function resultFiles(dir: string): Map<string, { metrics: unknown; baselines: unknown }> {
  const out = new Map<string, { metrics: unknown; baselines: unknown }>();
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (/^zoo__.*\.json$/.test(f)) {
        const r = JSON.parse(readFileSync(p, 'utf8'));
        out.set(relative(dir, p), { metrics: r.metrics, baselines: r.baselines });
      }
    }
  };
  walk(dir);
  return out;
}

describe('bench --jobs', () => {
  it('two worker processes give the same result files as one process, and a profile of both', async () => {
    const one = tempDir('bench-jobs1-'),
      two = tempDir('bench-jobs2-');
    await bench(['--jobs', '1', '--results', one], tempDir('bench-jobs-cache1-'));
    const out = await bench(['--jobs', '2', '--results', two], tempDir('bench-jobs-cache2-'));
    const a = resultFiles(one),
      b = resultFiles(two);
    expect([...a.keys()].sort()).toHaveLength(2);
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [file, r] of a) expect(b.get(file), file).toEqual(r);
    expect(out).toMatch(/profile \(2 organism\(s\), fast settings, 2 worker processes/);
    // both organisms' method steps are in the summed profile (the null organism's output is computed once)
    expect(out).toMatch(/^method\s+2\s/m);
    expect(out).toMatch(/^total\s+[\d.]+\s+[\d.]+$/m);
    // the models ran in the workers: the parent's summary line counts their nodes
    expect(out).toMatch(/^summary: .*; ran on cpu: CPUExecutionProvider ran all \d+ nodes$/m);
  }, 600_000); // two bench runs: ~30 s on a quiet 2-core machine, minutes on a loaded one
});
