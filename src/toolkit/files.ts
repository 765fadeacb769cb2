// The toolkit's files, each checked against the manifest's sha256: from a local checkout (--toolkit <dir> or
// DIFFBENCH_TOOLKIT), else from the cache, else downloaded once from the public repository at the pinned
// commit into the cache. A missing, changed or unreachable file is an input error that says how to supply it.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError } from '../errors.ts';
import { writeFileAtomic } from '../results/atomic.ts';
import type { ToolkitManifest } from './manifest.ts';

export interface ToolkitSource {
  /** A local checkout of the toolkit at the manifest's commit (--toolkit <dir>, DIFFBENCH_TOOLKIT). */
  dir?: string;
  /** Where downloaded files are kept: <cacheDir>/toolkit/<commit>/<path>. */
  cacheDir: string;
  /** Base URL the files are under (default GitHub's raw files of the repository at the commit; DIFFBENCH_TOOLKIT_URL). */
  baseUrl?: string;
  /** Download time limit per file, ms (default 30 s; DIFFBENCH_TOOLKIT_TIMEOUT_MS). */
  timeoutMs?: number;
}

export interface ToolkitFile {
  path: string;
  text: string;
  sha256: string;
  /** Where it was read: the checkout, the cache or the URL it was downloaded from. */
  origin: string;
}

/** The source the environment names: DIFFBENCH_TOOLKIT, DIFFBENCH_TOOLKIT_URL, DIFFBENCH_TOOLKIT_TIMEOUT_MS. */
export function toolkitSourceFromEnv(
  cacheDir: string,
  dir?: string,
  env: Record<string, string | undefined> = process.env,
): ToolkitSource {
  const timeout = env.DIFFBENCH_TOOLKIT_TIMEOUT_MS;
  if (timeout !== undefined && !/^[1-9][0-9]*$/.test(timeout))
    throw new InputError(`DIFFBENCH_TOOLKIT_TIMEOUT_MS must be a positive integer (milliseconds), got '${timeout}'`);
  return {
    dir: dir ?? (env.DIFFBENCH_TOOLKIT || undefined),
    cacheDir,
    baseUrl: env.DIFFBENCH_TOOLKIT_URL || undefined,
    timeoutMs: timeout ? Number(timeout) : undefined,
  };
}

function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function howToSupply(m: ToolkitManifest): string {
  return (
    `supply the toolkit with --toolkit <dir> or DIFFBENCH_TOOLKIT=<dir> (a checkout of ${m.repository} at commit ` +
    `${m.commit}: git clone https://github.com/${m.repository} <dir> && git -C <dir> checkout ${m.commit}), or let ` +
    'DiffBench download it once (network access to raw.githubusercontent.com, or DIFFBENCH_TOOLKIT_URL)'
  );
}

/** Every file the manifest lists, read and verified. */
export async function readToolkitFiles(m: ToolkitManifest, source: ToolkitSource): Promise<Map<string, ToolkitFile>> {
  const out = new Map<string, ToolkitFile>();
  for (const [path, expected] of Object.entries(m.files)) out.set(path, await readOne(m, source, path, expected));
  return out;
}

async function readOne(
  m: ToolkitManifest,
  source: ToolkitSource,
  path: string,
  expected: string,
): Promise<ToolkitFile> {
  if (source.dir) {
    const file = resolve(source.dir, path);
    if (!existsSync(file))
      throw new InputError(
        `toolkit file ${path} is missing in ${source.dir} (--toolkit / DIFFBENCH_TOOLKIT); ${howToSupply(m)}`,
      );
    const bytes = readFileSync(file);
    const actual = sha256Of(bytes);
    if (actual !== expected)
      throw new InputError(
        `toolkit file ${file} has sha256 ${actual}, but the manifest pins ${expected} (commit ${m.commit}): ` +
          `it is another version of the file; ${howToSupply(m)}`,
      );
    return { path, text: bytes.toString('utf8'), sha256: actual, origin: file };
  }
  const cached = join(source.cacheDir, 'toolkit', m.commit, path);
  if (existsSync(cached)) {
    const bytes = readFileSync(cached);
    // a damaged cache file is downloaded again
    if (sha256Of(bytes) === expected) return { path, text: bytes.toString('utf8'), sha256: expected, origin: cached };
  }
  const url = `${(source.baseUrl ?? `https://raw.githubusercontent.com/${m.repository}/${m.commit}`).replace(/\/$/, '')}/${path}`;
  const bytes = await download(url, source.timeoutMs ?? 30_000, m);
  const actual = sha256Of(bytes);
  if (actual !== expected)
    throw new InputError(
      `toolkit file ${url} has sha256 ${actual}, but the manifest pins ${expected} (commit ${m.commit}); ${howToSupply(m)}`,
    );
  writeFileAtomic(cached, bytes);
  return { path, text: Buffer.from(bytes).toString('utf8'), sha256: actual, origin: url };
}

async function download(url: string, timeoutMs: number, m: ToolkitManifest): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
  } catch (err) {
    const why =
      (err as Error).name === 'TimeoutError'
        ? `no answer within ${timeoutMs} ms (DIFFBENCH_TOOLKIT_TIMEOUT_MS raises it)`
        : ((err as Error & { cause?: Error }).cause?.message ?? (err as Error).message);
    throw new InputError(`cannot download toolkit file ${url}: ${why}; ${howToSupply(m)}`, { cause: err });
  }
  if (!response.ok)
    throw new InputError(
      `cannot download toolkit file ${url}: HTTP ${response.status} ${response.statusText}; ${howToSupply(m)}`,
    );
  return new Uint8Array(await response.arrayBuffer());
}
