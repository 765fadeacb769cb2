// The baselines every method is compared with: same outputs, same scoring. The harness runs the
// `baselines` list in its order (src/cli/compose.ts hands it over); add a baseline by adding it here.
// The null organism is not a baseline method: it is the suite's `nullOrganism`, run through the method.
import type { DiffingMethod } from '../src/method/types.ts';
import meanActivations from './mean-activations.ts';
import randomDirection from './random-direction.ts';
import unsteered from './unsteered.ts';

export { meanActivations, randomDirection, unsteered };
export { runMeanActivations } from './mean-activations.ts';
export { runRandomDirection, randomVector } from './random-direction.ts';
export { runUnsteered } from './unsteered.ts';

// DiffingMethod<ADLConfig> each; the harness passes each its config from the suite's settings.
export const baselines = [meanActivations, randomDirection, unsteered] as unknown as DiffingMethod[];
