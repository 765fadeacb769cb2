// Whole-vocabulary operations on rows of logits [N, V] in ONNX Runtime (float32, vectorised exp):
// softmax(logits / temperature) for sampling, −log softmax(logits)[target] for perplexity and the per-token
// KL(finetuned || base) of the kl method. Each ran
// in JavaScript (float64, one Math.exp per vocabulary entry): a third of a zoo decode step at 70 rows,
// and most of the perplexity grader's time (reports/perf/NOTES.md change 22). One single-threaded CPU
// session each per process, whatever device the model runs on: the logits are already on the CPU.
import ort from 'onnxruntime-node';
import { Graph, attr } from '../onnx/graph.ts';

const OPSET = 21;

function softmaxGraph(): Uint8Array {
  const g = new Graph();
  const logits = g.input('logits', 'float32', ['N', 'V']);
  const temperature = g.input('temperature', 'float32', []);
  g.output(g.op('Softmax', [g.op('Div', [logits, temperature])], { axis: attr.i(-1) }), 'probs', 'float32', ['N', 'V']);
  return g.serialize({ '': OPSET });
}

function nllGraph(): Uint8Array {
  const g = new Graph();
  const logits = g.input('logits', 'float32', ['N', 'V']);
  const targets = g.input('targets', 'int64', ['N']);
  const logp = g.op('LogSoftmax', [logits], { axis: attr.i(-1) });
  const picked = g.op('GatherElements', [logp, g.op('Unsqueeze', [targets, g.ints([1])])], { axis: attr.i(1) });
  g.output(g.op('Neg', [g.op('Squeeze', [picked, g.ints([1])])]), 'nll', 'float32', ['N']);
  return g.serialize({ '': OPSET });
}

function klGraph(): Uint8Array {
  const g = new Graph();
  const p = g.input('p_logits', 'float32', ['N', 'V']);
  const q = g.input('q_logits', 'float32', ['N', 'V']);
  const logP = g.op('LogSoftmax', [p], { axis: attr.i(-1) });
  const diff = g.op('Sub', [logP, g.op('LogSoftmax', [q], { axis: attr.i(-1) })]);
  const kl = g.op('ReduceSum', [g.op('Mul', [g.op('Exp', [logP]), diff]), g.ints([-1])], { keepdims: attr.i(0) });
  g.output(kl, 'kl', 'float32', ['N']);
  g.output(g.op('ReduceSum', [diff, g.ints([0])], { keepdims: attr.i(0) }), 'diff_sum', 'float32', ['V']);
  return g.serialize({ '': OPSET });
}

const sessions = new Map<string, Promise<ort.InferenceSession>>();

function session(name: string, graph: () => Uint8Array): Promise<ort.InferenceSession> {
  let s = sessions.get(name);
  if (!s) {
    sessions.set(
      name,
      (s = ort.InferenceSession.create(graph(), {
        executionProviders: ['cpu'],
        executionMode: 'sequential',
        intraOpNumThreads: 1,
        interOpNumThreads: 1,
        extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
      })),
    );
  }
  return s;
}

function checkRows(what: string, logits: Float32Array, N: number, V: number): void {
  if (!(V > 0) || logits.length !== N * V) throw new Error(`${what}: ${logits.length} logits is not ${N} rows x ${V}`);
}

/** probs[N, V] = softmax(logits[N, V] / temperature), temperature > 0. */
export async function softmaxRows(
  logits: Float32Array,
  N: number,
  V: number,
  temperature: number,
): Promise<Float32Array> {
  checkRows('softmaxRows', logits, N, V);
  if (!(temperature > 0)) throw new Error(`softmaxRows: temperature must be > 0, got ${temperature}`);
  const out = await (await session('softmax', softmaxGraph)).run({
    logits: new ort.Tensor('float32', logits, [N, V]),
    temperature: new ort.Tensor('float32', Float32Array.of(temperature), []),
  });
  return out.probs.data as Float32Array;
}

/** nll[i] = −log softmax(logits[i, :])[targets[i]] for N rows of logits [N, V]. */
export async function tokenNll(logits: Float32Array, V: number, targets: ArrayLike<number>): Promise<Float32Array> {
  const N = targets.length;
  checkRows('tokenNll', logits, N, V);
  for (let i = 0; i < N; i++)
    if (!(targets[i] >= 0 && targets[i] < V))
      throw new Error(`tokenNll: target ${targets[i]} of row ${i} is outside the vocabulary (0..${V - 1})`);
  const out = await (await session('nll', nllGraph)).run({
    logits: new ort.Tensor('float32', logits, [N, V]),
    targets: new ort.Tensor('int64', BigInt64Array.from(Array.from(targets), BigInt), [N]),
  });
  return out.nll.data as Float32Array;
}

export interface RowKl {
  /** [N] KL(p || q) of each row's softmax, in nats (clamped at 0: float32 rounding can go below). */
  kl: Float32Array;
  /** [V] Σ over rows of log softmax(p) − log softmax(q). */
  diffSum: Float32Array;
}

/** Per-row KL(softmax(p) || softmax(q)) of two [N, V] logit buffers, and the rows' summed log-prob difference. */
export async function rowKl(p: Float32Array, q: Float32Array, N: number, V: number): Promise<RowKl> {
  checkRows('rowKl', p, N, V);
  checkRows('rowKl', q, N, V);
  const out = await (await session('kl', klGraph)).run({
    p_logits: new ort.Tensor('float32', p, [N, V]),
    q_logits: new ort.Tensor('float32', q, [N, V]),
  });
  const kl = out.kl.data as Float32Array;
  for (let i = 0; i < N; i++) if (kl[i] < 0) kl[i] = 0;
  return { kl, diffSum: out.diff_sum.data as Float32Array };
}
