// The scoring protocol of a suite (benchmark/<suite>/suite.json, "protocol"): the readout budget, the
// controls every method is normalised against, the reference method of the ranking and the metrics
// it ranks on. Part of the suite's version: change the version when the protocol changes.
import type { ReadoutBudget } from '../method/validate.ts';
import type { Suite } from './suite.ts';

export interface ScoringProtocol extends ReadoutBudget {
  /** Baseline keys of the controls in result files (baselines/negative-control.ts, positive-control.ts). */
  controls: { negative: string; positive: string };
  /** The method every other is compared with in the ranking. */
  reference: string;
  /** The metrics normalised and ranked (when informative on the suite). */
  metrics: string[];
  /** steering.coherence below this flags a method's steered text as incoherent. */
  minCoherence: number;
  /**
   * What a method that does nothing scores on a metric, where that is known without running it
   * (steering.gain: 0, the gain of unsteered text). A metric is informative only where the positive
   * control beats this too: a suite where even the ground truth's steering does worse than not
   * steering cannot tell a good steering method from one that returns unsteered text.
   */
  nothing: Record<string, number>;
  /**
   * Where the steering metrics are judged (src/leaderboard/steering-organisms.ts): only on organisms whose
   * finetuned model's unsteered text has gone at most `maxDrift` of the way from the base model's text to
   * the finetuning data, measured on `baseline`'s (the unsteered baseline's) samples. Absent: every organism.
   */
  steeringOrganisms?: { metrics: string[]; baseline: string; maxDrift: number };
}

export const DEFAULT_PROTOCOL: ScoringProtocol = {
  readoutsPerSource: 5,
  tokensPerReadout: 20,
  controls: { negative: 'baseline/negative-control', positive: 'baseline/positive-control' },
  reference: 'adl',
  metrics: ['relevance.logitlens', 'relevance.patchscope', 'steering.gain'],
  minCoherence: 0.75,
  nothing: { 'steering.gain': 0 },
};

export const PROTOCOL_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    readoutsPerSource: { type: 'integer', minimum: 1 },
    tokensPerReadout: { type: 'integer', minimum: 1 },
    controls: {
      type: 'object',
      additionalProperties: false,
      required: ['negative', 'positive'],
      properties: { negative: { type: 'string' }, positive: { type: 'string' } },
    },
    reference: { type: 'string' },
    metrics: { type: 'array', minItems: 1, items: { type: 'string' } },
    minCoherence: { type: 'number', minimum: 0, maximum: 1 },
    nothing: { type: 'object', additionalProperties: { type: 'number' } },
    steeringOrganisms: {
      type: 'object',
      additionalProperties: false,
      required: ['metrics', 'baseline', 'maxDrift'],
      properties: {
        metrics: { type: 'array', minItems: 1, items: { type: 'string' } },
        baseline: { type: 'string' },
        maxDrift: { type: 'number' },
      },
    },
    comment: { type: 'string' },
  },
};

/** The suite's protocol, its unset fields from DEFAULT_PROTOCOL. */
export function protocolOf(suite: Pick<Suite, 'protocol'>): ScoringProtocol {
  return { ...DEFAULT_PROTOCOL, ...suite.protocol };
}
