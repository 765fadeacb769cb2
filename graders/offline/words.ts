// Word-level text utilities shared by the offline graders: token-marker stripping, word splitting
// and a small suffix-stripping stemmer.

/** Byte-level BPE and SentencePiece markers: Ġ (space), Ċ (newline), ĉ (tab), ▁ (space). */
const TOKEN_MARKERS = /[ĠĊĉ▁]/g;

/** Token text with tokenizer markers turned into whitespace, then trimmed. */
export function stripTokenMarkers(token: string): string {
  return token.replace(TOKEN_MARKERS, ' ').trim();
}

/** True when the token starts a word (leading space or a space marker), false for continuation pieces. */
export function startsWord(token: string): boolean {
  return /^[\sĠĊĉ▁]/u.test(token);
}

const WORD = /[\p{L}\p{N}]+(?:['’]\p{L}+)*/gu;

/** Lowercased words (letters/digits, with inner apostrophes) of a text, in order. */
export function wordsOf(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

export function isNumeric(word: string): boolean {
  return /^\p{N}+$/u.test(word);
}

/** Part of a word before an apostrophe ("hadrian's" -> "hadrian"). */
export function withoutClitic(word: string): string {
  const i = word.search(/['’]/);
  return i > 0 ? word.slice(0, i) : word;
}

const DOUBLE_CONSONANT = /([b-df-hj-km-rt-y])\1$/; // not l, s, z (as in Porter: "rolled" -> "roll")

/**
 * A deliberately small stemmer: plural -s/-es/-ies, then one of -ery/-ing/-ed/-er/-ly, then a final
 * -e. Enough to make bake/baking/baker/bakers/baked/bakery and cake/cakes meet ("bak", "cak").
 */
export function stem(word: string): string {
  let w = withoutClitic(word.toLowerCase());
  if (w.length <= 3 || isNumeric(w)) return w;
  if (w.endsWith('ies') && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('s') && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);
  for (const [suffix, minRest] of [
    ['ery', 3],
    ['ing', 3],
    ['ed', 3],
    ['er', 3],
    ['ly', 4],
  ] as const) {
    if (w.endsWith(suffix) && w.length - suffix.length >= minRest) {
      w = w.slice(0, -suffix.length);
      if (DOUBLE_CONSONANT.test(w)) w = w.slice(0, -1);
      break;
    }
  }
  if (w.endsWith('e') && w.length > 3) w = w.slice(0, -1);
  return w;
}

/**
 * Lowercased whitespace-separated tokens with edge punctuation removed ("1,000,000." -> "1,000,000").
 * Repetition is measured on these so that numbers and hyphenated words count as one unit.
 */
export function spacedTokensOf(text: string): string[] {
  return text
    .toLowerCase()
    .split(/\s+/)
    .map((t) => t.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ''))
    .filter((t) => t !== '');
}
