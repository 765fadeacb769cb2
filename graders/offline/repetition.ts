// Repetition measures over a word sequence: distinct-n ratios, repeated n-grams, tandem loops and
// a dominating word. Inputs are the lowercased words of `wordsOf`.
import { FUNCTION_WORDS } from './stopwords.ts';

/** Distinct n-grams / n-grams (1 when there are no n-grams). */
export function distinctNgramRatio(words: string[], n: number): number {
  const total = words.length - n + 1;
  if (total <= 0) return 1;
  const seen = new Set<string>();
  for (let i = 0; i < total; i++) seen.add(words.slice(i, i + n).join(' '));
  return seen.size / total;
}

/** Fraction of n-grams that already occurred earlier in the text (0 when there are none). */
export function repeatedNgramFraction(words: string[], n: number): number {
  const total = words.length - n + 1;
  if (total <= 0) return 0;
  const seen = new Set<string>();
  let repeated = 0;
  for (let i = 0; i < total; i++) {
    const gram = words.slice(i, i + n).join(' ');
    if (seen.has(gram)) repeated++;
    else seen.add(gram);
  }
  return repeated / total;
}

export interface Loop {
  /** Words in the repeated unit. */
  period: number;
  /** Whole consecutive copies of the unit. */
  copies: number;
  /** Words covered by the run. */
  words: number;
}

/** The consecutive repeat ("a b a b a b") covering the most words, over unit lengths 1..maxPeriod. */
export function longestLoop(words: string[], maxPeriod = 20): Loop {
  let best: Loop = { period: 0, copies: 1, words: 0 };
  for (let p = 1; p <= maxPeriod && p < words.length; p++) {
    let run = 0;
    for (let j = p; j < words.length; j++) {
      run = words[j] === words[j - p] ? run + 1 : 0;
      const covered = run + p;
      const copies = Math.floor(covered / p);
      if (run > 0 && copies >= 2 && covered > best.words) best = { period: p, copies, words: covered };
    }
  }
  return best;
}

/** The most frequent non-function word and its share of all words. */
export function dominantWord(words: string[]): { word: string; count: number; fraction: number } {
  const counts = new Map<string, number>();
  for (const w of words) if (w.length >= 2 && !FUNCTION_WORDS.has(w)) counts.set(w, (counts.get(w) ?? 0) + 1);
  let word = '';
  let count = 0;
  for (const [w, c] of counts) if (c > count) [word, count] = [w, c];
  return { word, count, fraction: words.length ? count / words.length : 0 };
}
