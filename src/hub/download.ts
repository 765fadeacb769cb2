// One file from the Hub into the cache, with progress, a checksum check and retries of broken transfers.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { downloadFileToCacheDir, HubApiError } from '@huggingface/hub';
import { HubError } from './errors.ts';
import type { HubSettings } from './settings.ts';
import { timedFetch } from './timed-fetch.ts';

export interface DownloadProgress {
  repoId: string;
  file: string;
  loaded: number;
  total: number;
  done: boolean;
}

/** One entry of the Hub's tree listing. */
export interface RemoteFile {
  path: string;
  size: number;
  /** git blob sha1 */
  oid: string;
  lfs?: { oid: string; size: number };
}

const ATTEMPTS = 3;

/** Wraps fetch so that whole-file GETs of /resolve/ report bytes as they arrive. */
function countingFetch(onBytes: (loaded: number, total: number) => void, inner: typeof fetch): typeof fetch {
  return async (input, init) => {
    const res = await inner(input, init);
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const ranged = new Headers(init?.headers).has('Range');
    if (!res.ok || !res.body || ranged || (init?.method ?? 'GET') !== 'GET' || !url.includes('/resolve/')) return res;
    const total = Number(res.headers.get('content-length') ?? 0);
    let loaded = 0;
    const body = res.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, out) {
          loaded += chunk.byteLength;
          onBytes(loaded, total);
          out.enqueue(chunk);
        },
      }),
    );
    return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
  };
}

/** @huggingface/hub logs every download with console.debug (to stdout); our progress replaces it. */
async function withoutDebugLog<T>(run: () => Promise<T>): Promise<T> {
  const debug = console.debug;
  console.debug = () => {};
  try {
    return await run();
  } finally {
    console.debug = debug;
  }
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** git's blob id: sha1("blob <size>\0" + content); the etag of a non-LFS file. */
async function gitBlobSha1(path: string, size: number): Promise<string> {
  const hash = createHash('sha1');
  hash.update(`blob ${size}\0`);
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function verify(path: string, file: RemoteFile): Promise<string | null> {
  const size = (await stat(path)).size;
  const expectedSize = file.lfs?.size ?? file.size;
  if (size !== expectedSize) return `size ${size} != ${expectedSize}`;
  const digest = file.lfs ? await sha256File(path) : await gitBlobSha1(path, size);
  const expected = file.lfs ? file.lfs.oid : file.oid;
  return digest === expected ? null : `checksum ${digest} != ${expected}`;
}

export async function downloadToCache(args: {
  type: 'model' | 'dataset';
  repoId: string;
  commit: string;
  file: RemoteFile;
  storage: string;
  settings: HubSettings;
  onProgress: (p: DownloadProgress) => void;
}): Promise<string> {
  const { type, repoId, commit, file, storage, settings, onProgress } = args;
  const etag = file.lfs?.oid ?? file.oid;
  const blob = join(storage, 'blobs', etag);
  const pointer = join(storage, 'snapshots', commit, file.path);
  const report = (loaded: number, total: number, done = false) =>
    onProgress({ repoId, file: file.path, loaded, total, done });
  let lastError: unknown;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    try {
      const path = await withoutDebugLog(() =>
        downloadFileToCacheDir({
          repo: { type, name: repoId },
          path: file.path,
          revision: commit,
          hubUrl: settings.endpoint,
          cacheDir: settings.cacheDir,
          accessToken: settings.token,
          fetch: countingFetch((loaded, total) => report(loaded, total), timedFetch(settings)),
        }),
      );
      const problem = await verify(path, file);
      if (problem) {
        // A blob that does not match the Hub's checksum must not stay in the shared cache.
        await rm(blob, { force: true });
        await rm(pointer, { force: true });
        throw new HubError(`downloaded ${repoId}/${file.path} is corrupt (${problem})`, 'corrupt');
      }
      report(file.lfs?.size ?? file.size, file.lfs?.size ?? file.size, true);
      return path;
    } catch (err) {
      lastError = err;
      await rm(`${blob}.incomplete`, { force: true });
      if (err instanceof HubApiError && err.statusCode < 500) throw err;
      if (attempt < ATTEMPTS) await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }
  throw new HubError(
    `download of ${repoId}/${file.path} failed after ${ATTEMPTS} attempts: ${(lastError as Error)?.message ?? lastError}`,
    lastError instanceof HubError ? lastError.kind : 'network',
  );
}

/** Default progress display on stderr: a live line on a terminal, one line per file otherwise. */
export function stderrProgress(): (p: DownloadProgress) => void {
  let last = 0;
  const mb = (n: number) => (n / 1e6).toFixed(1);
  return (p) => {
    const now = Date.now();
    if (!p.done && (!process.stderr.isTTY || now - last < 250)) return;
    last = now;
    const line = `downloading ${p.repoId}/${p.file} ${mb(p.loaded)}/${mb(p.total)} MB`;
    if (process.stderr.isTTY) process.stderr.write(`\r${line}${p.done ? '\n' : ''}`);
    else process.stderr.write(`${line}\n`);
  };
}
