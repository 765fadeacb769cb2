// Runs one reference case through the runtime and compares every golden tensor.
import { loadModel } from '../runtime/index.ts';
import { readAllF32 } from '../runtime/safetensors.ts';
import type { HookName, LanguageModel, LoadOptions } from '../runtime/types.ts';
import type { ReferenceCase } from './cases.ts';

export const REL_TOLERANCE = 1e-4;

export interface TensorCheck {
  case: string;
  tensor: string;
  maxAbsError: number;
  relError: number;
  pass: boolean;
  note?: string;
}

/** ‖out − ref‖ / ‖ref‖ and max |out − ref| over the selected elements. */
export function compare(
  out: Float32Array,
  ref: Float32Array,
  select?: (i: number) => boolean,
): { maxAbs: number; rel: number } {
  if (out.length !== ref.length) throw new Error(`shape mismatch: ${out.length} vs ${ref.length} values`);
  let num = 0,
    den = 0,
    maxAbs = 0;
  for (let i = 0; i < out.length; i++) {
    if (select && !select(i)) continue;
    const d = out[i] - ref[i];
    num += d * d;
    den += ref[i] * ref[i];
    maxAbs = Math.max(maxAbs, Math.abs(d));
  }
  return { maxAbs, rel: Math.sqrt(num / (den || 1)) };
}

export async function checkCase(c: ReferenceCase, cacheDir?: string): Promise<TensorCheck[]> {
  return checkCaseWith(c, { cacheDir });
}

/** checkCase with any load options (e.g. specOverrides, to show that a fixture detects a feature). */
export async function checkCaseWith(c: ReferenceCase, opts: LoadOptions): Promise<TensorCheck[]> {
  const gold = readAllF32(c.golden);
  const model = await loadModel(c.modelDir, { ...opts, adapter: c.adapterDir });
  try {
    return await checkModel(c, model, gold);
  } finally {
    await model.dispose();
  }
}

type Golden = Map<string, { data: Float32Array; shape: number[] }>;

async function checkModel(c: ReferenceCase, model: LanguageModel, gold: Golden): Promise<TensorCheck[]> {
  const checks: TensorCheck[] = [];
  const get = (name: string) => {
    const t = gold.get(name);
    if (!t) throw new Error(`${c.golden}: missing tensor '${name}'`);
    return t;
  };
  const record = (tensor: string, out: Float32Array, select?: (i: number) => boolean, note?: string) => {
    const ref = get(tensor).data;
    // transformers leaves NaN in some reference rows (eager sliding-window attention on a padded row):
    // those elements cannot be compared, and the check says so
    let nonFinite = 0;
    const usable = (i: number) => (select ? select(i) : true) && (Number.isFinite(ref[i]) || (nonFinite++, false));
    const { maxAbs, rel } = compare(out, ref, usable);
    if (nonFinite) note = `${note ? `${note}; ` : ''}${nonFinite} reference values are NaN and were skipped`;
    const finiteOut = out.every((x, i) => !usable(i) || Number.isFinite(x));
    checks.push({
      case: c.name,
      tensor,
      maxAbsError: maxAbs,
      relError: rel,
      pass: finiteOut && rel <= REL_TOLERANCE,
      note,
    });
  };
  const ids = get('input_ids');
  const [B, T] = ids.shape;
  const rows = Array.from({ length: B }, (_, b) => Array.from(ids.data.subarray(b * T, (b + 1) * T)));
  const L = model.info.numLayers,
    H = model.info.hiddenSize,
    V = model.info.vocabSize;
  const { layer, patch_position, padded_row, padded_from } = c.meta;
  const allHooks: HookName[] = [
    'resid_pre.0',
    ...Array.from({ length: L }, (_, i) => `resid_post.${i}` as HookName),
    'final_norm',
  ];

  const plain = await model.forward({ inputIds: rows, capture: allHooks });
  for (const h of allHooks) record(h, plain.hooks[h]!.data);
  record('logits', plain.logits!.data);

  // right padding: compare row 0 fully and the padded row only on its real positions
  if (gold.has('padded.attention_mask')) {
    const maskT = get('padded.attention_mask');
    const mask = Array.from({ length: B }, (_, b) => Array.from(maskT.data.subarray(b * T, (b + 1) * T)));
    const padded = await model.forward({ inputIds: rows, attentionMask: mask, capture: [`resid_post.${layer}`] });
    const realOnly = (width: number) => (i: number) => {
      const b = Math.floor(i / (T * width)),
        t = Math.floor(i / width) % T;
      return b !== padded_row || t < padded_from;
    };
    record('padded.logits', padded.logits!.data, realOnly(V), `row ${padded_row} positions 0..${padded_from - 1}`);
    record(
      `padded.resid_post.${layer}`,
      padded.hooks[`resid_post.${layer}`]!.data,
      realOnly(H),
      `row ${padded_row} positions 0..${padded_from - 1}`,
    );
  }
  if (gold.has('steer.vector')) {
    const steered = await model.forward({
      inputIds: rows,
      steer: [{ layer, vector: get('steer.vector').data }],
      capture: [`resid_post.${L - 1}`],
    });
    record('steer.logits', steered.logits!.data);
    record(`steer.resid_post.${L - 1}`, steered.hooks[`resid_post.${L - 1}`]!.data);
  }
  if (gold.has('patch.vector')) {
    const patched = await model.forward({
      inputIds: rows,
      patch: [{ layer, position: patch_position, vector: get('patch.vector').data }],
    });
    record('patch.logits', patched.logits!.data);
  }
  if (gold.has('generate.output')) {
    const prompt = Array.from(get('generate.prompt').data);
    const expected = Array.from(get('generate.output').data);
    const gen = await model.generate({ prompts: [prompt], maxNewTokens: expected.length - prompt.length });
    const got = [...prompt, ...gen.tokens[0]];
    let mismatches = 0;
    for (let i = 0; i < expected.length; i++) if (got[i] !== expected[i]) mismatches++;
    checks.push({
      case: c.name,
      tensor: 'generate.output',
      maxAbsError: mismatches,
      relError: mismatches / expected.length,
      pass: mismatches === 0,
      note: mismatches
        ? `expected [${expected}] got [${got}]`
        : `${expected.length - prompt.length} greedy tokens identical`,
    });
  }
  return checks;
}
