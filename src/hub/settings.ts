// Hub settings from the environment, read at call time so tests (and users) can change them.
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface HubTimeouts {
  /** Wait for the answer to a metadata request (commit, file list): HF_HUB_ETAG_TIMEOUT, default 10 s. */
  metadataMs: number;
  /** Wait for a download to start, and at most this long between two chunks of it: HF_HUB_DOWNLOAD_TIMEOUT, default 10 s. */
  downloadMs: number;
  /** The variable each limit came from (named in timeout errors). */
  source: { metadata: string; download: string };
}

export interface HubSettings {
  endpoint: string;
  token?: string;
  cacheDir: string;
  offline: boolean;
  timeouts: HubTimeouts;
}

const truthy = (v: string | undefined) => v !== undefined && ['1', 'true', 'yes', 'on'].includes(v.toLowerCase());

function positive(name: string, unit: 'seconds' | 'milliseconds'): number | undefined {
  const v = process.env[name];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name}='${v}': expected a positive number of ${unit}`);
  return unit === 'seconds' ? n * 1000 : n;
}

/** huggingface_hub's HF_HUB_ETAG_TIMEOUT / HF_HUB_DOWNLOAD_TIMEOUT (seconds); DIFFBENCH_HUB_TIMEOUT_MS sets both. */
function hubTimeouts(): HubTimeouts {
  const both = positive('DIFFBENCH_HUB_TIMEOUT_MS', 'milliseconds');
  if (both !== undefined)
    return {
      metadataMs: both,
      downloadMs: both,
      source: { metadata: 'DIFFBENCH_HUB_TIMEOUT_MS', download: 'DIFFBENCH_HUB_TIMEOUT_MS' },
    };
  return {
    metadataMs: positive('HF_HUB_ETAG_TIMEOUT', 'seconds') ?? 10_000,
    downloadMs: positive('HF_HUB_DOWNLOAD_TIMEOUT', 'seconds') ?? 10_000,
    source: { metadata: 'HF_HUB_ETAG_TIMEOUT', download: 'HF_HUB_DOWNLOAD_TIMEOUT' },
  };
}

/** The same variables, with the same precedence, as Python's huggingface_hub. */
export function hubSettings(): HubSettings {
  const env = process.env;
  const hfHome = env.HF_HOME ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'huggingface');
  return {
    endpoint: (env.HF_ENDPOINT ?? 'https://huggingface.co').replace(/\/+$/, ''),
    token: env.HF_TOKEN || env.HUGGING_FACE_HUB_TOKEN || undefined,
    cacheDir: env.HF_HUB_CACHE ?? env.HUGGINGFACE_HUB_CACHE ?? join(hfHome, 'hub'),
    offline: truthy(env.HF_HUB_OFFLINE),
    timeouts: hubTimeouts(),
  };
}
