// The Hugging Face cache layout shared with Python: <cache>/<type>s--org--name/{blobs,snapshots,refs}.
import { mkdir, readFile, readdir, rename, writeFile } from 'node:fs/promises';
import { join, dirname } from 'node:path';

export const COMMIT_HASH = /^[0-9a-f]{40}$/;

export function repoFolder(cacheDir: string, type: 'model' | 'dataset', repoId: string): string {
  return join(cacheDir, [`${type}s`, ...repoId.split('/')].join('--'));
}

export async function readRef(storage: string, revision: string): Promise<string | undefined> {
  try {
    const commit = (await readFile(join(storage, 'refs', revision), 'utf8')).trim();
    return COMMIT_HASH.test(commit) ? commit : undefined;
  } catch {
    return undefined;
  }
}

/** Written only after every needed file is in place, so a ref always points at a usable snapshot. */
export async function writeRef(storage: string, revision: string, commit: string): Promise<void> {
  const path = join(storage, 'refs', revision);
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, commit);
  await rename(tmp, path);
}

/** Files under a folder, as paths relative to it ('/'-separated); [] when it does not exist. */
export async function listFolder(folder: string): Promise<string[]> {
  try {
    const entries = await readdir(folder, { recursive: true, withFileTypes: true });
    return entries
      .filter((e) => e.isFile() || e.isSymbolicLink())
      .map((e) =>
        join(e.parentPath, e.name)
          .slice(folder.length + 1)
          .split('\\')
          .join('/'),
      );
  } catch {
    return [];
  }
}

/** Shard file names from model.safetensors.index.json, if the folder has one. */
export async function readShardIndex(folder: string): Promise<string[] | undefined> {
  try {
    const index = JSON.parse(await readFile(join(folder, 'model.safetensors.index.json'), 'utf8'));
    return [...new Set(Object.values(index.weight_map as Record<string, string>))];
  } catch {
    return undefined;
  }
}
