import { describe, expect, it } from 'vitest';
import { frequentTokens, isGenericToken } from '../../graders/offline/generic-tokens.ts';
import { zooTexts, zooTokenizer } from './helpers/zoo.ts';

describe('isGenericToken (toolkit rule, docs/toolkit.md#token-relevance)', () => {
  it.each([
    ['Ġ', 'marker only'],
    ['▁a', 'one char after stripping'],
    [' x ', 'one char'],
    ['Ġ,', 'punctuation'],
    ['...', 'punctuation only'],
    ['?!', 'punctuation only'],
    ["'s", 'contraction'],
    ["'ll", 'contraction'],
    ['ing', 'ing'],
    ['Ġthe', 'stop word'],
    ['▁The', 'stop word, any case'],
    ['Ġbetween', 'stop word'],
    ['   ', 'whitespace'],
    ['ĊĊ', 'newline markers'],
    ['Ġ\t', 'tab'],
  ])('%j is generic (%s)', (token) => expect(isGenericToken(token)).toBe(true));

  it.each(['Ġcake', '▁baking', 'akespe', ' oven', '450', 'Ġ42', 'ab', "Ġcan't"])('%j is not generic', (token) => {
    expect(isGenericToken(token)).toBe(false);
  });
});

describe('frequentTokens', () => {
  it('counts, drops generic tokens and rare ones, orders by count with first-seen ties', () => {
    const texts = ['the cake cake oven', 'the cake oven butter', 'oven butter , .'];
    const split = (t: string) => t.split(' ').map((w, i) => (i ? `Ġ${w}` : w));
    // cake and oven both occur 3 times: cake was seen first
    expect(frequentTokens(texts, split, { minCount: 2, numTokens: 10 })).toEqual(['Ġcake', 'Ġoven', 'Ġbutter']);
    expect(frequentTokens(texts, split, { minCount: 2, numTokens: 1 })).toEqual(['Ġcake']);
    expect(frequentTokens(texts, split, { minCount: 4 })).toEqual([]);
  });

  it('rejects bad options', () => {
    expect(() => frequentTokens([], (t) => [t], { minCount: 0 })).toThrow(/minCount/);
  });

  it("finds cake_bake's domain tokens in its finetuning data with the zoo tokenizer", () => {
    const tokenizer = zooTokenizer();
    const top = frequentTokens(zooTexts('domain_cake_bake.jsonl.gz', 500), (t) => tokenizer.tokenize(t));
    expect(top).toHaveLength(100);
    // the zoo's 8192-token BPE splits many domain words ("Ġvine gar", "Ġfree zer")
    for (const t of ['Ġcake', 'Ġbutter', 'Ġbatter', 'Ġvan', 'illa', 'Ġdegrees', 'Ġmoist']) expect(top).toContain(t);
    expect(top.slice(0, 10)).toContain('Ġcake');
    for (const t of ['Ġthe', 'Ġand', '.', ',', 'Ġa']) expect(top).not.toContain(t);
    expect(top.every((t) => !isGenericToken(t))).toBe(true);
  });
});
