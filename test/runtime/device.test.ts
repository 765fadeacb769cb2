// Device selection (LoadOptions.device, --device): a bad name and an unavailable provider fail at load with
// an error that says how to get it, and the CLIs exit 2 on it. Runs on any machine: the CUDA cases need the
// CUDA binaries to be absent (the default install, .npmrc ignore-scripts) and are skipped where they are present.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DeviceUnavailableError, parseDevice } from '../../src/runtime/device.ts';
import { loadModel } from '../../src/runtime/index.ts';
import { environment } from '../../src/results/environment.ts';
import { testCacheDir, ZOO_BASE } from '../helpers.ts';

const ortDir = path.dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json'));
const cudaInstalled = fs.existsSync(
  path.join(ortDir, 'bin', 'napi-v6', process.platform, process.arch, 'libonnxruntime_providers_cuda.so'),
);

describe('device selection', () => {
  it('parses the three devices and rejects others, naming the flag', () => {
    expect(parseDevice(undefined)).toBe('cpu');
    for (const d of ['cpu', 'webgpu', 'cuda']) expect(parseDevice(d)).toBe(d);
    expect(() => parseDevice('gpu')).toThrow("--device: expected one of cpu, webgpu, cuda, got 'gpu'");
    expect(() => parseDevice('CUDA', 'LoadOptions.device')).toThrow(/^LoadOptions\.device: /);
  });

  it("records the device as the result file's execution provider", () => {
    expect(environment(2, 'webgpu')).toMatchObject({ executionProvider: 'webgpu', threads: 2 });
    expect(environment().executionProvider).toBe('cpu');
  });

  it.skipIf(cudaInstalled)('cuda without its binaries: loadModel rejects with how to install them', async () => {
    const err = await loadModel(ZOO_BASE, { cacheDir: testCacheDir(), device: 'cuda' }).then(
      () => null,
      (e: Error) => e,
    );
    expect(err).toBeInstanceOf(DeviceUnavailableError);
    expect(err!.message).toMatch(
      /^device 'cuda' is not available: .*libonnxruntime_providers_cuda\.so is not installed/,
    );
    expect(err!.message).toContain(
      'ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node --ignore-scripts=false',
    );
  });

  it.skipIf(cudaInstalled)('cuda without its binaries: the conformance CLI exits 2 before running any case', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/conformance.ts', '--device', 'cuda'], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("device 'cuda' is not available");
    expect(r.stdout).not.toContain('cases,'); // no case ran
  });

  // VK_ICD_FILENAMES pointing nowhere hides every Vulkan driver (lavapipe or a GPU's) from this child process
  it.skipIf(process.platform !== 'linux')('webgpu without an adapter: the CLI exits 2 and says how to get one', () => {
    const env = { ...process.env, VK_ICD_FILENAMES: '/nonexistent/icd.json', VK_DRIVER_FILES: '/nonexistent/icd.json' };
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/conformance.ts', '--device', 'webgpu'], {
      encoding: 'utf8',
      env,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("device 'webgpu' is not available: Failed to get a WebGPU adapter");
    expect(r.stderr).toContain('mesa-vulkan-drivers');
  });

  it('an unknown device fails at load, before any file is written', async () => {
    const cacheDir = fs.mkdtempSync(path.join(testCacheDir(), 'device-'));
    await expect(loadModel(ZOO_BASE, { cacheDir, device: 'tpu' as 'cpu' })).rejects.toThrow(
      "LoadOptions.device: expected one of cpu, webgpu, cuda, got 'tpu'",
    );
    expect(fs.readdirSync(cacheDir)).toEqual([]);
  });
});
