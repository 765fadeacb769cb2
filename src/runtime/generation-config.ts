// Sampling settings as transformers' `generate` resolves them: the caller's values, else the checkpoint's
// generation_config.json, else transformers' GenerationConfig defaults (temperature 1, top_k 50, top_p 1,
// no min_p, repetition_penalty 1).
//
// The paper's toolkit passes only `do_sample` and a temperature, so a Qwen3 checkpoint samples with its
// shipped top_k 20 / top_p 0.95, and a checkpoint whose generation config names no top_k with top_k 50.
import { InputError } from '../errors.ts';
import type { GenerateOptions } from './types.ts';

/** The sampling fields of a generation_config.json, as given there (absent = not set; null = explicitly off). */
export interface GenerationDefaults {
  doSample?: boolean;
  temperature?: number;
  topK?: number | null;
  topP?: number | null;
  minP?: number | null;
  repetitionPenalty?: number | null;
}

/** What one generate call used. Greedy calls record the penalty only (the warpers do not apply). */
export interface SamplingSettings {
  doSample: boolean;
  /** Sampling only. */
  temperature: number | null;
  /** 0 = off. */
  topK: number;
  /** 1 = off. */
  topP: number;
  /** null = off. */
  minP: number | null;
  /** 1 = off. */
  repetitionPenalty: number;
  /** Where each value came from. */
  from: Record<
    'temperature' | 'topK' | 'topP' | 'minP' | 'repetitionPenalty',
    'caller' | 'generation_config' | 'transformers-default'
  >;
}

/** transformers' GenerationConfig defaults for the fields DiffBench applies. */
export const TRANSFORMERS_DEFAULTS = { temperature: 1, topK: 50, topP: 1, minP: null, repetitionPenalty: 1 } as const;

const FIELDS: [keyof GenerationDefaults, string][] = [
  ['doSample', 'do_sample'],
  ['temperature', 'temperature'],
  ['topK', 'top_k'],
  ['topP', 'top_p'],
  ['minP', 'min_p'],
  ['repetitionPenalty', 'repetition_penalty'],
];

/** Reads and checks the sampling fields of a generation_config.json (`where` names the file in errors). */
export function generationDefaults(gen: Record<string, unknown>, where: string): GenerationDefaults {
  const out: GenerationDefaults = {};
  for (const [key, field] of FIELDS) {
    if (!(field in gen)) continue;
    const v = gen[field];
    if (key === 'doSample') {
      if (typeof v !== 'boolean')
        throw new InputError(`${where}: field '${field}' must be true or false, got ${JSON.stringify(v)}`);
      out.doSample = v;
      continue;
    }
    if (v === null && key !== 'temperature') {
      (out as Record<string, unknown>)[key] = null;
      continue;
    }
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new InputError(`${where}: field '${field}' must be a number, got ${JSON.stringify(v)}`);
    checkValue(key, v, `${where}: field '${field}'`, InputError);
    (out as Record<string, unknown>)[key] = v;
  }
  return out;
}

/** `Fault`: the error kind (a file's field is an input error; a caller's value a runtime one). */
function checkValue(
  key: keyof GenerationDefaults,
  v: number,
  what: string,
  Fault: new (message: string) => Error = Error,
): void {
  const bad = (expected: string) => new Fault(`${what}: expected ${expected}, got ${v}`);
  if (key === 'temperature' && !(v >= 0)) throw bad('a temperature >= 0');
  if (key === 'topK' && !(Number.isInteger(v) && v >= 0)) throw bad('an integer >= 0 (0 = off)');
  if ((key === 'topP' || key === 'minP') && !(v >= 0 && v <= 1)) throw bad('a value in [0, 1]');
  if (key === 'repetitionPenalty' && !(v > 0)) throw bad('a penalty > 0 (1 = off)');
}

/**
 * The settings a call uses. Greedy unless the caller asks for sampling (doSample, or a temperature > 0):
 * generate's contract predates generation configs, and every caller that samples says so. When sampling,
 * each setting is the caller's, else the generation config's, else transformers' default.
 */
export function resolveSampling(
  opts: Pick<GenerateOptions, 'temperature' | 'doSample' | 'topK' | 'topP' | 'minP' | 'repetitionPenalty'>,
  defaults: GenerationDefaults,
): SamplingSettings {
  for (const key of ['temperature', 'topK', 'topP', 'minP', 'repetitionPenalty'] as const) {
    const v = opts[key];
    if (v !== undefined && v !== null) checkValue(key, v, `generate: ${key}`);
  }
  const doSample = opts.doSample ?? (opts.temperature !== undefined && opts.temperature > 0);
  if (doSample && opts.temperature === 0)
    throw new Error('generate: doSample with temperature 0; use greedy (doSample false) instead');
  const from = {} as SamplingSettings['from'];
  const pick = <K extends keyof SamplingSettings['from']>(
    key: K,
  ): GenerationDefaults[K] | (typeof TRANSFORMERS_DEFAULTS)[K] => {
    if (opts[key] !== undefined) {
      from[key] = 'caller';
      return opts[key] as GenerationDefaults[K];
    }
    if (defaults[key] !== undefined) {
      from[key] = 'generation_config';
      return defaults[key];
    }
    from[key] = 'transformers-default';
    return TRANSFORMERS_DEFAULTS[key];
  };
  const temperature = pick('temperature') as number;
  if (doSample && !(temperature > 0))
    throw new Error(
      `generate: sampling needs a temperature > 0; the ${from.temperature === 'caller' ? 'caller' : 'generation config'} gives ${temperature}`,
    );
  const topK = pick('topK');
  const topP = pick('topP');
  const minP = pick('minP');
  const repetitionPenalty = pick('repetitionPenalty');
  return {
    doSample,
    temperature: doSample ? temperature : null,
    topK: doSample ? (topK ?? 0) : 0,
    topP: doSample ? (topP ?? 1) : 1,
    minP: doSample ? (minP ?? null) : null,
    repetitionPenalty: repetitionPenalty ?? 1,
    from,
  };
}
