// The built-in diffing methods: one list, imported statically by src/harness/load-method.ts and listed by
// `npm run methods`. A method module lives in src/methods/<id>/ (config schema, defaults, per-settings
// presets, help text, run) unless it predates this folder (ADL in src/adl/, the worked example).
import type { PatchscopeScaleGrader } from '../method/graders.ts';
import type { DiffingMethod } from '../method/types.ts';
import adl, { createADLMethod } from '../adl/method.ts';
import { defaultGraders } from '../adl/steps.ts';
import meanDiff from '../harness/examples/mean-diff.ts';

/** Graders a method may use inside run() (ADL: the Patchscope scale choice). */
export interface MethodGraders {
  patchscope: PatchscopeScaleGrader;
}

export interface BuiltinMethod {
  method: DiffingMethod<any>;
  /** The module the method's code starts from: its import graph (and its folder's files) key cached outputs. */
  entry: URL;
  /** The same method with graders it uses internally swapped (`--graders llm|both`); absent when it grades nothing. */
  withGraders?: (graders: MethodGraders) => DiffingMethod<any>;
}

export const BUILTIN_METHODS: BuiltinMethod[] = [
  {
    method: adl,
    entry: new URL('../adl/method.ts', import.meta.url),
    // the steering search keeps its offline calibrated coherence grader
    withGraders: (g) => createADLMethod(async (ctx) => ({ ...(await defaultGraders(ctx)), scale: g.patchscope })),
  },
  { method: meanDiff, entry: new URL('../harness/examples/mean-diff.ts', import.meta.url) },
];
