// The toolkit's generic-token rule and frequent-token list (docs/toolkit.md#token-relevance, token_relevance.py).
import { TOOLKIT_COMMON_WORDS } from './stopwords.ts';

const CONTRACTIONS = new Set(["'s", "'t", "'re", "'ve", "'ll", "'d", "'m", 'ing']);
const PUNCTUATION_ONLY = /^[^\p{L}\p{N}_\s]+$/u; // Python's ^[^\w\s]+$ with a Unicode \w

/**
 * True for tokens that say nothing about a domain: after stripping ▁/Ġ and whitespace, length ≤ 1,
 * punctuation only, a contraction or "ing", or a toolkit stop word. Unlike the toolkit, the byte-level
 * newline/tab markers Ċ/ĉ are stripped too, so "ĊĊ" counts as whitespace.
 */
export function isGenericToken(token: string): boolean {
  const clean = token.replace(/[▁ĠĊĉ]/g, '').trim();
  if ([...clean].length <= 1) return true;
  if (PUNCTUATION_ONLY.test(clean)) return true;
  if (CONTRACTIONS.has(clean)) return true;
  return TOOLKIT_COMMON_WORDS.has(clean.toLowerCase());
}

export interface FrequentTokenOptions {
  minCount?: number;
  numTokens?: number;
}

/**
 * The most frequent non-generic tokens of a finetuning dataset, as raw tokenizer strings (e.g. "Ġcake").
 * `tokenize` must return the tokenizer's token strings (like transformers' `tokenizer.tokenize`).
 * Ties keep first-seen order, as Python's Counter + stable sort do.
 */
export function frequentTokens(
  texts: Iterable<string>,
  tokenize: (text: string) => string[],
  { minCount = 10, numTokens = 100 }: FrequentTokenOptions = {},
): string[] {
  if (!Number.isInteger(minCount) || minCount < 1)
    throw new Error(`frequentTokens: minCount must be an integer >= 1, got ${minCount}`);
  if (!Number.isInteger(numTokens) || numTokens < 1)
    throw new Error(`frequentTokens: numTokens must be an integer >= 1, got ${numTokens}`);
  const counts = new Map<string, number>();
  for (const text of texts) {
    if (typeof text !== 'string') throw new Error(`frequentTokens: expected string texts, got ${typeof text}`);
    for (const token of tokenize(text)) counts.set(token, (counts.get(token) ?? 0) + 1);
  }
  return [...counts.entries()]
    .filter(([token, count]) => count >= minCount && !isGenericToken(token))
    .sort((a, b) => b[1] - a[1])
    .slice(0, numTokens)
    .map(([token]) => token);
}
