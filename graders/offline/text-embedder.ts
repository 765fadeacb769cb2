// Text embedder for the steering-similarity metric that needs no download.
//
// Which: hashed TF-IDF. Features are word unigrams, word bigrams and character 3-5-grams of the
// words (with boundary marks); each is weighted (1 + log tf) x idf, hashed with a sign into `dim`
// slots (signed hashing keeps collisions unbiased), and the vector is L2-normalised.
// Why: the metric compares *topics* (steered text vs finetuning data). IDF from a fixed reference
// corpus (the shipped word list: document frequencies over the zoo's 50k pretraining documents) keeps
// function words from making all English look alike and makes the embedding of a text independent of
// which other texts are embedded with it; character n-grams let bake/baking/baker and pieces of
// unseen words meet. It is deterministic, instant on a CPU, and sees no network. It does not model
// paraphrase the way the paper's Qwen3-Embedding-0.6B does, so absolute values differ from the paper's.
import type { GraderId, TextEmbedder } from '../../src/method/graders.ts';
import { loadWordList, type WordList } from './vocabulary.ts';
import { wordsOf } from './words.ts';
import { norm } from '../../src/vector.ts';

export interface HashedTfidfOptions {
  /** Number of hash slots (default 4096). */
  dim?: number;
  /** Relative weights of the three feature kinds. */
  weights?: { unigram: number; bigram: number; chars: number };
  wordListPath?: string;
}

/** 32-bit FNV-1a over UTF-16 code units. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export class HashedTfidfEmbedder implements TextEmbedder {
  readonly grader: GraderId;
  readonly dim: number;
  private readonly weights: { unigram: number; bigram: number; chars: number };
  private readonly words: WordList;
  private readonly maxIdf: number;

  constructor(options: HashedTfidfOptions = {}) {
    this.dim = options.dim ?? 4096;
    if (!Number.isInteger(this.dim) || this.dim < 16)
      throw new Error(`HashedTfidfEmbedder: dim must be an integer >= 16, got ${this.dim}`);
    this.weights = options.weights ?? { unigram: 1, bigram: 0.5, chars: 0.5 };
    this.words = loadWordList(options.wordListPath);
    this.maxIdf = Math.log((this.words.documents + 1) / 1) + 1;
    this.grader = { id: `offline/embed-hashed-tfidf-${this.dim}`, version: '1' };
  }

  /** Smoothed IDF from the reference corpus; unseen words get the largest value. */
  idf(word: string): number {
    const df = this.words.docFreq.get(word) ?? 0;
    return df ? Math.log((this.words.documents + 1) / (df + 1)) + 1 : this.maxIdf;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    return texts.map((t, i) => {
      if (typeof t !== 'string') throw new Error(`HashedTfidfEmbedder: texts[${i}] must be a string, got ${typeof t}`);
      return this.embedOne(t);
    });
  }

  /** A text with no words gives the zero vector (drop empty texts first, as the toolkit does). */
  embedOne(text: string): Float32Array {
    const words = wordsOf(text);
    // feature -> [occurrences, summed idf of the occurrences, weight of the feature kind]
    const features = new Map<string, [number, number, number]>();
    const add = (key: string, idf: number, kindWeight: number) => {
      const f = features.get(key);
      if (f) {
        f[0]++;
        f[1] += idf;
      } else features.set(key, [1, idf, kindWeight]);
    };
    const idfs = words.map((w) => this.idf(w));
    words.forEach((w, i) => {
      add(`u:${w}`, idfs[i], this.weights.unigram);
      if (i > 0) add(`b:${words[i - 1]} ${w}`, (idfs[i - 1] + idfs[i]) / 2, this.weights.bigram);
      const marked = `<${w}>`;
      // Spread the word's character weight over its n-grams so long words do not dominate.
      const grams: string[] = [];
      for (let n = 3; n <= 5; n++) for (let s = 0; s + n <= marked.length; s++) grams.push(marked.slice(s, s + n));
      for (const g of grams) add(`c:${g}`, idfs[i] / Math.sqrt(grams.length), this.weights.chars);
    });
    const v = new Float32Array(this.dim);
    for (const [key, [count, idfSum, kindWeight]] of features) {
      const h = fnv1a(key);
      const sign = h & 0x80000000 ? -1 : 1;
      v[h % this.dim] += sign * kindWeight * (1 + Math.log(count)) * (idfSum / count);
    }
    const n = norm(v);
    if (n > 0) for (let i = 0; i < v.length; i++) v[i] /= n;
    return v;
  }
}
