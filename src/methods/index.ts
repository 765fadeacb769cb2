// The built-in diffing methods: one list, imported statically by src/harness/load-method.ts and listed by
// `npm run methods`. A method module lives in src/methods/<id>/ (config schema, defaults, per-settings
// presets, help text, run) unless it predates this folder (ADL in src/adl/).
import type { PatchscopeScaleGrader } from '../method/graders.ts';
import type { DiffingMethod } from '../method/types.ts';
import adl, { createADLMethod } from '../adl/method.ts';
import meanDiff from './mean-diff/index.ts';
import kl from './kl/index.ts';
import weightSvd from './weight-svd/index.ts';
import actDiff from './act-diff/index.ts';
import pca from './pca/index.ts';
import diffMining from './diff-mining/index.ts';
import amplification from './amplification/index.ts';
import causal from './causal/index.ts';
import crosscoder from './crosscoder/index.ts';
import saeDiff from './sae-diff/index.ts';
import causalKl from './causal-kl/index.ts';

/** The LLM graders a method that grades inside run() takes in place of its own (ADL: the Patchscope scale choice). */
export interface SwappedGraders {
  patchscope: PatchscopeScaleGrader;
}

export interface BuiltinMethod {
  method: DiffingMethod<any>;
  /** The module the method's code starts from: its import graph (and its folder's files) key cached outputs. */
  entry: URL;
  /** Data files the method reads besides its code (e.g. prompt files): they key cached outputs too. */
  data?: URL[];
  /** The same method with graders it uses internally swapped (`--graders llm|both`); absent when it grades nothing. */
  withGraders?: (graders: SwappedGraders) => DiffingMethod<any>;
}

/** The steering prompts (ADL's), read by the methods that steer or sample. */
const PROMPTS = new URL('../adl/prompts/', import.meta.url);

export const BUILTIN_METHODS: BuiltinMethod[] = [
  {
    method: adl,
    entry: new URL('../adl/method.ts', import.meta.url),
    // the steering search keeps the context's (offline, calibrated) coherence grader
    withGraders: (g) => createADLMethod({ scale: g.patchscope }),
  },
  { method: meanDiff, entry: new URL('./mean-diff/index.ts', import.meta.url) },
  { method: kl, entry: new URL('./kl/index.ts', import.meta.url) },
  { method: weightSvd, entry: new URL('./weight-svd/index.ts', import.meta.url), data: [PROMPTS] },
  { method: actDiff, entry: new URL('./act-diff/index.ts', import.meta.url) },
  { method: pca, entry: new URL('./pca/index.ts', import.meta.url), data: [PROMPTS] },
  { method: diffMining, entry: new URL('./diff-mining/index.ts', import.meta.url) },
  { method: amplification, entry: new URL('./amplification/index.ts', import.meta.url), data: [PROMPTS] },
  { method: causal, entry: new URL('./causal/index.ts', import.meta.url) },
  { method: crosscoder, entry: new URL('./crosscoder/index.ts', import.meta.url), data: [PROMPTS] },
  { method: saeDiff, entry: new URL('./sae-diff/index.ts', import.meta.url), data: [PROMPTS] },
  { method: causalKl, entry: new URL('./causal-kl/index.ts', import.meta.url) },
];
