// Local folder or Hub id -> local folder. The one place DiffBench turns a name into files on disk.
//
// Hub ids resolve cache-first: a revision whose ref and files are already in the cache (ours or
// Python's) is used without any request. Otherwise the commit is resolved, the needed files are
// downloaded into the standard layout, and refs/<revision> is written last.
import { stat } from 'node:fs/promises';
import { InputError } from '../errors.ts';
import { join, resolve as resolvePath } from 'node:path';
import { datasetInfo, listFiles, modelInfo } from '@huggingface/hub';
import { COMMIT_HASH, listFolder, readRef, readShardIndex, repoFolder, writeRef } from './cache.ts';
import { downloadToCache, stderrProgress, type DownloadProgress, type RemoteFile } from './download.ts';
import { explainHubError, HubError, isUnreachable } from './errors.ts';
import { timedFetch } from './timed-fetch.ts';
import { missingFromSnapshot, selectFiles, type RepoKind } from './select-files.ts';
import { hubSettings, type HubSettings } from './settings.ts';

export type { DownloadProgress } from './download.ts';
export type { RepoKind } from './select-files.ts';

export interface ResolveOptions {
  /** Branch, tag or commit (default 'main'). */
  revision?: string;
  kind?: RepoKind;
  /** Globs of the files to fetch instead of the kind's default choice. */
  files?: string[];
  onProgress?: (p: DownloadProgress) => void;
}

export interface Resolved {
  /** Absolute path of the folder. */
  path: string;
  /** Set for Hub ids (without any subfolder). */
  repoId?: string;
  /** The commit the files came from (Hub ids only). */
  commit?: string;
}

const HUB_ID = /^[A-Za-z0-9][\w.-]*\/[\w.-]+(\/[\w./-]+)?$/;
const PATH_LIKE = /^(\.{1,2}[\\/]|[\\/]|~|[A-Za-z]:[\\/])/;

async function isFolder(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** 'org/name' or 'org/name/sub/folder' (a folder inside the repo, as the toolkit's ids use). */
function parseHubId(id: string): { repoId: string; subfolder: string } {
  if (!HUB_ID.test(id) || id.split('/').includes('..')) {
    throw new InputError(`'${id}' is neither an existing local folder nor a Hub id of the form org/name[/subfolder]`);
  }
  const [org, name, ...rest] = id.split('/');
  return { repoId: `${org}/${name}`, subfolder: rest.join('/') };
}

export async function resolveModel(idOrPath: string, opts: ResolveOptions = {}): Promise<Resolved> {
  const kind = opts.kind ?? 'model';
  if (await isFolder(idOrPath)) {
    const path = resolvePath(idOrPath);
    if (kind !== 'dataset') selectFiles(await listFolder(path), kind, `local folder ${path}`, opts.files);
    return { path };
  }
  if (PATH_LIKE.test(idOrPath)) {
    const isFile = await stat(idOrPath).then(
      (st) => !st.isDirectory(),
      () => false,
    );
    throw new InputError(
      isFile ? `${idOrPath} is a file, not a ${kind} folder` : `local folder not found: ${idOrPath}`,
    );
  }

  const { repoId, subfolder } = parseHubId(idOrPath);
  const settings = hubSettings();
  const type = kind === 'dataset' ? 'dataset' : 'model';
  const revision = opts.revision ?? 'main';
  const storage = repoFolder(settings.cacheDir, type, repoId);
  const what = `${type} ${idOrPath}@${revision}`;

  const cached = await fromCache(storage, revision, subfolder, kind, opts.files);
  if (cached.commit && !cached.missing) {
    return { path: join(storage, 'snapshots', cached.commit, subfolder), repoId, commit: cached.commit };
  }
  const missingText = `not in the cache ${storage} (missing ${cached.missing})`;
  if (settings.offline) throw new HubError(`HF_HUB_OFFLINE is set and ${what} is ${missingText}`, 'offline');
  try {
    return await download({ type, kind, repoId, subfolder, revision, storage, settings, what, opts });
  } catch (err) {
    if (isUnreachable(err)) {
      throw new HubError(`the Hub at ${settings.endpoint} is unreachable and ${what} is ${missingText}`, 'offline');
    }
    throw explainHubError(err, what, settings.endpoint);
  }
}

async function fromCache(storage: string, revision: string, subfolder: string, kind: RepoKind, files?: string[]) {
  const commit = COMMIT_HASH.test(revision) ? revision : await readRef(storage, revision);
  if (!commit) return { commit, missing: `refs/${revision}` };
  const folder = join(storage, 'snapshots', commit, subfolder);
  const present = await listFolder(folder);
  const missing = missingFromSnapshot(
    present,
    kind,
    files,
    kind === 'model' ? await readShardIndex(folder) : undefined,
  );
  return { commit, missing: missing === null ? null : `${join('snapshots', commit, subfolder)}: ${missing}` };
}

async function download(a: {
  type: 'model' | 'dataset';
  kind: RepoKind;
  repoId: string;
  subfolder: string;
  revision: string;
  storage: string;
  settings: HubSettings;
  what: string;
  opts: ResolveOptions;
}): Promise<Resolved> {
  const { type, repoId, subfolder, revision, storage, settings } = a;
  const credentials = { hubUrl: settings.endpoint, accessToken: settings.token, fetch: timedFetch(settings) };
  const commit = COMMIT_HASH.test(revision) ? revision : await resolveCommit(type, repoId, revision, credentials);

  const prefix = subfolder ? `${subfolder}/` : '';
  const remote: RemoteFile[] = [];
  for await (const entry of listFiles({
    repo: { type, name: repoId },
    revision: commit,
    recursive: true,
    path: subfolder || undefined,
    ...credentials,
  })) {
    if (entry.type === 'file')
      remote.push({ path: entry.path, size: entry.size, oid: entry.oid ?? '', lfs: entry.lfs });
  }
  const relative = remote.map((f) => f.path.slice(prefix.length));
  const wanted = new Set(selectFiles(relative, a.kind, a.what, a.opts.files));
  const onProgress = a.opts.onProgress ?? stderrProgress();
  for (const file of remote) {
    if (!wanted.has(file.path.slice(prefix.length))) continue;
    await downloadToCache({ type, repoId, commit, file, storage, settings, onProgress });
  }
  if (!COMMIT_HASH.test(revision)) await writeRef(storage, revision, commit);
  return { path: join(storage, 'snapshots', commit, subfolder), repoId, commit };
}

async function resolveCommit(
  type: 'model' | 'dataset',
  repoId: string,
  revision: string,
  credentials: { hubUrl: string; accessToken?: string; fetch: typeof fetch },
): Promise<string> {
  const info = (
    type === 'model'
      ? await modelInfo({ name: repoId, revision, additionalFields: ['sha'], ...credentials })
      : await datasetInfo({ name: repoId, revision, additionalFields: ['sha'], ...credentials })
  ) as { sha?: string };
  if (!info.sha || !COMMIT_HASH.test(info.sha)) {
    throw new HubError(`the Hub returned no commit for ${type} ${repoId}@${revision}`, 'other');
  }
  return info.sha;
}

/** The cached folder for an id, without any request; undefined when a download would be needed. */
export async function findInCache(
  idOrPath: string,
  opts: Omit<ResolveOptions, 'onProgress'> = {},
): Promise<Resolved | undefined> {
  const kind = opts.kind ?? 'model';
  if (await isFolder(idOrPath)) return { path: resolvePath(idOrPath) };
  if (PATH_LIKE.test(idOrPath)) return undefined;
  const { repoId, subfolder } = parseHubId(idOrPath);
  const settings = hubSettings();
  const storage = repoFolder(settings.cacheDir, kind === 'dataset' ? 'dataset' : 'model', repoId);
  const cached = await fromCache(storage, opts.revision ?? 'main', subfolder, kind, opts.files);
  if (!cached.commit || cached.missing) return undefined;
  return { path: join(storage, 'snapshots', cached.commit, subfolder), repoId, commit: cached.commit };
}
