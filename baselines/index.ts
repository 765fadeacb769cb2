// The baselines and controls bench runs next to every method (src/harness/load-method.ts loadBaselines
// takes every DiffingMethod exported here): same outputs, same scoring, same readout budget.
export { baseMean, finetunedMean, runMeanActivations } from './mean-activations.ts';
export { default as randomDirection, runRandomDirection, randomVector } from './random-direction.ts';
export { default as unsteered, runUnsteered } from './unsteered.ts';
// The protocol's controls: normalised scores are (method - negative) / (positive - negative).
export { default as negativeControl, runNegativeControl, randomTokenIds } from './negative-control.ts';
export { default as positiveControl, runPositiveControl, overRepresentedTokens } from './positive-control.ts';
export { nullOrganismOf } from './null-organism.ts';
