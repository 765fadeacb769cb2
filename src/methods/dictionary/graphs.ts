// ONNX graphs for BatchTopK dictionaries, built in memory and run on ONNX Runtime's CPU provider:
//   trainStep: forward pass, the training library's losses and their hand-derived gradients in one run;
//   encode:    latent activations at inference (threshold), and the reconstruction.
// Weights are graph inputs (they change every step), so one session serves every step and dictionary of a
// shape. The losses (dictionary_learning's BatchTopK trainers):
//   SAE:        mean_b ‖x̂ − x‖²                        (BatchTopKTrainer)
//   crosscoder: mean_{b,side} ‖x̂_side − x_side‖        (BatchTopKCrossCoderTrainer: the norm, not its square)
//   + auxAlpha · AuxK: the residual x − x̂ (no gradient) reconstructed from each row's top kAux dead latents
//     through the decoder without bias, ‖r − r̂‖² averaged over rows, divided by the residual's variance.
// Top-k is over the whole batch (k·B activations) of activation × code norm (crosscoder: Σ_side ‖decoder row‖;
// SAE: 1). The selection carries no gradient, as in PyTorch's topk + scatter.
import ort from 'onnxruntime-node';
import { Graph, attr } from '../../onnx/graph.ts';
import { codeNormalised, preBias, type DictionaryKind } from './types.ts';

const OPSET = 21;

export interface GraphShape {
  kind: DictionaryKind;
  sides: number;
  H: number;
  F: number;
}

/** Code norm per latent [F]: Σ_side ‖decW[f, side, :]‖ (crosscoder) or a constant 1. */
function codeNorm(g: Graph, s: GraphShape, decW: string): string {
  if (!codeNormalised(s.kind)) return g.scalar(1);
  const perSide = g.op('Reshape', [decW, g.ints([s.F, s.sides, s.H])]);
  const norms = g.op('ReduceL2', [perSide, g.ints([2])], { keepdims: attr.i(0) }); // [F, S]
  return g.op('ReduceSum', [norms, g.ints([1])], { keepdims: attr.i(0) }); // [F]
}

/** Shared front: normalised rows in, pre-activations, ReLU output and the code-normalised ranking score. */
function encoderFront(g: Graph, s: GraphShape, x: string, encW: string, encB: string, decW: string, decB: string) {
  const xin = preBias(s.kind) ? g.op('Sub', [x, decB]) : x;
  const pre = g.op('Add', [g.op('MatMul', [xin, encW]), encB]); // [B, F]
  const post = g.op('Relu', [pre]);
  const scaled = g.op('Mul', [post, codeNorm(g, s, decW)]);
  return { xin, pre, post, scaled };
}

/** A [B, F] 0/1 mask with ones at `indices` along `axis` of a tensor shaped like `like`. */
function scatterOnes(g: Graph, like: string, indices: string, axis: number): string {
  const zeros = g.op('Mul', [like, g.scalar(0)]);
  const ones = g.op('Add', [g.op('Mul', [g.op('Cast', [indices], { to: attr.i(1) }), g.scalar(0)]), g.scalar(1)]);
  return g.op('ScatterElements', [zeros, indices, ones], { axis: attr.i(axis) });
}

function trainStepGraph(s: GraphShape): Uint8Array {
  const g = new Graph();
  const D = s.sides * s.H;
  const x = g.input('x', 'float32', ['B', D]);
  const encW = g.input('encW', 'float32', [D, s.F]);
  const encB = g.input('encB', 'float32', [s.F]);
  const decW = g.input('decW', 'float32', [s.F, D]);
  const decB = g.input('decB', 'float32', [D]);
  const kTotal = g.input('kTotal', 'int64', [1]); // k · B
  const dead = g.input('dead', 'float32', [s.F]); // 1 = dead latent
  const kAux = g.input('kAux', 'int64', [1]);
  const auxAlpha = g.input('auxAlpha', 'float32', []); // 0 when no latent is dead

  const { xin, pre, post, scaled } = encoderFront(g, s, x, encW, encB, decW, decB);
  const B = g.op('Cast', [g.op('Shape', [x], { start: attr.i(0), end: attr.i(1) })], { to: attr.i(1) }); // [1] float

  // batch top-k: a mask over the flattened [B·F] scores
  const flat = g.op('Reshape', [scaled, g.ints([-1])]);
  const [, topIdx] = g.opN('TopK', [flat, kTotal], 2, { axis: attr.i(0), largest: attr.i(1), sorted: attr.i(0) });
  const mask = g.op('Reshape', [scatterOnes(g, flat, topIdx, 0), g.op('Shape', [scaled])]);
  const f = g.op('Mul', [post, mask]);
  const xhat = g.op('Add', [g.op('MatMul', [f, decW]), decB]);
  const e = g.op('Sub', [xhat, x]); // [B, D]

  // main loss and dL/dx̂
  let loss: string, gXhat: string;
  if (s.kind === 'crosscoder') {
    const e3 = g.op('Reshape', [e, g.ints([-1, s.sides, s.H])]);
    const n = g.op('ReduceL2', [e3, g.ints([2])], { keepdims: attr.i(1) }); // [B, S, 1]
    const count = g.op('Mul', [B, g.scalar(s.sides)]);
    loss = g.op('Div', [g.op('ReduceSum', [n], { keepdims: attr.i(0) }), g.op('Squeeze', [count, g.ints([0])])]);
    const gE3 = g.op('Div', [e3, g.op('Mul', [g.op('Max', [n, g.scalar(1e-12)]), count])]);
    gXhat = g.op('Reshape', [gE3, g.ints([-1, D])]);
  } else {
    const sq = g.op('ReduceSum', [g.op('Mul', [e, e])], { keepdims: attr.i(0) });
    loss = g.op('Div', [sq, g.op('Squeeze', [B, g.ints([0])])]);
    gXhat = g.op('Div', [g.op('Mul', [e, g.scalar(2)]), B]);
  }

  // AuxK: each row's top kAux dead latents (by score) reconstruct the residual r = x − x̂
  const deadRow = g.op('Unsqueeze', [dead, g.ints([0])]); // [1, F]
  const auxScore = g.op('Where', [
    g.op('Greater', [deadRow, g.scalar(0.5)]),
    scaled,
    g.op('Sub', [g.op('Mul', [scaled, g.scalar(0)]), g.scalar(1)]),
  ]);
  const [, auxIdx] = g.opN('TopK', [auxScore, kAux], 2, { axis: attr.i(1), largest: attr.i(1), sorted: attr.i(0) });
  const auxMask = g.op('Mul', [scatterOnes(g, scaled, auxIdx, 1), deadRow]);
  const a = g.op('Mul', [post, auxMask]);
  const r = g.op('Neg', [e]);
  const rAux = g.op('Sub', [r, g.op('MatMul', [a, decW])]);
  const auxRaw = g.op('Div', [
    g.op('ReduceSum', [g.op('Mul', [rAux, rAux])], { keepdims: attr.i(0) }),
    g.op('Squeeze', [B, g.ints([0])]),
  ]);
  const rc = g.op('Sub', [r, g.op('ReduceMean', [r, g.ints([0])], { keepdims: attr.i(1) })]);
  const denom = g.op('Div', [
    g.op('ReduceSum', [g.op('Mul', [rc, rc])], { keepdims: attr.i(0) }),
    g.op('Squeeze', [B, g.ints([0])]),
  ]);
  const safeDenom = g.op('Max', [denom, g.scalar(1e-20)]);
  const auxLoss = g.op('Div', [auxRaw, safeDenom]);
  // d(auxAlpha · auxLoss)/dr̂ = −2 (r − r̂) · auxAlpha / (B · denom)
  const gRhat = g.op('Div', [g.op('Mul', [rAux, g.op('Mul', [auxAlpha, g.scalar(-2)])]), g.op('Mul', [B, safeDenom])]);

  // backward
  const decWt = g.op('Transpose', [decW], { perm: attr.ints([1, 0]) });
  const gDecW = g.op('Add', [
    g.op('MatMul', [g.op('Transpose', [f], { perm: attr.ints([1, 0]) }), gXhat]),
    g.op('MatMul', [g.op('Transpose', [a], { perm: attr.ints([1, 0]) }), gRhat]),
  ]);
  const gPost = g.op('Add', [
    g.op('Mul', [g.op('MatMul', [gXhat, decWt]), mask]),
    g.op('Mul', [g.op('MatMul', [gRhat, decWt]), auxMask]),
  ]);
  const gPre = g.op('Mul', [gPost, g.op('Cast', [g.op('Greater', [pre, g.scalar(0)])], { to: attr.i(1) })]);
  const gEncW = g.op('MatMul', [g.op('Transpose', [xin], { perm: attr.ints([1, 0]) }), gPre]);
  const gEncB = g.op('ReduceSum', [gPre, g.ints([0])], { keepdims: attr.i(0) });
  let gDecB = g.op('ReduceSum', [gXhat, g.ints([0])], { keepdims: attr.i(0) });
  if (preBias(s.kind)) {
    // x_in = x − b_dec: b_dec also receives −encW · Σ_b dL/dpre
    const back = g.op('MatMul', [encW, g.op('Unsqueeze', [gEncB, g.ints([1])])]); // [D, 1]
    gDecB = g.op('Sub', [gDecB, g.op('Squeeze', [back, g.ints([1])])]);
  }

  const fired = g.op('ReduceMax', [mask, g.ints([0])], { keepdims: attr.i(0) }); // [F]
  // smallest selected score (the inference threshold's EMA input); +inf when nothing positive was selected
  const selected = g.op('Mul', [scaled, mask]);
  const positive = g.op('Greater', [selected, g.scalar(0)]);
  const minActive = g.op(
    'ReduceMin',
    [g.op('Where', [positive, selected, g.op('Add', [g.op('Mul', [selected, g.scalar(0)]), g.scalar(Infinity)])])],
    { keepdims: attr.i(0) },
  );

  g.output(gEncW, 'gEncW', 'float32', [D, s.F]);
  g.output(gEncB, 'gEncB', 'float32', [s.F]);
  g.output(gDecW, 'gDecW', 'float32', [s.F, D]);
  g.output(gDecB, 'gDecB', 'float32', [D]);
  g.output(loss, 'loss', 'float32', []);
  g.output(auxLoss, 'auxLoss', 'float32', []);
  g.output(fired, 'fired', 'float32', [s.F]);
  g.output(minActive, 'minActive', 'float32', []);
  return g.serialize({ '': OPSET });
}

/** Inference: f = ReLU(pre) where its score exceeds the threshold (the library's use_threshold=True), and x̂. */
function encodeGraph(s: GraphShape): Uint8Array {
  const g = new Graph();
  const D = s.sides * s.H;
  const x = g.input('x', 'float32', ['B', D]);
  const encW = g.input('encW', 'float32', [D, s.F]);
  const encB = g.input('encB', 'float32', [s.F]);
  const decW = g.input('decW', 'float32', [s.F, D]);
  const decB = g.input('decB', 'float32', [D]);
  const threshold = g.input('threshold', 'float32', []);
  const { post, scaled } = encoderFront(g, s, x, encW, encB, decW, decB);
  const f = g.op('Mul', [post, g.op('Cast', [g.op('Greater', [scaled, threshold])], { to: attr.i(1) })]);
  g.output(f, 'f', 'float32', ['B', s.F]);
  g.output(g.op('Add', [g.op('MatMul', [f, decW]), decB]), 'xhat', 'float32', ['B', D]);
  return g.serialize({ '': OPSET });
}

const sessions = new Map<string, Promise<ort.InferenceSession>>();

/** One CPU session per graph and shape per process. Fixed thread counts keep results reproducible run to run. */
export function dictionarySession(which: 'train' | 'encode', s: GraphShape): Promise<ort.InferenceSession> {
  const key = `${which}:${s.kind}:${s.sides}:${s.H}:${s.F}`;
  let session = sessions.get(key);
  if (!session) {
    session = ort.InferenceSession.create(which === 'train' ? trainStepGraph(s) : encodeGraph(s), {
      executionProviders: ['cpu'],
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      intraOpNumThreads: 2,
      interOpNumThreads: 1,
      extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
    });
    session.catch(() => sessions.delete(key));
    sessions.set(key, session);
  }
  return session;
}
