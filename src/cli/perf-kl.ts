// Per-token cost of the kl method's KL(finetuned || base) at a real vocabulary size on synthetic logits:
// float64 JavaScript (log softmax of both rows, KL, the summed log-prob difference) against ONNX Runtime
// (rowKl, float32, the same outputs). Usage: npx tsx src/cli/perf-kl.ts [vocab] [rows]
import { klDivergence, logSoftmax } from '../methods/shared/logprobs.ts';
import { rowKl } from '../runtime/vocab-ops.ts';
import { xorshift32 } from '../xorshift.ts';

const V = Number(process.argv[2] ?? 151936);
const N = Number(process.argv[3] ?? 64);
const rand = xorshift32(7);
const p = Float32Array.from({ length: N * V }, () => 8 * (rand() - 0.5));
const q = Float32Array.from(p, (x) => x + 0.5 * (rand() - 0.5));

function javascript(): number[] {
  const lp = new Float64Array(V),
    lq = new Float64Array(V),
    diff = new Float64Array(V);
  const kls: number[] = [];
  for (let i = 0; i < N; i++) {
    logSoftmax(p.subarray(i * V, (i + 1) * V), lp);
    logSoftmax(q.subarray(i * V, (i + 1) * V), lq);
    kls.push(klDivergence(lp, lq));
    for (let v = 0; v < V; v++) diff[v] += lp[v] - lq[v];
  }
  return kls;
}

async function onnx(): Promise<number[]> {
  const diff = new Float64Array(V);
  const { kl, diffSum } = await rowKl(p, q, N, V);
  for (let v = 0; v < V; v++) diff[v] += diffSum[v];
  return [...kl];
}

async function msPerToken(run: () => unknown): Promise<number> {
  let best = Infinity;
  for (let r = 0; r < 3; r++) {
    const t = performance.now();
    await run();
    best = Math.min(best, (performance.now() - t) / N);
  }
  return best;
}

await onnx(); // session creation
const js = await msPerToken(javascript);
const ort = await msPerToken(onnx);
const ref = javascript(),
  got = await onnx();
const err = Math.max(...ref.map((k, i) => Math.abs(k - got[i])));
console.log(
  `V ${V}, ${N} rows, best of 3: JavaScript float64 ${js.toFixed(2)} ms/token, ONNX Runtime float32 ${ort.toFixed(2)} ms/token (x${(js / ort).toFixed(1)}); max |KL error| ${err.toExponential(2)} nats (mean KL ${(ref.reduce((a, b) => a + b, 0) / N).toFixed(4)})`,
);
