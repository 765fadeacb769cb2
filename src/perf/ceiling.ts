// The ceiling: onnxruntime's own fp32 MatMul throughput on this machine for a model's linear shapes,
// measured in the same run with the same thread count. One graph holds one layer's projections
// (q, k, v, o, gate, up, down), each fed its own input so nothing but the MatMuls is timed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { Graph } from '../onnx/graph.ts';
import type { SyntheticShape } from './synthetic.ts';
import { timeBest } from './timing.ts';

export interface CeilingResult {
  rows: number;
  gflops: number;
  seconds: number;
}

/** [in, out] of each linear of one gated-MLP layer. */
export function layerLinears(s: Omit<SyntheticShape, 'layers' | 'vocab'>): [number, number][] {
  const qd = s.heads * s.headDim,
    kd = s.kvHeads * s.headDim;
  return [
    [s.hidden, qd],
    [s.hidden, kd],
    [s.hidden, kd],
    [qd, s.hidden],
    [s.hidden, s.intermediate],
    [s.hidden, s.intermediate],
    [s.intermediate, s.hidden],
  ];
}

export async function matmulCeiling(
  shapes: [number, number][],
  rows: number,
  threads: number,
  reps = 5,
  minSeconds = 1,
): Promise<CeilingResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'diffbench-ceiling-'));
  try {
    const g = new Graph();
    const weightsFile = path.join(dir, 'w.bin');
    const fd = fs.openSync(weightsFile, 'w');
    let offset = 0;
    const feeds: Record<string, ort.Tensor> = {};
    let flops = 0;
    shapes.forEach(([k, n], i) => {
      const w = new Float32Array(k * n).map((_, j) => ((j * 2654435761) % 1000) / 1000 - 0.5);
      fs.writeSync(fd, new Uint8Array(w.buffer));
      const x = g.input(`x${i}`, 'float32', [rows, k]);
      const y = g.op('MatMul', [x, g.external(`w${i}`, [k, n], 'w.bin', offset, w.byteLength)]);
      // Only a [1,1] corner leaves the session, so copying outputs to JavaScript is not timed.
      g.output(g.op('Slice', [y, g.ints([0, 0]), g.ints([1, 1])]), `y${i}`, 'float32', [1, 1]);
      offset += w.byteLength;
      feeds[`x${i}`] = new ort.Tensor('float32', new Float32Array(rows * k).fill(0.01), [rows, k]);
      flops += 2 * rows * k * n;
    });
    fs.closeSync(fd);
    const modelFile = path.join(dir, 'matmul.onnx');
    fs.writeFileSync(modelFile, g.serialize({ '': 21 }));
    const session = await ort.InferenceSession.create(modelFile, {
      graphOptimizationLevel: 'all',
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
    });
    const seconds = await timeBest(() => session.run(feeds), reps, minSeconds);
    await session.release();
    return { rows, gflops: flops / seconds / 1e9, seconds };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
