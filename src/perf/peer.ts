// The PyTorch eager peer (src/perf/peer/qwen3_peer.py), run by the system interpreter in a child process.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../paths.ts';

/** Debian's python3-torch installs for the system interpreter, not necessarily the first python3 on PATH. */
const PEER_PYTHON = process.env.DIFFBENCH_PEER_PYTHON ?? '/usr/bin/python3';
const PEER_SCRIPT = path.join('src', 'perf', 'peer', 'qwen3_peer.py');

export interface PeerInfo {
  torch: string;
  threads: number;
  /** BLAS_INFO from torch.__config__.show(). */
  blas_info: string;
  /** Real paths of the BLAS libraries mapped into the peer process. */
  blas_libraries: string[];
  openblas: boolean;
}

export interface PeerResult extends PeerInfo {
  command: string;
  tokens_per_s?: number;
  seconds?: number[];
  rel_error?: number;
  tokens?: number[][];
  [key: string]: unknown;
}

/** The peer prints exactly one JSON object on its last stdout line; anything else is an error. */
export function parsePeerOutput(stdout: string): PeerResult {
  const lines = stdout
    .trim()
    .split('\n')
    .filter((l) => l.trim());
  const last = lines[lines.length - 1];
  if (!last) throw new Error('PyTorch peer printed nothing on stdout');
  let obj: unknown;
  try {
    obj = JSON.parse(last);
  } catch {
    throw new Error(`PyTorch peer: last stdout line is not JSON: ${last.slice(0, 200)}`);
  }
  if (!obj || typeof obj !== 'object' || Array.isArray(obj))
    throw new Error('PyTorch peer: output is not a JSON object');
  const r = obj as PeerResult;
  for (const [key, type] of [
    ['torch', 'string'],
    ['threads', 'number'],
    ['command', 'string'],
    ['openblas', 'boolean'],
  ] as const)
    if (typeof r[key] !== type)
      throw new Error(`PyTorch peer output: field '${key}' should be a ${type}, got ${JSON.stringify(r[key])}`);
  if (!Array.isArray(r.blas_libraries))
    throw new Error("PyTorch peer output: field 'blas_libraries' should be an array");
  if (r.tokens_per_s !== undefined && !(typeof r.tokens_per_s === 'number' && r.tokens_per_s > 0))
    throw new Error(`PyTorch peer output: tokens_per_s should be a positive number, got ${r.tokens_per_s}`);
  return r;
}

/**
 * The peer's thread setup. Debian's torch does not know its BLAS is OpenBLAS (BLAS_INFO=generic), so it
 * never sizes OpenBLAS's own pthread pool, and torch's OpenMP workers spin while OpenBLAS works: with 2
 * threads on 2 busy cores that measured 28x slower than 1 thread. Passive OpenMP waiting and an OpenBLAS
 * pool of the same size is the peer's best configuration (measured: 6,455 vs 159 tok/s, zoo 1x128).
 */
/**
 * glibc malloc settings for both stacks: large blocks (> 32 MiB: logits, MLP activations) are otherwise
 * mmap-ed and unmapped on every allocation, and on this VM the page faults of fresh memory run at ~0.3 GB/s
 * (a 134 MB logits array: 410 ms to allocate and fill vs 22 ms with these settings; torch on the 1.7B shapes
 * at 32x128: 400 vs 880 tok/s). Read at process start, so the perf CLI re-executes itself with them.
 */
export const MALLOC_ENV: Record<string, string> = { MALLOC_MMAP_MAX_: '0', MALLOC_TRIM_THRESHOLD_: '100000000000' };

export function peerEnv(threads: number): Record<string, string> {
  return {
    OMP_NUM_THREADS: String(threads),
    OMP_WAIT_POLICY: 'PASSIVE',
    OPENBLAS_NUM_THREADS: String(threads),
    ...MALLOC_ENV,
  };
}

export function runPeer(args: string[], threads: number, timeoutMs = 30 * 60_000): PeerResult {
  const res = spawnSync(PEER_PYTHON, [PEER_SCRIPT, ...args, '--threads', String(threads)], {
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 1 << 26,
    env: { ...process.env, ...peerEnv(threads) },
  });
  if (res.error) throw new Error(`PyTorch peer (${PEER_PYTHON}) could not run: ${res.error.message}`);
  if (res.status !== 0)
    throw new Error(
      `PyTorch peer ${args[0]} failed (exit ${res.status}): ${res.stderr.trim().split('\n').slice(-3).join(' | ')}`,
    );
  return parsePeerOutput(res.stdout);
}

/** PeerInfo when PyTorch is importable by the system interpreter, else the reason it is not. */
export function peerAvailable(threads: number): { ok: true; info: PeerInfo } | { ok: false; reason: string } {
  if (!fs.existsSync(PEER_PYTHON)) return { ok: false, reason: `${PEER_PYTHON} not found` };
  try {
    return { ok: true, info: runPeer(['info'], threads, 120_000) };
  } catch (e) {
    // the traceback names the checkout's absolute path: keep it out of figures files
    return { ok: false, reason: (e as Error).message.replaceAll(REPO_ROOT + path.sep, '') };
  }
}
