// A method's config for one run, in layers (later wins): the method's defaultConfig, its own preset for
// the settings (DiffingMethod.settings.fast / .full), under --graders paper its paperConfig, the suite's
// methodConfig for it, a --config file
// (flat, or with per-settings sections), then --set. The result is validated against the method's
// configSchema with ajv; an error names the field and where the value came from.
import { InputError } from '../errors.ts';
import { readFileSync } from 'node:fs';
import type { DiffingMethod } from '../method/types.ts';
import { mergeConfig, resolveConfig, type ResolvedConfig } from './load-method.ts';
import { suiteSettings, type Suite } from './suite.ts';

/** Settings names a config file may use as sections. */
const SETTINGS_SECTIONS = ['fast', 'full'];

function isObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Overrides from a --config JSON file for `settings`: `{"fast": {...}, "full": {...}}` (keys that are no
 * settings name apply to every settings, under the section), or a flat config. A method whose own config
 * has a field named like a settings is read flat.
 */
export function configFileOverrides(
  file: string,
  method: DiffingMethod<any>,
  settings: string,
  sections: string[] = SETTINGS_SECTIONS,
): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(
      `--config ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : `not valid JSON (${(err as Error).message})`}`,
    );
  }
  if (!isObject(parsed))
    throw new Error(`--config ${file}: expected a JSON object (a config, or {"fast": {...}, "full": {...}})`);
  const own = new Set(Object.keys((method.configSchema as { properties?: object }).properties ?? {}));
  const names = new Set([...sections, settings].filter((s) => !own.has(s)));
  const sectioned = Object.keys(parsed).some((k) => names.has(k));
  if (!sectioned) return parsed;
  const common: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(parsed)) if (!names.has(k)) common[k] = v;
  for (const name of names) {
    if (name in parsed && !isObject(parsed[name]))
      throw new Error(`--config ${file}: section '${name}' must be an object of config values`);
  }
  return mergeConfig(common, (parsed[settings] as Record<string, unknown> | undefined) ?? {});
}

/** The method's own preset for these settings (DiffingMethod.settings), or {}. */
export function methodPreset(method: DiffingMethod<any>, settings: string): Record<string, unknown> {
  return (method.settings?.[settings] as Record<string, unknown> | undefined) ?? {};
}

/** The method's config for a suite and settings with the caller's overrides on top, validated (see the file's header). */
export function layeredConfig(
  method: DiffingMethod<any>,
  suite: Suite,
  settings: string,
  overrides: Record<string, unknown> = {},
  paperMode = false,
): ResolvedConfig {
  const all = suiteSettings(suite, settings).methodConfig;
  let fromSuite = all[method.id] ?? {};
  // A string entry reuses another method's overrides (ADL's baselines share ADL's config).
  if (typeof fromSuite === 'string') fromSuite = (all[fromSuite] as Record<string, unknown>) ?? {};
  const preset = mergeConfig(
    methodPreset(method, settings),
    paperMode ? ((method.paperConfig as Record<string, unknown> | undefined) ?? {}) : {},
  );
  return resolveConfig(method, mergeConfig(mergeConfig(preset, fromSuite as Record<string, unknown>), overrides));
}

/** Validates the overrides of a bench run up front, so a bad field fails before any model is loaded. */
export function checkMethodConfig(
  method: DiffingMethod<any>,
  suite: Suite,
  settings: string,
  overrides: Record<string, unknown>,
  configFile?: string,
): void {
  try {
    layeredConfig(method, suite, settings, overrides);
  } catch (err) {
    throw new InputError(`${configFile ? `--config ${configFile}` : 'the method config'}: ${(err as Error).message}`, {
      cause: err,
    });
  }
}
