// Base and finetuned forward passes over the same token ids, batch by batch. A LoRA organism (one model,
// loraScale 0 / 1) runs both sides as rows of one batch; separate models run one batch each.
import type { MethodContext } from '../../method/types.ts';
import type { ForwardResult, HookName, LogitsMode } from '../../runtime/types.ts';

export interface PairedBatch {
  /** Index of the batch's first document in `docs`. */
  start: number;
  /** Documents of this batch (token ids). */
  docs: number[][];
  base: ForwardResult;
  finetuned: ForwardResult;
}

export interface PairedOptions {
  hooks?: HookName[];
  logits?: LogitsMode;
  batchSize: number;
  /** Progress step name. */
  step: string;
}

/** Slices rows [from, to) of a [B, ...] tensor result. */
function rows(r: ForwardResult, from: number, to: number): ForwardResult {
  const cut = (t: { data: Float32Array; dims: number[] }) => {
    const per = t.dims.slice(1).reduce((a, b) => a * b, 1);
    return { data: t.data.subarray(from * per, to * per), dims: [to - from, ...t.dims.slice(1)] };
  };
  const hooks: ForwardResult['hooks'] = {};
  for (const [k, v] of Object.entries(r.hooks)) if (v) hooks[k as HookName] = cut(v);
  return { hooks, ...(r.logits ? { logits: cut(r.logits) } : {}) };
}

/** Calls `visit` for each batch with both sides' results ([B,T,H] hooks, [B,T,V] logits). */
export async function pairedForward(
  ctx: MethodContext,
  docs: number[][],
  opts: PairedOptions,
  visit: (batch: PairedBatch) => void | Promise<void>,
): Promise<void> {
  const shared = ctx.base === ctx.finetuned && ctx.baseScale !== undefined && ctx.finetunedScale !== undefined;
  const common = { capture: opts.hooks ?? [], logits: opts.logits ?? 'none' };
  const step = shared ? Math.max(1, Math.floor(opts.batchSize / 2)) : opts.batchSize;
  for (let start = 0; start < docs.length; start += step) {
    const batch = docs.slice(start, start + step);
    let base: ForwardResult, finetuned: ForwardResult;
    if (shared) {
      const scales = [...batch.map(() => ctx.baseScale!), ...batch.map(() => ctx.finetunedScale!)];
      const both = await ctx.finetuned.forward({ ...common, inputIds: [...batch, ...batch], loraScale: scales });
      base = rows(both, 0, batch.length);
      finetuned = rows(both, batch.length, 2 * batch.length);
    } else {
      base = await ctx.base.forward({ ...common, inputIds: batch, loraScale: ctx.baseScale });
      finetuned = await ctx.finetuned.forward({ ...common, inputIds: batch, loraScale: ctx.finetunedScale });
    }
    await visit({ start, docs: batch, base, finetuned });
    ctx.progress(opts.step, Math.min(start + step, docs.length), docs.length);
  }
}
