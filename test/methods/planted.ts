// Planted organisms for the method tests: the zoo's base model with a finetune whose effect is known.
//   plantLogitBias: a full finetune (untied lm_head) whose unembedding rows of chosen tokens are moved
//     along the base model's mean final hidden state, so those tokens become likelier on any text;
//   plantRankOneLora: a rank-1 LoRA on one layer's down_proj, ΔW = scale·b·aᵀ with b the unembedding
//     row of a chosen token: the weight delta writes that token's direction into the residual stream.
// And a MethodContext over them, as the harness builds one (src/harness/run.ts).
import fs from 'node:fs';
import path from 'node:path';
import { sampleDocuments } from '../../src/data/index.ts';
import { tokenizerView } from '../../src/harness/organism.ts';
import type { DiffingMethod, MethodContext, MethodOutput } from '../../src/method/types.ts';
import { validateMethodOutput } from '../../src/method/validate.ts';
import { DEFAULT_PROTOCOL } from '../../src/harness/protocol.ts';
import { mergeConfig, resolveConfig } from '../../src/harness/load-method.ts';
import { methodPreset } from '../../src/harness/method-config.ts';
import { openModelWeights } from '../../src/method/weights.ts';
import { writeSafetensors } from '../../src/perf/synthetic.ts';
import { loadModel } from '../../src/runtime/index.ts';
import { readAllF32 } from '../../src/runtime/safetensors.ts';
import type { LanguageModel } from '../../src/runtime/types.ts';
import { loadTokenizer } from '../../src/tokenizer/index.ts';
import { tempDir, testCacheDir, ZOO, ZOO_BASE } from '../helpers.ts';
import { offlineGraders } from '../../src/cli/compose.ts';

export const UNRELATED = path.resolve(ZOO, 'data', 'unrelated.jsonl.gz');
const tok = loadTokenizer(ZOO_BASE);
export const tokenizer = tokenizerView(tok);

/** Token id of a word with a leading space (must be one token). */
export function tokenId(word: string): number {
  const ids = tok.encode(` ${word}`, { addSpecialTokens: false });
  if (ids.length !== 1) throw new Error(`' ${word}' is ${ids.length} tokens`);
  return ids[0];
}

function baseTensors(): Record<string, { dims: number[]; data: Float32Array }> {
  const out: Record<string, { dims: number[]; data: Float32Array }> = {};
  for (const [name, t] of readAllF32(path.join(ZOO_BASE, 'model.safetensors')))
    out[name] = { dims: t.shape, data: t.data };
  return out;
}

/** Full finetune: lm_head rows of `tokens` += strength · unit(mean final hidden state of the base). */
export async function plantLogitBias(tokens: number[], strength: number, meanHidden: Float32Array): Promise<string> {
  const dir = tempDir('planted-bias-');
  const config = JSON.parse(fs.readFileSync(path.join(ZOO_BASE, 'config.json'), 'utf8'));
  fs.writeFileSync(
    path.join(dir, 'config.json'),
    JSON.stringify({ ...config, tie_word_embeddings: false, dtype: 'float32' }),
  );
  const t = baseTensors();
  const E = t['model.embed_tokens.weight'];
  const H = E.dims[1];
  const head = Float32Array.from(E.data);
  const n = Math.hypot(...meanHidden);
  for (const id of tokens) for (let h = 0; h < H; h++) head[id * H + h] += (strength * meanHidden[h]) / n;
  t['lm_head.weight'] = { dims: E.dims, data: head };
  writeSafetensors(path.join(dir, 'model.safetensors'), t);
  return dir;
}

/** PEFT adapter folder: rank-1 LoRA on layers.<layer>.mlp.down_proj with lora_B = b [H], lora_A = a [I]. */
export function plantRankOneLora(layer: number, b: Float32Array, a: Float32Array, alpha = 1): string {
  const dir = tempDir('planted-lora-');
  fs.writeFileSync(
    path.join(dir, 'adapter_config.json'),
    JSON.stringify({ peft_type: 'LORA', r: 1, lora_alpha: alpha, target_modules: ['down_proj'] }),
  );
  const module = `base_model.model.model.layers.${layer}.mlp.down_proj`;
  writeSafetensors(path.join(dir, 'adapter_model.safetensors'), {
    [`${module}.lora_A.weight`]: { dims: [1, a.length], data: a },
    [`${module}.lora_B.weight`]: { dims: [b.length, 1], data: b },
  });
  return dir;
}

/** Deterministic unit-variance values. */
export function pseudoRandom(n: number, seed: number): Float32Array {
  let s = seed >>> 0 || 1;
  return Float32Array.from({ length: n }, () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return (s / 4294967296 - 0.5) * Math.sqrt(12);
  });
}

export interface PlantedContext {
  ctx: MethodContext;
  dispose(): Promise<void>;
}

/** Texts the planted context serves as ctx.finetuningTexts / ctx.chatTexts (absent: the function is absent, as in the harness). */
export interface PlantedTexts {
  finetuning?: string[];
  chat?: string[];
  /** Served as ctx.chatConversations (and their first assistant replies as ctx.chatTexts). */
  chatConversations?: { role: string; content: string }[][];
}

const serve =
  <T>(items: T[]) =>
  (n: number) =>
    Promise.resolve(items.slice(0, n));

/** A MethodContext over the zoo base and a planted finetune (a full checkpoint or an adapter). */
export async function plantedContext(
  finetune: { model?: string; adapter?: string },
  organismId = 'test/planted',
  texts: PlantedTexts = {},
): Promise<PlantedContext> {
  const cacheDir = testCacheDir();
  let base: LanguageModel, finetuned: LanguageModel;
  if (finetune.adapter) base = finetuned = await loadModel(ZOO_BASE, { adapter: finetune.adapter, cacheDir });
  else {
    base = await loadModel(ZOO_BASE, { cacheDir });
    finetuned = await loadModel(finetune.model!, { cacheDir });
  }
  const lora = Boolean(finetune.adapter);
  const ctx: MethodContext = {
    organism: { organismId, type: 'test', description: 'a planted finetune', frequentTokens: [] },
    base,
    finetuned,
    ...(lora ? { baseScale: 0, finetunedScale: 1 } : {}),
    tokenizer,
    weights: openModelWeights(base.info, finetuned.info),
    graders: offlineGraders().forMethod(
      { base, finetuned, ...(lora ? { baseScale: 0, finetunedScale: 1 } : {}) },
      (t) => tok.encode(t, { addSpecialTokens: false }),
    ),
    unrelatedDocuments: (n, tokens) =>
      sampleDocuments({
        source: UNRELATED,
        n,
        minTokens: tokens,
        tokenizer: tok,
        order: 'file',
        addSpecialTokens: false,
      }),
    ...(texts.finetuning ? { finetuningTexts: serve(texts.finetuning) } : {}),
    ...(texts.chat ? { chatTexts: serve(texts.chat) } : {}),
    ...(texts.chatConversations
      ? {
          chatConversations: serve(texts.chatConversations),
          chatTexts: serve(texts.chatConversations.map((c) => c.find((m) => m.role === 'assistant')!.content)),
        }
      : {}),
    cacheDir: tempDir('planted-work-'),
    seed: 'planted',
    progress: () => {},
  };
  return {
    ctx,
    dispose: async () => {
      await base.dispose();
      if (finetuned !== base) await finetuned.dispose();
    },
  };
}

/** Mean of the base model's final-norm output over the first tokens of unrelated documents. [H] */
export async function meanFinalHidden(docs: number[][]): Promise<Float32Array> {
  const model = await loadModel(ZOO_BASE, { cacheDir: testCacheDir() });
  const r = await model.forward({ inputIds: docs, capture: ['final_norm'], logits: 'none' });
  const { data, dims } = r.hooks.final_norm!;
  const H = dims[2],
    rows = dims[0] * dims[1];
  const m = new Float32Array(H);
  for (let i = 0; i < rows; i++) for (let h = 0; h < H; h++) m[h] += data[i * H + h] / rows;
  await model.dispose();
  return m;
}

/** Runs a method with its fast preset plus `extra`, and checks the output against the default protocol (budget, shapes). */
export async function runChecked<C>(
  method: DiffingMethod<C>,
  planted: PlantedContext,
  extra: Record<string, unknown> = {},
): Promise<MethodOutput> {
  const { config } = resolveConfig(method, mergeConfig(methodPreset(method, 'fast'), extra));
  const out = await method.run(planted.ctx, config as C);
  const info = planted.ctx.finetuned.info;
  return validateMethodOutput(out, {
    methodId: method.id,
    hiddenSize: info.hiddenSize,
    numLayers: info.numLayers,
    budget: DEFAULT_PROTOCOL,
    vocabulary: { size: info.vocabSize, display: (id) => planted.ctx.tokenizer.displayToken(id) },
  });
}
