// Content-keyed cache of built graphs and converted weights. A model's identity (ModelInfo.contentHash) is
// the sha256 of its files (memoised on device, inode, size, mtime and ctime so large checkpoints are hashed
// once) and MODEL_OUTPUT_VERSION; its cache files are keyed by that identity and by the code that writes them
// (src/runtime/code-keys.ts), so editing a checkpoint or the graph builder never reuses stale files, and
// editing the builder leaves the recorded identity alone.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../results/atomic.ts';
import { sha256 } from '../results/hash.ts';

/**
 * Part of every model's identity, and so of the result files, ADL artifacts and method outputs keyed by it:
 * bump it when a runtime change alters what a model computes, so results recorded before stop matching. A
 * change of the weight layout or graph structure alone needs no bump: the cache files are keyed by their code.
 */
const MODEL_OUTPUT_VERSION = 14; // 14: LoRA tensors outside target_modules are no longer applied

export { defaultCacheDir } from '../paths.ts';

/**
 * What identifies one version of a file without reading it: device, inode, size, mtime and ctime (ns).
 * ctime cannot be set by users, so a rewrite that restores mtime (cp -p, rsync -t, tar) still changes the key.
 */
function statKey(file: string): { key: string; ctimeMs: number } {
  const st = fs.statSync(file, { bigint: true });
  return {
    key: `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`,
    ctimeMs: Number(st.ctimeNs / 1_000_000n),
  };
}

/**
 * File timestamps come from a coarse clock (a few ms): a file changed within that tick before it was hashed
 * could change again with the same ctime, so such a hash is not memoised (git's "racily clean" rule).
 */
const RACY_MS = 50;

/** sha256 of a file's bytes, streamed in 16 MiB chunks. */
export function sha256File(file: string): string {
  const h = crypto.createHash('sha256');
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.alloc(1 << 24);
  try {
    for (let n: number; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0; ) h.update(buf.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return h.digest('hex');
}

/** One memo file per file version under <cache>/file-hashes/ (no shared JSON to race on). */
const memoPath = (memoDir: string, key: string) => path.join(memoDir, sha256(key).slice(0, 40));

/** Records the digest of a file whose bytes the caller just hashed (e.g. while writing it). */
export function rememberFileHash(file: string, digest: string, memoDir: string, hashedAt: number): void {
  const { key, ctimeMs } = statKey(fs.realpathSync(file));
  if (ctimeMs < hashedAt - RACY_MS) writeFileAtomic(memoPath(memoDir, key), digest);
}

/** sha256 of a file's bytes, memoised on its stat key (never on path, size and mtime alone). */
export function hashFile(file: string, memoDir: string): string {
  const real = fs.realpathSync(file);
  const { key } = statKey(real);
  const memo = memoPath(memoDir, key);
  try {
    const digest = fs.readFileSync(memo, 'utf8');
    if (/^[0-9a-f]{64}$/.test(digest)) return digest;
  } catch {
    /* not hashed yet */
  }
  const started = Date.now();
  const digest = sha256File(real);
  rememberFileHash(real, digest, memoDir, started);
  return digest;
}

/** Where hashFile keeps its memo under a cache root. */
export const fileHashMemo = (cacheDir: string) => path.join(cacheDir, 'file-hashes');

/**
 * A model's identity: sha256 over the named files' contents (order-independent of paths, dependent on names
 * and bytes) and MODEL_OUTPUT_VERSION.
 */
export function contentHash(files: string[], cacheDir: string): string {
  const memo = fileHashMemo(cacheDir);
  const h = crypto.createHash('sha256');
  // the prefix's wording is older than the split of identity and cache keys; rewording it would change every recorded hash
  h.update(`diffbench-graph-v${MODEL_OUTPUT_VERSION}\n`);
  for (const f of files) h.update(`${path.basename(f)}:${hashFile(f, memo)}\n`);
  return h.digest('hex');
}

export { sha256, writeFileAtomic };
