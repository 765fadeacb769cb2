// Training rows for a dictionary, streamed from the runtime: base and finetuned residuals at
// resid_post.<layer> over unrelated documents (a blind method sees no finetuning data), every position
// from `skip` on (the toolkit leaves out each sample's first tokens). Kept as base and finetuned [N, H]
// plus where each row came from (document, position) for max-activating contexts.
import type { MethodContext } from '../../method/types.ts';
import { pairedForward } from '../shared/forward.ts';

export interface PairedRows {
  N: number;
  H: number;
  base: Float32Array;
  ft: Float32Array;
  doc: Int32Array;
  pos: Int32Array;
  /** Mean ‖finetuned activation‖ over the rows: the unit of steering strength. */
  targetNorm: number;
}

export async function collectRows(
  ctx: MethodContext,
  docs: number[][],
  layer: number,
  skip: number,
  batchSize: number,
  step: string,
): Promise<PairedRows> {
  const H = ctx.finetuned.info.hiddenSize,
    T = docs[0].length;
  if (skip >= T) throw new Error(`${step}: skip (${skip}) must be below the document length (${T})`);
  const per = T - skip;
  const N = docs.length * per;
  const base = new Float32Array(N * H),
    ft = new Float32Array(N * H);
  const doc = new Int32Array(N),
    pos = new Int32Array(N);
  const hook = `resid_post.${layer}` as const;
  let normSum = 0;
  await pairedForward(
    ctx,
    docs,
    { hooks: [hook], batchSize, step },
    ({ start, docs: batch, base: b, finetuned: f }) => {
      const bd = b.hooks[hook]!.data,
        fd = f.hooks[hook]!.data;
      for (let d = 0; d < batch.length; d++)
        for (let p = skip; p < T; p++) {
          const row = (start + d) * per + (p - skip);
          base.set(bd.subarray((d * T + p) * H, (d * T + p + 1) * H), row * H);
          ft.set(fd.subarray((d * T + p) * H, (d * T + p + 1) * H), row * H);
          doc[row] = start + d;
          pos[row] = p;
          let s = 0;
          for (let h = 0; h < H; h++) s += fd[(d * T + p) * H + h] ** 2;
          normSum += Math.sqrt(s);
        }
    },
  );
  return { N, H, base, ft, doc, pos, targetNorm: normSum / N };
}

/** Crosscoder rows [N, 2H] (base, finetuned) or difference rows [N, H] (finetuned − base). */
export function dictionaryRows(r: PairedRows, kind: 'crosscoder' | 'sae-diff'): Float32Array {
  const { N, H } = r;
  if (kind === 'sae-diff') return Float32Array.from(r.ft, (x, i) => x - r.base[i]);
  const out = new Float32Array(N * 2 * H);
  for (let i = 0; i < N; i++) {
    out.set(r.base.subarray(i * H, (i + 1) * H), i * 2 * H);
    out.set(r.ft.subarray(i * H, (i + 1) * H), (i * 2 + 1) * H);
  }
  return out;
}
