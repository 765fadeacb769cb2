// Loading diffing methods: built-in ones by name, a researcher's from a file path (default export).
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { register } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import type { DiffingMethod } from '../method/types.ts';
import { mergeConfig } from '../merge-config.ts';
import { describeThrown, InputError } from '../errors.ts';
import { BUILTIN_METHODS, type BuiltinMethod, type SwappedGraders } from '../methods/index.ts';
import { shortHash } from '../results/hash.ts';
import { hashMethodSources } from '../code-hash.ts';

export { mergeConfig };

export const DEFAULT_METHOD = 'adl';

export interface LoadedMethod {
  method: DiffingMethod;
  /** 'builtin:<name>' or the resolved file path. */
  source: string;
  /** Hash of the method's source files: cached outputs of edited code are not reused. */
  codeHash: string;
  /**
   * The same method with graders it uses internally swapped for the given ones (`--graders llm|both`);
   * absent for methods that grade nothing themselves. A method file provides it as the named export
   * `withGraders(graders) => DiffingMethod`.
   */
  withGraders?: (graders: SwappedGraders) => DiffingMethod;
}

export type { SwappedGraders };

const ID = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/;

/** Checks that a module export is a DiffingMethod; the error says which field is wrong. */
export function assertDiffingMethod(value: unknown, where: string): asserts value is DiffingMethod {
  const m = value as Partial<DiffingMethod> | undefined;
  const problems: string[] = [];
  if (!m || typeof m !== 'object') problems.push('the export is not an object');
  else {
    if (typeof m.id !== 'string' || !ID.test(m.id))
      problems.push(`id must be a string of letters, digits, '_', '.', '-', '/' (got ${JSON.stringify(m.id)})`);
    if (typeof m.version !== 'string' || m.version === '') problems.push('version must be a non-empty string');
    if (!m.configSchema || typeof m.configSchema !== 'object')
      problems.push('configSchema must be a JSON Schema object');
    if (!m.defaultConfig || typeof m.defaultConfig !== 'object') problems.push('defaultConfig must be an object');
    if (!m.needs || typeof m.needs.generation !== 'boolean' || typeof m.needs.unrelatedText !== 'boolean') {
      problems.push('needs must be { generation: boolean, unrelatedText: boolean }');
    }
    for (const key of ['finetuningData', 'chatData'] as const) {
      const need = m.needs?.[key];
      if (need !== undefined && typeof need !== 'boolean' && typeof need !== 'function')
        problems.push(`needs.${key} must be a boolean or a function of the config (got ${typeof need})`);
    }
    if (typeof m.run !== 'function') problems.push('run(ctx, config) must be a function');
    if (m.checkConfig !== undefined && typeof m.checkConfig !== 'function')
      problems.push('checkConfig, when given, must be a function of the config');
  }
  if (problems.length > 0) {
    throw new InputError(
      `${where} is not a DiffingMethod (see src/method/types.ts and src/harness/README.md): ${problems.join('; ')}`,
    );
  }
}

let esmHooks = false;

/** A method file is an ES module wherever it lives (src/harness/esm-hooks.mjs says why). */
async function importFile(path: string): Promise<Record<string, unknown>> {
  // Inside a vitest worker, vite's module runner loads every file as ESM and Node's hooks do not apply.
  if (!esmHooks && !('__vitest_worker__' in globalThis)) {
    register(new URL('./esm-hooks.mjs', import.meta.url));
    esmHooks = true;
  }
  try {
    return (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (err) {
    // a file that does not compile (tsx/esbuild: "Transform failed"; Node: SyntaxError) is bad input
    const message = describeThrown(err);
    if (err instanceof SyntaxError || /^Transform failed/.test(message))
      throw new InputError(`method file ${path} does not compile: ${message}`, { cause: err });
    throw err;
  }
}

/** The built-in method with this id, or undefined. */
export function builtinMethod(id: string): BuiltinMethod | undefined {
  return BUILTIN_METHODS.find((b) => b.method.id === id);
}

/** `spec` is a built-in method id ('adl', `npm run methods`) or a path to a .ts/.js file whose default export is a DiffingMethod. */
export async function loadMethod(spec: string, cwd = process.cwd()): Promise<LoadedMethod> {
  const builtin = builtinMethod(spec);
  if (builtin) {
    assertDiffingMethod(builtin.method, `built-in method '${spec}' (src/methods/index.ts)`);
    const entry = fileURLToPath(builtin.entry);
    const codeHash = hashMethodSources(entry, [dirname(entry), ...(builtin.data ?? []).map((u) => fileURLToPath(u))]);
    return {
      method: builtin.method,
      source: `builtin:${spec}`,
      codeHash,
      ...(builtin.withGraders ? { withGraders: builtin.withGraders } : {}),
    };
  }
  const looksLikePath = /[\\/]|\.(ts|js|mjs|mts)$/.test(spec);
  if (!looksLikePath) {
    throw new InputError(
      `unknown method '${spec}': built-in methods are ${BUILTIN_METHODS.map((b) => b.method.id).join(', ')} (npm run methods); to score your own method pass a file path, e.g. --method ./my-method.ts`,
    );
  }
  const path = isAbsolute(spec) ? spec : resolve(cwd, spec);
  if (!existsSync(path)) throw new InputError(`method file not found: ${path}`);
  const mod = await importFile(path);
  const method = mod.default;
  if (method === undefined)
    throw new InputError(`${path} has no default export; write \`export default myMethod\` (a DiffingMethod)`);
  assertDiffingMethod(method, path);
  const withGraders =
    typeof mod.withGraders === 'function' ? (mod.withGraders as LoadedMethod['withGraders']) : undefined;
  return { method, source: path, codeHash: hashMethodSources(path), ...(withGraders ? { withGraders } : {}) };
}

export interface ResolvedConfig {
  config: Record<string, unknown>;
  configHash: string;
}

/** Compiled config schemas (a bench resolves each method's config once per organism; compiling is the slow part). */
const validators = new WeakMap<object, ValidateFunction>();

/** The method's config: defaults + overrides, validated against its configSchema. */
export function resolveConfig(method: DiffingMethod<any>, overrides: Record<string, unknown> = {}): ResolvedConfig {
  const config = mergeConfig(method.defaultConfig as Record<string, unknown>, overrides);
  let validate = validators.get(method.configSchema);
  try {
    validate ??= new Ajv({ allErrors: true, strict: false }).compile(method.configSchema);
  } catch (err) {
    throw new Error(`method '${method.id}': configSchema is not a valid JSON Schema: ${(err as Error).message}`);
  }
  validators.set(method.configSchema, validate);
  if (!validate(config)) {
    const errors = (validate.errors ?? []).map(
      (e) =>
        `${e.instancePath || '(top level)'} ${e.message}${e.keyword === 'additionalProperties' ? ` '${(e.params as { additionalProperty: string }).additionalProperty}'` : ''}`,
    );
    throw new InputError(
      `method '${method.id}': config does not match its configSchema: ${errors.join('; ')} (config: ${JSON.stringify(overrides)} over the defaults)`,
    );
  }
  try {
    method.checkConfig?.(config);
  } catch (err) {
    throw new InputError(`method '${method.id}': config rejected by its checkConfig: ${describeThrown(err)}`, {
      cause: err,
    });
  }
  return { config, configHash: shortHash({ id: method.id, version: method.version, config }) };
}

/** Parses `--set a.b=value` overrides (value as JSON when it parses, else a string). */
export function parseSetting(setting: string): Record<string, unknown> {
  const eq = setting.indexOf('=');
  if (eq <= 0)
    throw new Error(
      `--set expects key=value (e.g. --set samples=200 or --set steering.enabled=false), got '${setting}'`,
    );
  const keys = setting.slice(0, eq).split('.');
  const raw = setting.slice(eq + 1);
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    value = raw;
  }
  const out: Record<string, unknown> = {};
  let node = out;
  keys.forEach((k, i) => {
    if (i === keys.length - 1) node[k] = value;
    else node = (node[k] = {}) as Record<string, unknown>;
  });
  return out;
}
