// Hub settings from the environment, read at call time so tests (and users) can change them.
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface HubSettings {
  endpoint: string;
  token?: string;
  cacheDir: string;
  offline: boolean;
}

const truthy = (v: string | undefined) => v !== undefined && ['1', 'true', 'yes', 'on'].includes(v.toLowerCase());

/** The same variables, with the same precedence, as Python's huggingface_hub. */
export function hubSettings(): HubSettings {
  const env = process.env;
  const hfHome = env.HF_HOME ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'huggingface');
  return {
    endpoint: (env.HF_ENDPOINT ?? 'https://huggingface.co').replace(/\/+$/, ''),
    token: env.HF_TOKEN || env.HUGGING_FACE_HUB_TOKEN || undefined,
    cacheDir: env.HF_HUB_CACHE ?? env.HUGGINGFACE_HUB_CACHE ?? join(hfHome, 'hub'),
    offline: truthy(env.HF_HUB_OFFLINE),
  };
}
