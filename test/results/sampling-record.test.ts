// Result files record the sampling settings behind the steering samples (schema-checked).
import { describe, expect, it } from 'vitest';
import { samplingRecord } from '../../src/harness/sampling-record.ts';
import { resultErrors } from '../../src/results/validate.ts';
import { resolveSampling } from '../../src/runtime/generation-config.ts';
import { sampleResult } from './sample.ts';

describe('sampling settings in result files', () => {
  const final = resolveSampling({ temperature: 1.1 }, { topK: 20, topP: 0.95 });
  const search = resolveSampling({ temperature: 1.2 }, { topK: 20, topP: 0.95 });
  const steering = (variant: string, position: number) => ({
    variant,
    layer: 2,
    position,
    strength: 1,
    prompts: ['p'],
    steered: [['a']],
    unsteered: [['b']],
    sampling: { final, search },
  });

  it('one record per steering variant, valid against the schema', () => {
    const sampling = samplingRecord({
      steering: [steering('difference', 0), steering('difference', 1), steering('random', 0)],
    });
    expect(Object.keys(sampling!)).toEqual(['difference', 'random']);
    expect(sampling!.difference.final).toMatchObject({
      temperature: 1.1,
      topK: 20,
      topP: 0.95,
      from: { temperature: 'caller', topK: 'generation_config' },
    });
    expect(resultErrors(sampleResult({ sampling }))).toEqual([]);
    expect(samplingRecord({ scalars: { x: 1 } })).toBeUndefined();
  });

  it('the schema rejects a malformed record', () => {
    const bad = { difference: { final: { ...final, topK: -1 } } };
    expect(resultErrors(sampleResult({ sampling: bad }))).toEqual([
      expect.stringMatching(/\/sampling\/difference\/final\/topK/),
    ]);
  });
});
