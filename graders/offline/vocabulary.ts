// The shipped word list (data/english-words.tsv.gz, built by data/build-vocabulary.ts from the zoo's
// pretraining corpus): which words are real, and their document frequencies for IDF weighting.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { withoutClitic } from './words.ts';

const DEFAULT_WORD_LIST = join(dirname(fileURLToPath(import.meta.url)), 'data', 'english-words.tsv.gz');

export interface WordList {
  /** Documents in the corpus the list was counted on. */
  documents: number;
  /** Corpus count and document frequency per lowercase word. */
  counts: Map<string, number>;
  docFreq: Map<string, number>;
}

const cache = new Map<string, WordList>();

/** Reads a `word<TAB>count<TAB>docFreq` list (gzip), headed by `#documents<TAB>N`. Cached per path. */
export function loadWordList(path: string = DEFAULT_WORD_LIST): WordList {
  const cached = cache.get(path);
  if (cached) return cached;
  const lines = gunzipSync(readFileSync(path)).toString('utf8').split('\n');
  const header = /^#documents\t(\d+)$/.exec(lines[0] ?? '');
  if (!header) throw new Error(`${path}: line 1 must be '#documents<TAB>N', got '${lines[0]}'`);
  const list: WordList = { documents: Number(header[1]), counts: new Map(), docFreq: new Map() };
  for (let i = 1; i < lines.length; i++) {
    if (lines[i] === '') continue;
    const [word, count, df] = lines[i].split('\t');
    if (!word || !(Number(count) > 0) || !(Number(df) > 0)) {
      throw new Error(`${path}: line ${i + 1} must be 'word<TAB>count<TAB>docFreq', got '${lines[i]}'`);
    }
    list.counts.set(word, Number(count));
    list.docFreq.set(word, Number(df));
  }
  cache.set(path, list);
  return list;
}

const INFLECTIONS: [suffix: string, replacements: string[]][] = [
  ['ies', ['y']],
  ['ied', ['y']],
  ['es', ['', 'e']],
  ['s', ['']],
  ['ed', ['', 'e']],
  ['ing', ['', 'e']],
  ['er', ['', 'e']],
  ['est', ['', 'e']],
  ['ly', ['']],
];

/** True when the word, or the word without a clitic or a regular inflection, is in the list. */
export function isKnownWord(word: string, list: WordList): boolean {
  const w = withoutClitic(word);
  if (list.counts.has(word) || list.counts.has(w)) return true;
  for (const [suffix, replacements] of INFLECTIONS) {
    if (!w.endsWith(suffix) || w.length - suffix.length < 2) continue;
    const base = w.slice(0, -suffix.length);
    if (replacements.some((r) => list.counts.has(base + r))) return true;
    // doubled final consonant: "stirring" -> "stir"
    if (/(.)\1$/.test(base) && list.counts.has(base.slice(0, -1))) return true;
  }
  return false;
}
