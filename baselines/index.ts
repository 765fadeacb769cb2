// The baselines ADL is compared with (issue 4): same outputs, same scoring.
export { default as meanActivations, runMeanActivations } from './mean-activations.ts';
export { default as randomDirection, runRandomDirection, randomVector } from './random-direction.ts';
export { default as unsteered, runUnsteered } from './unsteered.ts';
export { nullOrganismOf } from './null-organism.ts';
