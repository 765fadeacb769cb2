// softmax(logits / temperature) over whole rows [B, V] in ONNX Runtime (float32, vectorised exp).
// Sampling needs every row's probabilities over the whole vocabulary at every step; in JavaScript
// (float64, one Math.exp per token) that was a third of a zoo decode step at 70 rows
// (reports/perf/NOTES.md change 22). It always runs on the CPU, where the logits already are.
import ort from 'onnxruntime-node';
import { Graph, attr } from '../onnx/graph.ts';

const OPSET = 21;

function softmaxGraph(): Uint8Array {
  const g = new Graph();
  const logits = g.input('logits', 'float32', ['B', 'V']);
  const temperature = g.input('temperature', 'float32', []);
  g.output(g.op('Softmax', [g.op('Div', [logits, temperature])], { axis: attr.i(-1) }), 'probs', 'float32', ['B', 'V']);
  return g.serialize({ '': OPSET });
}

export class SoftmaxSession {
  private constructor(private readonly session: ort.InferenceSession) {}

  static async create(opts: { threads?: number; spinning?: boolean } = {}): Promise<SoftmaxSession> {
    const spin = opts.spinning ? '1' : '0';
    const session = await ort.InferenceSession.create(softmaxGraph(), {
      executionProviders: ['cpu'], executionMode: 'sequential',
      ...(opts.threads ? { intraOpNumThreads: opts.threads, interOpNumThreads: 1 } : {}),
      extra: { session: { intra_op: { allow_spinning: spin }, inter_op: { allow_spinning: spin } } },
    });
    return new SoftmaxSession(session);
  }

  /** probs[B, V] of logits[B, V] (row-major) at `temperature` > 0. */
  async run(logits: Float32Array, B: number, V: number, temperature: number): Promise<Float32Array> {
    if (logits.length !== B * V) throw new Error(`softmax: ${logits.length} logits is not ${B} rows x ${V}`);
    if (!(temperature > 0)) throw new Error(`softmax: temperature must be > 0, got ${temperature}`);
    const out = await this.session.run({
      logits: new ort.Tensor('float32', logits, [B, V]),
      temperature: new ort.Tensor('float32', Float32Array.of(temperature), []),
    });
    return out.probs.data as Float32Array;
  }

  release(): Promise<void> {
    return this.session.release();
  }
}
