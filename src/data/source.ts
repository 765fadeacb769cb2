// Where a dataset's files are: a local file, a local folder, or a Hub dataset repo (downloaded once).
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { listFolder } from '../hub/cache.ts';
import { HubError } from '../hub/errors.ts';
import { resolveModel, type DownloadProgress } from '../hub/resolve.ts';
import { DATA_FILE } from './records.ts';

export interface DataSource {
  /** A .jsonl/.jsonl.gz/.json/.parquet file, a folder of them, or a Hub dataset id. */
  source: string;
  /** Keep only files of this split when the file names say which split they hold (train-0000.parquet, train.jsonl, train/...). */
  split?: string;
  revision?: string;
  onProgress?: (p: DownloadProgress) => void;
}

export interface DataFiles {
  files: string[];
  repoId?: string;
  commit?: string;
}

const EXTENSIONS = ['parquet', 'jsonl', 'jsonl.gz', 'json'];

function splitPattern(split: string): RegExp {
  const escaped = split.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|/)${escaped}([-._/]|$)`);
}

/** Files of the split if any file names one, else all files. */
export function filesOfSplit(files: string[], split: string | undefined): string[] {
  if (!split) return files;
  const pattern = splitPattern(split);
  const matching = files.filter((f) => pattern.test(f));
  return matching.length > 0 ? matching : files;
}

export async function dataFiles(ds: DataSource): Promise<DataFiles> {
  const local = await stat(ds.source).catch(() => undefined);
  if (local?.isFile()) return { files: [resolve(ds.source)] };
  if (local?.isDirectory()) {
    const all = (await listFolder(ds.source)).filter((f) => DATA_FILE.test(f)).sort();
    if (all.length === 0) throw new Error(`${ds.source}: no .jsonl/.jsonl.gz/.json/.parquet files`);
    return { files: filesOfSplit(all, ds.split).map((f) => resolve(ds.source, f)) };
  }
  const opts = { kind: 'dataset' as const, revision: ds.revision, onProgress: ds.onProgress };
  let resolved: Awaited<ReturnType<typeof resolveModel>>;
  try {
    // Fetch only the split's files when the repo names them so.
    const patterns = ds.split
      ? EXTENSIONS.flatMap((e) => [`**/${ds.split}-*.${e}`, `**/${ds.split}.${e}`, `**/${ds.split}/*.${e}`])
      : undefined;
    resolved = await resolveModel(ds.source, { ...opts, files: patterns });
  } catch (err) {
    if (!(err instanceof HubError && err.kind === 'not-found' && ds.split)) throw err;
    resolved = await resolveModel(ds.source, opts);
  }
  const all = (await listFolder(resolved.path)).filter((f) => DATA_FILE.test(f)).sort();
  return {
    files: filesOfSplit(all, ds.split).map((f) => join(resolved.path, f)),
    repoId: resolved.repoId,
    commit: resolved.commit,
  };
}
