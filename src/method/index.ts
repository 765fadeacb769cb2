// The method API in one import: `import type { DiffingMethod } from 'diffbench/method'` (package.json
// "exports"; a method file outside this repository resolves it once DiffBench is installed next to it,
// e.g. `npm install --save-dev <path to DiffBench>`), or this file by relative path.
export type {
  DiffingMethod,
  MethodContext,
  MethodOutput,
  SteeringPromptSet,
  SteeringSamples,
  TokenReadout,
} from './types.ts';
export type { LoraFactors, ModelWeights, WeightTensor } from './weights.ts';
export type { OrganismContext } from './graders.ts';
export type { HookName, LanguageModel, ModelInfo, Tensor } from '../runtime/types.ts';
