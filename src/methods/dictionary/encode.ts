// Latent activations of a trained or loaded dictionary for raw activation rows, in ONNX Runtime, in chunks.
import ort from 'onnxruntime-node';
import { dictionarySession } from './graphs.ts';
import { normalizeRows } from './normalize.ts';
import type { DictionaryWeights } from './types.ts';

export interface Encoded {
  /** [N, F] latent activations (threshold encoding, as the library's use_threshold=True). */
  f: Float32Array;
  /** [N, S·H] reconstructions in the normalised space. */
  xhat: Float32Array;
  /** [N, S·H] the normalised inputs. */
  x: Float32Array;
}

export async function encodeRows(w: DictionaryWeights, rows: Float32Array, N: number, chunk = 512): Promise<Encoded> {
  const D = w.sides * w.H;
  if (rows.length !== N * D)
    throw new Error(`encodeRows: ${rows.length} values is not ${N} rows of ${D} (${w.sides} side(s) × ${w.H})`);
  const x = normalizeRows(rows, w.H, w.normalizer);
  const session = await dictionarySession('encode', { kind: w.kind, sides: w.sides, H: w.H, F: w.F });
  const f = new Float32Array(N * w.F);
  const xhat = new Float32Array(N * D);
  const weights = {
    encW: new ort.Tensor('float32', w.encW, [D, w.F]),
    encB: new ort.Tensor('float32', w.encB, [w.F]),
    decW: new ort.Tensor('float32', w.decW, [w.F, D]),
    decB: new ort.Tensor('float32', w.decB, [D]),
    threshold: new ort.Tensor('float32', Float32Array.of(w.threshold), []),
  };
  for (let start = 0; start < N; start += chunk) {
    const n = Math.min(chunk, N - start);
    const out = await session.run({
      x: new ort.Tensor('float32', x.subarray(start * D, (start + n) * D), [n, D]),
      ...weights,
    });
    f.set(out.f.data as Float32Array, start * w.F);
    xhat.set(out.xhat.data as Float32Array, start * D);
  }
  return { f, xhat, x };
}

/** Fraction of variance unexplained: Σ‖x − x̂‖² / Σ‖x − mean x‖² over the rows. */
export function fractionUnexplained(e: Encoded, N: number, D: number): number {
  const mean = new Float64Array(D);
  for (let i = 0; i < N * D; i++) mean[i % D] += e.x[i] / N;
  let err = 0,
    total = 0;
  for (let i = 0; i < N * D; i++) {
    err += (e.x[i] - e.xhat[i]) ** 2;
    total += (e.x[i] - mean[i % D]) ** 2;
  }
  return total > 0 ? err / total : 0;
}
