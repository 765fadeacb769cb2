// Where each LLM role (a grader or the agent) sends its requests: base URL, model, key source and
// sampling settings, resolved from explicit configuration and then the environment.
//
// The API key itself is never stored in an EndpointConfig: the config only names where the key comes
// from (an env var or a key file), and `readApiKey` reads it at the moment the HTTP client is built.
// So a config can be written into results, caches and logs as-is.
import { readFileSync } from 'node:fs';

export const LLM_ROLES = ['relevance', 'patchscope', 'coherence', 'hypothesis', 'agent'] as const;
export type LlmRole = (typeof LLM_ROLES)[number];

/** Env-var infix per role, and the group each role falls back to before the global default. */
const ROLE_ENV: Record<LlmRole, { name: string; group?: string }> = {
  relevance: { name: 'RELEVANCE', group: 'GRADER' },
  patchscope: { name: 'PATCHSCOPE', group: 'GRADER' },
  coherence: { name: 'COHERENCE', group: 'GRADER' },
  hypothesis: { name: 'HYPOTHESIS', group: 'GRADER' },
  agent: { name: 'AGENT' },
};

/**
 * Defaults follow the toolkit (docs/toolkit.md#steering, docs/toolkit.md#token-relevance, docs/toolkit.md#agents): the graders send no temperature (the endpoint's
 * default, so that repeats can differ; their retries go to T = 0), the agent runs at T = 0.7.
 */
const ROLE_DEFAULTS: Record<LlmRole, { temperature: number | null; maxTokens: number }> = {
  relevance: { temperature: null, maxTokens: 10000 },
  patchscope: { temperature: null, maxTokens: 10000 },
  coherence: { temperature: null, maxTokens: 1000 },
  hypothesis: { temperature: null, maxTokens: 10000 },
  agent: { temperature: 0.7, maxTokens: 10000 },
};

export type KeySource = { kind: 'env'; name: string } | { kind: 'file'; path: string } | { kind: 'none' };

export interface EndpointConfig {
  role: LlmRole;
  /** e.g. https://openrouter.ai/api/v1 or http://127.0.0.1:8000/v1 */
  baseURL: string;
  model: string;
  keySource: KeySource;
  /** null: the parameter is not sent (some hosted models only accept their default). */
  temperature: number | null;
  seed: number;
  maxTokens: number;
  /** Which request field carries maxTokens; OpenAI's reasoning models want max_completion_tokens. */
  maxTokensParam: 'max_tokens' | 'max_completion_tokens';
  timeoutMs: number;
  maxRetries: number;
  concurrency: number;
  /** Folder for the reply cache; '' disables caching. */
  cacheDir: string;
}

/** What a caller may set in a configuration file, per role or for all roles. Keys are not accepted here. */
export interface EndpointSettings {
  baseURL?: string;
  model?: string;
  /** Name of the env var holding the key, e.g. OPENROUTER_API_KEY. */
  apiKeyEnv?: string;
  apiKeyFile?: string;
  temperature?: number | null;
  seed?: number;
  maxTokens?: number;
  maxTokensParam?: 'max_tokens' | 'max_completion_tokens';
  timeoutMs?: number;
  maxRetries?: number;
  concurrency?: number;
  cacheDir?: string;
}

export interface LlmSettings {
  /** Applies to every role. */
  default?: EndpointSettings;
  /** Applies to the four graders. */
  grader?: EndpointSettings;
  roles?: Partial<Record<LlmRole, EndpointSettings>>;
}

export class LlmConfigError extends Error {}

export const NO_ENDPOINT_MESSAGE =
  'no LLM endpoint configured: set DIFFBENCH_LLM_BASE_URL (e.g. https://openrouter.ai/api/v1 or ' +
  'http://127.0.0.1:8000/v1) and DIFFBENCH_LLM_MODEL, plus DIFFBENCH_LLM_API_KEY or DIFFBENCH_LLM_API_KEY_FILE ' +
  'if the endpoint needs a key (see src/llm/README.md)';

type Env = Record<string, string | undefined>;

/** Looks a setting up in the env for a role: role-specific, then group (GRADER), then global. */
function lookup(env: Env, role: LlmRole, suffix: string): { value: string; from: string } | undefined {
  const { name, group } = ROLE_ENV[role];
  const names = [`DIFFBENCH_LLM_${name}_${suffix}`];
  if (group) names.push(`DIFFBENCH_LLM_${group}_${suffix}`);
  names.push(`DIFFBENCH_LLM_${suffix}`);
  for (const n of names) {
    const v = env[n];
    if (v !== undefined && v.trim() !== '') return { value: v.trim(), from: n };
  }
  return undefined;
}

function layered(settings: LlmSettings | undefined, role: LlmRole): EndpointSettings {
  const isGrader = ROLE_ENV[role].group === 'GRADER';
  return {
    ...(settings?.default ?? {}),
    ...(isGrader ? (settings?.grader ?? {}) : {}),
    ...(settings?.roles?.[role] ?? {}),
  };
}

function parseNumber(raw: { value: string; from: string }, opts: { integer?: boolean; min?: number }): number {
  const n = Number(raw.value);
  if (!Number.isFinite(n) || (opts.integer && !Number.isInteger(n)) || (opts.min !== undefined && n < opts.min)) {
    throw new LlmConfigError(
      `${raw.from}=${JSON.stringify(raw.value)}: expected ${opts.integer ? 'an integer' : 'a number'}` +
        (opts.min !== undefined ? ` >= ${opts.min}` : ''),
    );
  }
  return n;
}

/** True when some endpoint is configured for the role (config or env). */
export function hasEndpoint(role: LlmRole, env: Env = process.env, settings?: LlmSettings): boolean {
  return Boolean(layered(settings, role).baseURL ?? lookup(env, role, 'BASE_URL'));
}

/**
 * Resolves one role's endpoint. Precedence for each field: configuration (role > grader > default),
 * then env (DIFFBENCH_LLM_<ROLE>_X > DIFFBENCH_LLM_GRADER_X for graders > DIFFBENCH_LLM_X), then defaults.
 */
export function resolveEndpoint(role: LlmRole, env: Env = process.env, settings?: LlmSettings): EndpointConfig {
  const cfg = layered(settings, role);
  const num = (
    field: keyof EndpointSettings,
    suffix: string,
    fallback: number,
    opts: { integer?: boolean; min?: number },
  ) => {
    const v = cfg[field];
    if (typeof v === 'number') return parseNumber({ value: String(v), from: `llm.${role}.${field}` }, opts);
    const e = lookup(env, role, suffix);
    return e ? parseNumber(e, opts) : fallback;
  };

  const baseURL = cfg.baseURL ?? lookup(env, role, 'BASE_URL')?.value;
  if (!baseURL) throw new LlmConfigError(NO_ENDPOINT_MESSAGE);
  let url: URL;
  try {
    url = new URL(baseURL);
  } catch {
    throw new LlmConfigError(`LLM base URL for role '${role}' is not a URL: ${JSON.stringify(baseURL)}`);
  }
  if (url.username || url.password) {
    throw new LlmConfigError(`LLM base URL for role '${role}' must not carry credentials; use DIFFBENCH_LLM_API_KEY`);
  }
  const model = cfg.model ?? lookup(env, role, 'MODEL')?.value;
  if (!model) {
    throw new LlmConfigError(
      `no LLM model configured for role '${role}': set DIFFBENCH_LLM_MODEL or DIFFBENCH_LLM_${ROLE_ENV[role].name}_MODEL`,
    );
  }

  let keySource: KeySource = { kind: 'none' };
  if (cfg.apiKeyEnv) keySource = { kind: 'env', name: cfg.apiKeyEnv };
  else if (cfg.apiKeyFile) keySource = { kind: 'file', path: cfg.apiKeyFile };
  else {
    const keyVar = lookup(env, role, 'API_KEY');
    const keyFile = lookup(env, role, 'API_KEY_FILE');
    if (keyVar) keySource = { kind: 'env', name: keyVar.from };
    else if (keyFile) keySource = { kind: 'file', path: keyFile.value };
  }

  let temperature: number | null = ROLE_DEFAULTS[role].temperature;
  if (cfg.temperature !== undefined) temperature = cfg.temperature;
  else {
    const t = lookup(env, role, 'TEMPERATURE');
    if (t) temperature = t.value === 'none' ? null : parseNumber(t, { min: 0 });
  }

  const maxTokensParamRaw = cfg.maxTokensParam ?? lookup(env, role, 'MAX_TOKENS_PARAM')?.value ?? 'max_tokens';
  if (maxTokensParamRaw !== 'max_tokens' && maxTokensParamRaw !== 'max_completion_tokens') {
    throw new LlmConfigError(
      `DIFFBENCH_LLM_MAX_TOKENS_PARAM=${JSON.stringify(maxTokensParamRaw)}: expected max_tokens or max_completion_tokens`,
    );
  }

  return {
    role,
    baseURL: url.toString().replace(/\/$/, ''),
    model,
    keySource,
    temperature,
    seed: num('seed', 'SEED', 42, { integer: true }),
    maxTokens: num('maxTokens', 'MAX_TOKENS', ROLE_DEFAULTS[role].maxTokens, { integer: true, min: 1 }),
    maxTokensParam: maxTokensParamRaw,
    timeoutMs: num('timeoutMs', 'TIMEOUT_MS', 120_000, { integer: true, min: 1 }),
    maxRetries: num('maxRetries', 'MAX_RETRIES', 4, { integer: true, min: 0 }),
    concurrency: num('concurrency', 'CONCURRENCY', 8, { integer: true, min: 1 }),
    cacheDir: cfg.cacheDir ?? lookup(env, role, 'CACHE_DIR')?.value ?? '.cache/llm',
  };
}

/** Reads the key named by the config; '' when the endpoint needs none. Never log the result. */
export function readApiKey(config: EndpointConfig, env: Env = process.env): string {
  const src = config.keySource;
  if (src.kind === 'none') return '';
  if (src.kind === 'env') {
    const v = env[src.name];
    if (!v) throw new LlmConfigError(`LLM API key env var ${src.name} (role '${config.role}') is empty or unset`);
    return v.trim();
  }
  let text: string;
  try {
    text = readFileSync(src.path, 'utf8');
  } catch (e) {
    throw new LlmConfigError(
      `cannot read LLM API key file ${src.path} (role '${config.role}'): ${(e as Error).message}`,
    );
  }
  const key = text.trim();
  if (!key) throw new LlmConfigError(`LLM API key file ${src.path} (role '${config.role}') is empty`);
  return key;
}

/** A description of the endpoint that is safe to write into results (no key, no cache path). */
export function describeEndpoint(config: EndpointConfig): Record<string, unknown> {
  const keySource =
    config.keySource.kind === 'env'
      ? `env:${config.keySource.name}`
      : config.keySource.kind === 'file'
        ? 'file'
        : 'none';
  return {
    role: config.role,
    baseURL: config.baseURL,
    model: config.model,
    temperature: config.temperature,
    seed: config.seed,
    maxTokens: config.maxTokens,
    keySource,
  };
}
