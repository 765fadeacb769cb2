// Content-keyed cache of built graphs and converted weights. The key of a model is the sha256 of its
// files (memoised by path, size and mtime so large checkpoints are hashed once), plus the runtime's
// graph format version, so editing a checkpoint or upgrading the graph builder never reuses stale files.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Bump when the weight layout or graph structure changes. */
export const GRAPH_FORMAT_VERSION = 14; // 14: LoRA tensors outside target_modules are no longer applied

export function defaultCacheDir(): string {
  return process.env.DIFFBENCH_CACHE ?? path.join(os.homedir(), '.cache', 'diffbench');
}

function hashFile(file: string, memoFile: string): string {
  const real = fs.realpathSync(file);
  const st = fs.statSync(real);
  const key = `${real}|${st.size}|${st.mtimeMs}`;
  let memo: Record<string, string> = {};
  try {
    memo = JSON.parse(fs.readFileSync(memoFile, 'utf8'));
  } catch { /* first use */ }
  if (memo[key]) return memo[key];
  const h = crypto.createHash('sha256');
  const fd = fs.openSync(real, 'r');
  const buf = Buffer.alloc(1 << 24);
  try {
    for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0; ) h.update(buf.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  const digest = h.digest('hex');
  memo[key] = digest;
  writeFileAtomic(memoFile, JSON.stringify(memo));
  return digest;
}

/** sha256 over the named files' contents (order-independent of paths, dependent on names and bytes). */
export function contentHash(files: string[], cacheDir: string): string {
  fs.mkdirSync(cacheDir, { recursive: true });
  const memo = path.join(cacheDir, 'file-hashes.json');
  const h = crypto.createHash('sha256');
  h.update(`diffbench-graph-v${GRAPH_FORMAT_VERSION}\n`);
  for (const f of files) h.update(`${path.basename(f)}:${hashFile(f, memo)}\n`);
  return h.digest('hex');
}

export function sha256(text: string): string {
  return crypto.createHash('sha256').update(text).digest('hex');
}

export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}
