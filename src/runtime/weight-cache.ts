// The converted weights of one model in the cache: weights.bin and its index weights.json, which records the
// file's size and sha256. Every load checks the size, and the checksum through the file-hash memo (a stat when
// the file is unchanged since it was last verified; a full read after anything touched it), so a weight file
// zeroed in place, truncated or overwritten is rebuilt instead of used.
import fs from 'node:fs';
import path from 'node:path';
import { fileHashMemo, hashFile, rememberFileHash, writeFileAtomic } from './cache.ts';
import { sweepStaleTemps } from './temp-files.ts';
import { writeWeights, type WeightIndex } from './weights.ts';

type Plan = Parameters<typeof writeWeights>[0];

/** weights.json */
interface StoredIndex {
  bytes: number;
  sha256: string;
  tensors: WeightIndex;
}

function parseIndex(indexFile: string): StoredIndex | string {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(indexFile, 'utf8'));
  } catch (e) {
    return `${indexFile}: not valid JSON (${(e as Error).message})`;
  }
  const idx = raw as Partial<StoredIndex>;
  const entriesOk =
    idx.tensors &&
    typeof idx.tensors === 'object' &&
    Object.keys(idx.tensors).length > 0 &&
    Object.values(idx.tensors).every(
      (e) => Number.isInteger(e?.offset) && Number.isInteger(e?.length) && Array.isArray(e?.dims),
    );
  if (
    !Number.isInteger(idx.bytes) ||
    typeof idx.sha256 !== 'string' ||
    !/^[0-9a-f]{64}$/.test(idx.sha256) ||
    !entriesOk
  )
    return `${indexFile}: not a weight index (expected {bytes, sha256, tensors: {name: {offset, length, dims}}})`;
  return idx as StoredIndex;
}

/** The reason the cached weights cannot be used, or their index. */
function verify(dir: string, cacheRoot: string): StoredIndex | string | null {
  const weightsFile = path.join(dir, 'weights.bin'),
    indexFile = path.join(dir, 'weights.json');
  if (!fs.existsSync(indexFile) || !fs.existsSync(weightsFile)) return null;
  const idx = parseIndex(indexFile);
  if (typeof idx === 'string') return idx;
  const size = fs.statSync(weightsFile).size;
  if (size !== idx.bytes)
    return `${weightsFile}: ${size} bytes, its index says ${idx.bytes} (truncated or overwritten)`;
  const digest = hashFile(weightsFile, fileHashMemo(cacheRoot));
  if (digest !== idx.sha256)
    return `${weightsFile}: checksum ${digest.slice(0, 16)}… does not match its index (${idx.sha256.slice(0, 16)}…): the file was changed or damaged`;
  return idx;
}

const swept = new Set<string>();

/**
 * The weight index of the model cached in `dir` (under `cacheRoot`), converting it with `plan()` when it is
 * missing or fails verification. The first call per cache root also sweeps temporary files left by dead processes.
 */
export async function cachedWeights(args: {
  dir: string;
  cacheRoot: string;
  plan: () => Plan;
  onProgress?: (done: number, total: number) => void;
  warn: (message: string) => void;
}): Promise<WeightIndex> {
  const { dir, cacheRoot, warn } = args;
  const models = path.dirname(dir);
  if (!swept.has(models)) {
    swept.add(models);
    sweepStaleTemps(models);
  }
  const found = verify(dir, cacheRoot);
  if (found && typeof found !== 'string') return found.tensors;
  if (typeof found === 'string') warn(`${found}; rebuilding the converted weights`);
  fs.mkdirSync(dir, { recursive: true });
  const weightsFile = path.join(dir, 'weights.bin');
  const started = Date.now();
  const written = await writeWeights(args.plan(), weightsFile, args.onProgress);
  rememberFileHash(weightsFile, written.sha256, fileHashMemo(cacheRoot), started);
  const stored: StoredIndex = { bytes: written.bytes, sha256: written.sha256, tensors: written.index };
  writeFileAtomic(path.join(dir, 'weights.json'), JSON.stringify(stored));
  return written.index;
}
