// The baselines and controls bench runs next to every method: same outputs, same scoring, same
// readout budget. The harness runs the `baselines` list in its order (src/cli/compose.ts hands it
// over); add a baseline by adding it here. The null organism is not a baseline method: it is the
// suite's `nullOrganism`, run through the method itself.
import type { DiffingMethod } from '../src/method/types.ts';
import { baseMean, finetunedMean } from './mean-activations.ts';
import negativeControl from './negative-control.ts';
import positiveControl from './positive-control.ts';
import randomDirection from './random-direction.ts';
import unsteered from './unsteered.ts';

export { baseMean, finetunedMean, runMeanActivations } from './mean-activations.ts';
export { default as randomDirection, runRandomDirection, randomVector } from './random-direction.ts';
export { default as unsteered, runUnsteered } from './unsteered.ts';
// The protocol's controls: normalised scores are (method - negative) / (positive - negative).
export { default as negativeControl, runNegativeControl, randomTokenIds } from './negative-control.ts';
export { default as positiveControl, runPositiveControl, overRepresentedTokens } from './positive-control.ts';

// DiffingMethod<ADLConfig> each; the harness passes each its config from the suite's settings.
export const baselines = [
  baseMean,
  finetunedMean,
  randomDirection,
  unsteered,
  negativeControl,
  positiveControl,
] as unknown as DiffingMethod[];
