// Deep merge of config overrides over defaults, the one rule for every method config, suite setting
// and --set override: objects merge key by key, arrays and scalars replace, undefined keeps the default.
type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function mergeConfig<T>(base: T, override: unknown): T {
  if (!isObject(override)) return (override === undefined ? base : override) as T;
  const out: Json = { ...(base as Json) };
  for (const [k, v] of Object.entries(override)) out[k] = isObject(v) && isObject(out[k]) ? mergeConfig(out[k], v) : v;
  return out as T;
}
