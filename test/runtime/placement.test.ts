// Which execution provider ran a model's nodes (src/runtime/placement.ts): read from ONNX Runtime's profile
// of each session's first run, summed per process, printed in the commands' summary lines.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/runtime/index.ts';
import { describePlacement, placementOfProfile, providersUsed } from '../../src/runtime/placement.ts';
import { tempDir, testCacheDir, ZOO_BASE } from '../helpers.ts';

describe('placementOfProfile', () => {
  it('counts kernel runs per provider and ignores fences and session events', () => {
    const node = (name: string, provider: string) => ({ cat: 'Node', name, args: { provider, op_name: 'X' } });
    const profile = [
      { cat: 'Session', name: 'model_run', args: {} },
      node('a_fence_before', 'WebGpuExecutionProvider'),
      node('a_kernel_time', 'WebGpuExecutionProvider'),
      node('b_kernel_time', 'WebGpuExecutionProvider'),
      node('c_kernel_time', 'CPUExecutionProvider'),
    ];
    const placement = placementOfProfile(profile);
    expect(placement).toEqual({ WebGpuExecutionProvider: 2, CPUExecutionProvider: 1 });
    expect(describePlacement('webgpu', placement)).toBe(
      'webgpu: WebGpuExecutionProvider 2 nodes, CPUExecutionProvider 1 nodes',
    );
    expect(describePlacement('cpu', { CPUExecutionProvider: 5 })).toBe('cpu: CPUExecutionProvider ran all 5 nodes');
    expect(describePlacement('cpu', {})).toBe('cpu (no model ran)');
    expect(() => placementOfProfile({})).toThrow(/JSON array/);
  });
});

describe('a model session reports where it ran', () => {
  it('the zoo model on the CPU: every node of its first run on CPUExecutionProvider, once per session', async () => {
    const before = providersUsed();
    const cacheDir = testCacheDir();
    // the sessions' profiles go to a temporary folder of their own: watch it
    const tmp = tempDir('diffbench-placement-test-');
    const previousTmp = process.env.TMPDIR;
    process.env.TMPDIR = tmp;
    const model = await loadModel(ZOO_BASE, { cacheDir, threads: 1 }).finally(() => {
      if (previousTmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previousTmp;
    });
    const profileDirs = () => fs.readdirSync(tmp).filter((f) => f.startsWith('diffbench-placement-'));
    expect(profileDirs()).toHaveLength(1); // the decoder session's
    await model.forward({ inputIds: [[1, 2, 3]], logits: 'last' });
    const afterFirst = providersUsed();
    expect(Object.keys(afterFirst)).toEqual(['CPUExecutionProvider']);
    const nodes = afterFirst.CPUExecutionProvider - (before.CPUExecutionProvider ?? 0);
    // a 6-layer decoder runs at least ten kernels per layer
    expect(nodes).toBeGreaterThan(6 * 10);
    await model.forward({ inputIds: [[4, 5]], logits: 'last' });
    expect(providersUsed()).toEqual(afterFirst); // the profile covered the first run only
    await model.dispose();
    expect(profileDirs()).toEqual([]); // removed once the profile was read
  }, 120_000);
});

describe('the summary line says what ran', () => {
  it('npm run conformance -- --case qwen3: the device and the provider that ran every node', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/conformance.ts', '--case', 'qwen3'], {
      encoding: 'utf8',
      env: { ...process.env, DIFFBENCH_CACHE: testCacheDir() },
    });
    expect(r.status, r.stderr).toBe(0);
    const summary = r.stdout.trimEnd().split('\n').at(-1);
    expect(summary).toMatch(/^1 cases, \d+ checks: .*; ran on cpu: CPUExecutionProvider ran all \d+ nodes$/);
  }, 120_000);
});
