// Whole-vocabulary operations on rows of logits [N, V] in ONNX Runtime (float32, vectorised exp):
// softmax(logits / temperature) for sampling and −log softmax(logits)[target] for perplexity. Both ran
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
