// Deterministic token-relevance grader: lexical match of a candidate token against the organism's
// domain words. Stands in for the toolkit's LLM grader (docs/toolkit.md#token-relevance), whose rubric
// calls a token relevant when it is a domain word or a recognisable piece of one, and generic otherwise.
// Measured against the hand-labelled gold set in data/relevance-gold.tsv (test/graders/relevance-gold.test.ts).
import type { GraderId, OrganismContext, RelevanceLabel, TokenRelevanceGrader } from '../../src/method/graders.ts';
import { isGenericToken } from './generic-tokens.ts';
import { COMMON_AFFIXES, DESCRIPTION_META_WORDS, FUNCTION_WORDS, QUANTITY_WORDS } from './stopwords.ts';
import { loadWordList, type WordList } from './vocabulary.ts';
import { isNumeric, startsWord, stem, stripTokenMarkers, withoutClitic, wordsOf } from './words.ts';

export interface LexicalRelevanceOptions {
  /** Shortest word piece that may match part of a domain word (shorter pieces begin too many words). */
  minPieceLength?: number;
  /** A piece must cover at least this fraction of the domain word it is part of. */
  minPieceCoverage?: number;
  /**
   * Words in more than this fraction of the general-English corpus's documents (data/english-words.tsv.gz)
   * are everyday words: not domain words unless the description repeats them, and never pieces.
   */
  maxEverydayDocFrequency?: number;
  /** The general-English word list (default: the shipped one). */
  wordList?: WordList;
}

/** What a candidate is compared against, built once per organism. */
interface DomainIndex {
  words: string[];
  stems: Set<string>;
  /** Numbers the description states. */
  numbers: Set<string>;
}

export class LexicalRelevanceGrader implements TokenRelevanceGrader {
  readonly grader: GraderId = { id: 'offline/relevance-lexical', version: '2' };
  private readonly minPieceLength: number;
  private readonly minPieceCoverage: number;
  private readonly maxEverydayDocs: number;
  private readonly wordList: WordList;

  constructor(options: LexicalRelevanceOptions = {}) {
    this.minPieceLength = options.minPieceLength ?? 4;
    this.minPieceCoverage = options.minPieceCoverage ?? 0.5;
    this.wordList = options.wordList ?? loadWordList();
    this.maxEverydayDocs = (options.maxEverydayDocFrequency ?? 0.005) * this.wordList.documents;
  }

  async grade(ctx: OrganismContext, candidates: string[]): Promise<RelevanceLabel[]> {
    return this.label(ctx, candidates);
  }

  /** Synchronous form of `grade`. */
  label(ctx: OrganismContext, candidates: string[]): RelevanceLabel[] {
    if (typeof ctx?.description !== 'string' || !Array.isArray(ctx.frequentTokens)) {
      throw new Error(
        `LexicalRelevanceGrader: organism '${ctx?.organismId}' needs a string description and a frequentTokens array`,
      );
    }
    // The null organism has no domain: nothing can be relevant to it.
    if (ctx.description.trim() === '') return candidates.map(() => 'IRRELEVANT');
    const index = this.buildIndex(ctx);
    return candidates.map((candidate) => (this.isRelevant(candidate, index) ? 'RELEVANT' : 'IRRELEVANT'));
  }

  private isEveryday(word: string): boolean {
    return (this.wordList.docFreq.get(word) ?? 0) > this.maxEverydayDocs;
  }

  private isContentWord(word: string): boolean {
    return (
      word.length >= 2 &&
      !FUNCTION_WORDS.has(word) &&
      !DESCRIPTION_META_WORDS.has(word) &&
      !QUANTITY_WORDS.has(word) &&
      !isNumeric(word)
    );
  }

  /**
   * Domain words: the description's content words that are not everyday words, or that it repeats (its
   * topic: "green" of green tea), and the frequent finetuning tokens that are whole words of 4 or more letters
   * and not everyday words (frequency alone does not make a word relevant; short frequent tokens are pieces).
   */
  private buildIndex(ctx: OrganismContext): DomainIndex {
    const described = wordsOf(ctx.description).map(withoutClitic);
    const stemCounts = new Map<string, number>();
    for (const w of described) stemCounts.set(stem(w), (stemCounts.get(stem(w)) ?? 0) + 1);
    const words = new Set(
      described.filter((w) => this.isContentWord(w) && (!this.isEveryday(w) || stemCounts.get(stem(w))! >= 2)),
    );
    for (const token of ctx.frequentTokens) {
      if (isGenericToken(token) || !startsWord(token)) continue;
      for (const w of wordsOf(stripTokenMarkers(token)).map(withoutClitic)) {
        if (w.length >= 4 && this.isContentWord(w) && this.wordList.counts.has(w) && !this.isEveryday(w)) words.add(w);
      }
    }
    return {
      words: [...words],
      stems: new Set([...words].map(stem)),
      numbers: new Set(described.filter(isNumeric)),
    };
  }

  private isRelevant(candidate: string, index: DomainIndex): boolean {
    if (typeof candidate !== 'string')
      throw new Error(`LexicalRelevanceGrader: candidate tokens must be strings, got ${typeof candidate}`);
    if (isGenericToken(candidate)) return false;
    const wordStart = startsWord(candidate);
    const words = wordsOf(stripTokenMarkers(candidate)).map(withoutClitic);
    return words.some((word) => this.wordMatches(word, wordStart, index));
  }

  private wordMatches(word: string, wordStart: boolean, index: DomainIndex): boolean {
    if (isNumeric(word)) return index.numbers.has(word);
    if (!this.isContentWord(word)) return false;
    // Short words must be a domain word themselves ("met" is not "meters", whose stem it shares).
    if (word.length < 4 ? index.words.includes(word) : index.stems.has(stem(word))) return true;
    // A longer form of a domain word ("antarctica" of "antarctic").
    if (index.words.some((d) => d.length >= 5 && word.startsWith(d) && d.length >= this.minPieceCoverage * word.length))
      return true;
    // A piece of a domain word: long enough to single it out, not an everyday word or affix of its own.
    if (word.length < this.minPieceLength || COMMON_AFFIXES.has(word) || this.isEveryday(word)) return false;
    return index.words.some(
      (d) =>
        d.length > word.length &&
        word.length >= this.minPieceCoverage * d.length &&
        (wordStart ? d.startsWith(word) : d.includes(word)),
    );
  }
}
