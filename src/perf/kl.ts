// Per-token cost of the kl method's KL(finetuned || base) at a real vocabulary size, on synthetic logits:
// float64 JavaScript (log softmax of both rows, KL, the summed log-prob difference) against ONNX Runtime
// (rowKl, float32, the same outputs), best of `reps`.
import { klDivergence, logSoftmax } from '../vector.ts';
import { rowKl } from '../runtime/vocab-ops.ts';
import { xorshift32 } from '../xorshift.ts';

export interface KlFigure {
  vocab: number;
  rows: number;
  js_ms_per_token: number;
  ort_ms_per_token: number;
  ort_speedup: number;
  /** max |KL(ORT float32) - KL(JavaScript float64)| over the rows, nats */
  max_abs_error: number;
  mean_kl: number;
}

export async function klFigure(reps: number, vocab = 151936, rows = 64): Promise<KlFigure> {
  const rand = xorshift32(7);
  const p = Float32Array.from({ length: rows * vocab }, () => 8 * (rand() - 0.5));
  const q = Float32Array.from(p, (x) => x + 0.5 * (rand() - 0.5));

  const javascript = (): number[] => {
    const lp = new Float64Array(vocab),
      lq = new Float64Array(vocab),
      diff = new Float64Array(vocab);
    const kls: number[] = [];
    for (let i = 0; i < rows; i++) {
      logSoftmax(p.subarray(i * vocab, (i + 1) * vocab), lp);
      logSoftmax(q.subarray(i * vocab, (i + 1) * vocab), lq);
      kls.push(klDivergence(lp, lq));
      for (let v = 0; v < vocab; v++) diff[v] += lp[v] - lq[v];
    }
    return kls;
  };
  const onnx = async (): Promise<number[]> => [...(await rowKl(p, q, rows, vocab)).kl];
  const msPerToken = async (run: () => unknown): Promise<number> => {
    let best = Infinity;
    for (let r = 0; r < reps; r++) {
      const t = performance.now();
      await run();
      best = Math.min(best, (performance.now() - t) / rows);
    }
    return best;
  };

  const got = await onnx(); // also creates the session, outside the timing
  const ref = javascript();
  const js = await msPerToken(javascript);
  const ort = await msPerToken(onnx);
  return {
    vocab,
    rows,
    js_ms_per_token: js,
    ort_ms_per_token: ort,
    ort_speedup: js / ort,
    max_abs_error: Math.max(...ref.map((k, i) => Math.abs(k - got[i]))),
    mean_kl: ref.reduce((a, b) => a + b, 0) / rows,
  };
}
