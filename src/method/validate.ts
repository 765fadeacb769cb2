// Validation of a method's output against the suite's scoring protocol: the documented shape
// (MethodOutput in ./types.ts), the readout budget, and values that fit the organism's model.
// The harness calls `validateMethodOutput` in one place (src/harness/run.ts, methodOutput) on every
// output it scores, fresh or cached; a violation is an input error naming the method and the field.
import type { MethodOutput } from './types.ts';

/** The readout budget of a suite's protocol (benchmark/<suite>/suite.json, "protocol"). */
export interface ReadoutBudget {
  /** At most this many readouts per source (logit lens, Patchscope, ...) and organism; positions 0..K-1. */
  readoutsPerSource: number;
  /** At most this many tokens per readout. */
  tokensPerReadout: number;
}

/** The organism's token vocabulary: what a readout's ids may be and how each id is shown. */
export interface ReadoutVocabulary {
  /** Ids 0..size-1 exist (the model's vocabulary: rows of its unembedding). */
  size: number;
  /** The tokenizer's display string of an id (MethodContext['tokenizer'].displayToken). */
  display(id: number): string;
}

export interface ValidationContext {
  methodId: string;
  /** The finetuned model's hidden size H and number of decoder layers L (layers 0..L-1 exist). */
  hiddenSize: number;
  numLayers: number;
  budget: ReadoutBudget;
  /** Readouts are tokens: each id must be in the vocabulary and its token its display string. */
  vocabulary: ReadoutVocabulary;
}

/**
 * The protocol bounds every scalar a method returns to ±1e15: far beyond any real measurement, and small enough
 * that sums over organisms, seeds and bootstrap resamples stay finite (1e308 is finite, twice it is not). The
 * leaderboard leaves any metric value beyond it out of its aggregates, naming the file, method and metric.
 */
export const MAGNITUDE_BOUND = 1e15;

export class MethodOutputError extends Error {
  constructor(methodId: string, field: string, what: string) {
    super(
      `method '${methodId}' returned an invalid output: ${field}: ${what} (see MethodOutput in src/method/types.ts and README "How scores are computed")`,
    );
    this.name = 'MethodOutputError';
  }
}

const isInt = (x: unknown): x is number => Number.isInteger(x);

/**
 * A readout is a list of token ids; `tokens` are their display strings, so the graders see what the
 * model's vocabulary can say and the budget counts tokens, not characters or words.
 */
function checkTokenIds(
  at: string,
  tokens: string[],
  ids: unknown,
  vocabulary: ReadoutVocabulary,
  fail: (field: string, what: string) => never,
): void {
  if (!Array.isArray(ids) || ids.length !== tokens.length)
    fail(`${at}.tokenIds`, `must be an array of token ids, one per token (${tokens.length} tokens)`);
  (ids as unknown[]).forEach((id, j) => {
    if (!isInt(id) || id < 0 || id >= vocabulary.size)
      fail(
        `${at}.tokenIds[${j}]`,
        `must be a token id of the model's vocabulary, 0..${vocabulary.size - 1} (got ${JSON.stringify(id)})`,
      );
    const shown = vocabulary.display(id);
    if (tokens[j] !== shown)
      fail(
        `${at}.tokens[${j}]`,
        `must be the display string of token id ${id}, ${JSON.stringify(shown)} (got ${JSON.stringify(tokens[j]).slice(0, 80)}); use ctx.tokenizer.displayToken`,
      );
  });
}

/** Throws a MethodOutputError for the first problem found; returns the output typed. */
export function validateMethodOutput(output: unknown, ctx: ValidationContext): MethodOutput {
  const fail = (field: string, what: string): never => {
    throw new MethodOutputError(ctx.methodId, field, what);
  };
  const o = output as MethodOutput | undefined;
  if (!o || typeof o !== 'object' || Array.isArray(o)) return fail('(output)', 'run() must resolve to an object');
  const fields = ['readouts', 'steering', 'vectors', 'findings', 'scalars'] as const;
  if (!fields.some((f) => o[f] !== undefined)) fail('(output)', `none of ${fields.join(', ')} is set`);
  const L = ctx.numLayers;
  const checkLayer = (field: string, layer: unknown) => {
    if (!isInt(layer) || layer < 0 || layer >= L)
      fail(`${field}.layer`, `must be an integer layer of the model, 0..${L - 1} (got ${JSON.stringify(layer)})`);
  };
  const checkList = (field: string, v: unknown) => {
    if (v !== undefined && !Array.isArray(v)) fail(field, 'must be an array');
  };
  for (const f of ['readouts', 'steering', 'vectors', 'findings'] as const) checkList(f, o[f]);

  const { readoutsPerSource: K, tokensPerReadout: T } = ctx.budget;
  const perSource = new Map<string, number>();
  o.readouts?.forEach((r, i) => {
    const at = `readouts[${i}]`;
    if (!r || typeof r !== 'object') fail(at, 'must be an object');
    if (typeof r.source !== 'string' || r.source === '') fail(`${at}.source`, 'must be a non-empty string');
    if (typeof r.variant !== 'string') fail(`${at}.variant`, 'must be a string');
    if (!Array.isArray(r.tokens) || r.tokens.some((t) => typeof t !== 'string'))
      fail(`${at}.tokens`, 'must be an array of strings');
    if (r.tokens.length > T)
      fail(
        `${at}.tokens`,
        `has ${r.tokens.length} tokens; the protocol scores at most ${T} per readout (return your top ${T})`,
      );
    checkTokenIds(at, r.tokens, r.tokenIds, ctx.vocabulary, fail);
    if (r.selectedTokens !== undefined) {
      const own = new Set(r.tokens);
      if (!Array.isArray(r.selectedTokens) || !r.selectedTokens.every((t) => typeof t === 'string' && own.has(t)))
        fail(`${at}.selectedTokens`, "must be a subset of the readout's tokens");
    }
    if (
      r.probs !== undefined &&
      (!Array.isArray(r.probs) || r.probs.length !== r.tokens.length || !r.probs.every(Number.isFinite))
    )
      fail(`${at}.probs`, 'must be finite numbers, one per token');
    checkLayer(at, r.layer);
    if (!isInt(r.position) || r.position < 0 || r.position >= K)
      fail(
        `${at}.position`,
        `must be an integer position 0..${K - 1} (the suite's positions; got ${JSON.stringify(r.position)})`,
      );
    const n = (perSource.get(r.source) ?? 0) + 1;
    perSource.set(r.source, n);
    if (n > K)
      fail(
        `readouts (source '${r.source}')`,
        `more than ${K} readouts; the protocol allows at most ${K} per source and organism (over budget)`,
      );
  });

  const steeringEntries = o.steering?.length ?? 0;
  if (steeringEntries > K)
    fail('steering', `${steeringEntries} entries; the protocol allows at most ${K} (over budget)`);
  o.steering?.forEach((s, i) => {
    const at = `steering[${i}]`;
    if (!s || typeof s !== 'object') fail(at, 'must be an object');
    if (typeof s.variant !== 'string') fail(`${at}.variant`, 'must be a string');
    checkLayer(at, s.layer);
    if (!isInt(s.position) || s.position < 0)
      fail(`${at}.position`, `must be an integer >= 0 (got ${JSON.stringify(s.position)})`);
    if (typeof s.strength !== 'number' || !Number.isFinite(s.strength) || s.strength < 0)
      fail(`${at}.strength`, `must be a finite number >= 0 (got ${JSON.stringify(s.strength)})`);
    if (!Array.isArray(s.prompts) || s.prompts.some((p) => typeof p !== 'string'))
      fail(`${at}.prompts`, 'must be an array of strings');
    for (const side of ['steered', 'unsteered'] as const) {
      const rows = s[side];
      if (!Array.isArray(rows)) fail(`${at}.${side}`, 'must be an array with one row of samples per prompt');
      if (rows.length !== s.prompts.length)
        fail(
          `${at}.${side}`,
          `has ${rows.length} rows but there are ${s.prompts.length} prompts (one row of samples per prompt)`,
        );
      rows.forEach((row, j) => {
        if (!Array.isArray(row) || row.some((t) => typeof t !== 'string'))
          fail(`${at}.${side}[${j}]`, 'must be an array of sample strings');
      });
    }
  });

  o.vectors?.forEach((v, i) => {
    const at = `vectors[${i}]`;
    if (!v || typeof v !== 'object') fail(at, 'must be an object');
    checkLayer(at, v.layer);
    if (!isInt(v.position) || v.position < 0)
      fail(`${at}.position`, `must be an integer >= 0 (got ${JSON.stringify(v.position)})`);
    if (!Array.isArray(v.data) || v.data.length !== ctx.hiddenSize) {
      fail(
        `${at}.data`,
        `must have the model's hidden size ${ctx.hiddenSize} (got ${Array.isArray(v.data) ? v.data.length : typeof v.data})`,
      );
    }
    const bad = v.data.findIndex((x) => typeof x !== 'number' || !Number.isFinite(x));
    if (bad >= 0) fail(`${at}.data[${bad}]`, `must be a finite number (got ${String(v.data[bad])})`);
  });

  if (o.scalars !== undefined && (typeof o.scalars !== 'object' || o.scalars === null || Array.isArray(o.scalars)))
    fail('scalars', 'must be an object of numbers');
  for (const [k, v] of Object.entries(o.scalars ?? {})) {
    if (typeof v !== 'number' || !Number.isFinite(v))
      fail(`scalars.${k}`, `must be a finite number (got ${String(v)})`);
    if (Math.abs(v) > MAGNITUDE_BOUND)
      fail(`scalars.${k}`, `must be within ±${MAGNITUDE_BOUND} (the protocol's bound on magnitudes; got ${v})`);
  }
  o.findings?.forEach((f, i) => {
    if (typeof f !== 'string') fail(`findings[${i}]`, 'must be a string');
  });
  if (o.details !== undefined) checkJsonData('details', o.details, [], fail);
  return o;
}

/**
 * `details` is stored in the method-output cache as JSON: a BigInt or a cycle would make the write fail later
 * with a message naming neither the method nor the field, so both are protocol errors here.
 */
function checkJsonData(
  at: string,
  value: unknown,
  ancestors: { value: object; at: string }[],
  fail: (field: string, what: string) => never,
): void {
  if (typeof value === 'bigint') fail(at, `is a BigInt (${value}n), which JSON cannot hold; use a number or a string`);
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return;
  const loop = ancestors.find((a) => a.value === value);
  if (loop) fail(at, `refers back to ${loop.at} (a cycle), which JSON cannot hold`);
  const path = [...ancestors, { value, at }];
  if (Array.isArray(value)) value.forEach((v, i) => checkJsonData(`${at}[${i}]`, v, path, fail));
  else for (const [k, v] of Object.entries(value)) checkJsonData(`${at}.${k}`, v, path, fail);
}
