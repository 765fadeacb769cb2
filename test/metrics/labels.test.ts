import { describe, expect, it } from 'vitest';
import type { RelevanceLabel } from '../../src/method/graders.ts';
import {
  coherencePercentage,
  frequentTokenMatchFraction,
  maxOverPositions,
  relevanceFraction,
  weightedRelevanceFraction,
} from '../../src/metrics/labels.ts';

describe('relevanceFraction', () => {
  it('is #RELEVANT / #candidates over the top 20, UNKNOWN counting as not relevant', () => {
    const labels: RelevanceLabel[] = [
      ...Array(5).fill('RELEVANT'),
      ...Array(14).fill('IRRELEVANT'),
      'UNKNOWN',
      'RELEVANT',
      'RELEVANT',
    ];
    expect(relevanceFraction(labels)).toBeCloseTo(5 / 20, 12); // the 21st and 22nd are outside the top 20
    expect(relevanceFraction(labels, 22)).toBeCloseTo(7 / 22, 12);
    expect(relevanceFraction(['RELEVANT', 'IRRELEVANT'])).toBe(0.5);
    expect(() => relevanceFraction([])).toThrow(/no labels/);
  });
  it('weights by probability', () => {
    expect(weightedRelevanceFraction(['RELEVANT', 'IRRELEVANT', 'RELEVANT'], [0.5, 0.3, 0.2])).toBeCloseTo(0.7, 12);
    expect(() => weightedRelevanceFraction(['RELEVANT'], [0.1, 0.2])).toThrow(/1 labels but 2 weights/);
  });
});

describe('coherencePercentage', () => {
  it('is the percentage of COHERENT among known labels', () => {
    expect(coherencePercentage(['COHERENT', 'INCOHERENT', 'UNKNOWN', 'COHERENT', 'COHERENT'])).toBe(75);
    expect(coherencePercentage(['UNKNOWN', 'UNKNOWN'])).toBe(0);
    expect(coherencePercentage([])).toBe(0);
  });
});

describe('maxOverPositions', () => {
  it('returns the max and its position, from arrays or records, ignoring NaN', () => {
    expect(maxOverPositions([0.1, 0.4, NaN, 0.3])).toEqual({ value: 0.4, position: 1 });
    expect(maxOverPositions({ 2: 0.2, 4: 0.9, 0: 0.5 })).toEqual({ value: 0.9, position: 4 });
    expect(() => maxOverPositions([NaN])).toThrow(/no finite/);
  });
});

describe('frequentTokenMatchFraction', () => {
  it('counts candidates that are frequent tokens, ignoring tokenizer markers', () => {
    expect(frequentTokenMatchFraction([' cake', 'Ġoven', ' piano', 'illa'], ['Ġcake', 'Ġoven', 'illa'])).toBeCloseTo(
      0.75,
      12,
    );
    expect(frequentTokenMatchFraction([' cake'], [])).toBe(0);
  });
});
