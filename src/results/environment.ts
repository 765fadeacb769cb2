// The environment a result was computed in (recorded in every result file).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { REPO_ROOT } from '../paths.ts';
import type { ResultFile } from './types.ts';

function readVersion(path: string): string | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')).version ?? null;
  } catch {
    return null;
  }
}

function gitCommit(): string | null {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .toString()
      .trim();
    return dirty ? `${commit}+dirty` : commit;
  } catch {
    return null;
  }
}

function onnxruntimeVersion(): string | null {
  try {
    const require = createRequire(import.meta.url);
    return readVersion(require.resolve('onnxruntime-node/package.json'));
  } catch {
    return null;
  }
}

let cached: Omit<ResultFile['environment'], 'threads' | 'executionProvider'> | undefined;

/** `device`: the runtime's LoadOptions.device, recorded as the ONNX Runtime execution provider. */
export function environment(
  threads: number | null = null,
  device: 'cpu' | 'webgpu' | 'cuda' = 'cpu',
): ResultFile['environment'] {
  cached ??= {
    diffbenchVersion: readVersion(join(REPO_ROOT, 'package.json')) ?? 'unknown',
    gitCommit: gitCommit(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    onnxruntimeVersion: onnxruntimeVersion(),
    // The harness loads float32 weights (bf16 checkpoints are upcast on load).
    dtype: 'float32',
  };
  return { ...cached, executionProvider: device, threads };
}
