// Next-token cross-entropy of the base, the finetuned model and the finetuned model with its component
// along each direction set to the base model's at every token of one layer (`causal`).
import type { MethodContext } from '../../method/types.ts';
import type { ForwardResult, PatchIntervention } from '../../runtime/types.ts';
import { tokenNll } from '../../runtime/vocab-ops.ts';
import { encodeConversation } from '../../tokenizer/chat-mask.ts';

export type Series = 'training' | 'pretraining' | 'chat';

/** Sums of per-target NLL over all targets and over those after afterK. */
export interface CeSum {
  all: number;
  after: number;
}

export interface CeSums {
  count: CeSum;
  finetuned: CeSum;
  base: CeSum;
  /** One per direction, in the order given. */
  directions: CeSum[];
}

export interface EvaluationDocuments {
  /** Token documents, ragged, at most maxTokens each. */
  docs: number[][];
  /**
   * [doc][position] true on tokens of assistant messages, where the series' data are conversations (through
   * the chat template, as the toolkit's causal effect): only targets inside them are scored. Absent: all are.
   */
  assistant?: boolean[][];
}

/** A series' token documents, or why it cannot be measured. */
export async function evaluationDocuments(
  ctx: MethodContext,
  series: Series,
  n: number,
  maxTokens: number,
): Promise<EvaluationDocuments | { notMeasurable: string }> {
  if (series === 'pretraining') return { docs: await ctx.unrelatedDocuments(n, maxTokens) };
  const texts = series === 'training' ? ctx.finetuningTexts : ctx.chatTexts;
  if (!texts)
    return {
      notMeasurable:
        series === 'training' ? 'the organism has no public finetuning data' : 'the suite has no chat dataset',
    };
  const conversations = series === 'training' ? ctx.finetuningConversations : ctx.chatConversations;
  const template = ctx.tokenizer.applyChatTemplate;
  const chats = conversations && template ? await conversations(n) : [];
  if (chats.length > 0 && template) {
    const out: Required<EvaluationDocuments> = { docs: [], assistant: [] };
    for (const messages of chats) {
      const { ids, assistant } = encodeConversation(
        { encode: ctx.tokenizer.encode, applyChatTemplate: template },
        messages,
      );
      if (ids.length < 2 || !assistant.slice(1, maxTokens).includes(true)) continue;
      out.docs.push(ids.slice(0, maxTokens));
      out.assistant.push(assistant.slice(0, maxTokens));
    }
    return out.docs.length ? out : { notMeasurable: `no ${series} conversation has an assistant token to predict` };
  }
  const docs = (await texts(n)).map((t) => ctx.tokenizer.encode(t).slice(0, maxTokens)).filter((ids) => ids.length > 1);
  return docs.length ? { docs } : { notMeasurable: `no ${series} text has 2 tokens` };
}

/**
 * Patches that give the finetuned residual `hf` the base residual `hb`'s component along unit `dir` at every
 * position of every row: hf + ((hb − hf)·dir) dir. Exact for the intervened forward: the layer's output at a
 * token depends only on earlier layers, which the patch leaves alone.
 */
function projectionPatches(
  layer: number,
  hb: Float32Array,
  hf: Float32Array,
  dir: Float64Array,
  B: number,
  T: number,
): PatchIntervention[] {
  const H = dir.length;
  return Array.from({ length: T }, (_, t) => {
    const vector = new Float32Array(B * H);
    for (let b = 0; b < B; b++) {
      const at = (b * T + t) * H;
      let c = 0;
      for (let h = 0; h < H; h++) c += (hb[at + h] - hf[at + h]) * dir[h];
      for (let h = 0; h < H; h++) vector[b * H + h] = hf[at + h] + c * dir[h];
    }
    return { layer, position: t, vector };
  });
}

interface Targets {
  ids: Int32Array;
  /** 1 where position t predicts a real token (t + 1 < the row's length) that is scored (an assistant token
   * where the row has a mask). */
  valid: Uint8Array;
}

function targetsOf(batch: number[][], masks: (boolean[] | undefined)[], T: number): Targets {
  const ids = new Int32Array(batch.length * T),
    valid = new Uint8Array(batch.length * T);
  batch.forEach((row, b) => {
    for (let t = 0; t + 1 < row.length; t++) {
      ids[b * T + t] = row[t + 1];
      valid[b * T + t] = masks[b] === undefined || masks[b]![t + 1] ? 1 : 0;
    }
  });
  return { ids, valid };
}

async function addNll(sum: CeSum, r: ForwardResult, tg: Targets, T: number, afterK: number): Promise<void> {
  const V = r.logits!.dims[2];
  const nll = await tokenNll(r.logits!.data, V, tg.ids);
  for (let i = 0; i < nll.length; i++) {
    if (!tg.valid[i]) continue;
    sum.all += nll[i];
    if (i % T > afterK) sum.after += nll[i];
  }
}

export interface CeOptions {
  layer: number;
  afterK: number;
  batchSize: number;
  step: string;
}

export async function ceSums(
  ctx: MethodContext,
  { docs, assistant }: EvaluationDocuments,
  directions: Float64Array[],
  o: CeOptions,
): Promise<CeSums> {
  const zero = (): CeSum => ({ all: 0, after: 0 });
  const s: CeSums = { count: zero(), finetuned: zero(), base: zero(), directions: directions.map(zero) };
  const hook = `resid_post.${o.layer}` as const;
  // longest first, as the toolkit batches, so rows of a batch have similar lengths
  const order = docs.map((_, i) => i).sort((a, b) => docs[b].length - docs[a].length);
  for (let start = 0; start < order.length; start += o.batchSize) {
    const rows = order.slice(start, start + o.batchSize);
    const batch = rows.map((i) => docs[i]);
    const T = batch[0].length;
    const tg = targetsOf(
      batch,
      rows.map((i) => assistant?.[i]),
      T,
    );
    tg.valid.forEach((v, i) => {
      if (!v) return;
      s.count.all++;
      if (i % T > o.afterK) s.count.after++;
    });
    const base = await ctx.base.forward({ inputIds: batch, capture: [hook], logits: 'all', loraScale: ctx.baseScale });
    await addNll(s.base, base, tg, T, o.afterK);
    const ft = await ctx.finetuned.forward({
      inputIds: batch,
      capture: [hook],
      logits: 'all',
      loraScale: ctx.finetunedScale,
    });
    await addNll(s.finetuned, ft, tg, T, o.afterK);
    const hb = base.hooks[hook]!.data,
      hf = ft.hooks[hook]!.data;
    for (const [k, dir] of directions.entries()) {
      const patch = projectionPatches(o.layer, hb, hf, dir, batch.length, T);
      const r = await ctx.finetuned.forward({ inputIds: batch, patch, logits: 'all', loraScale: ctx.finetunedScale });
      await addNll(s.directions[k], r, tg, T, o.afterK);
    }
    ctx.progress(o.step, Math.min(start + o.batchSize, order.length), order.length);
  }
  return s;
}
