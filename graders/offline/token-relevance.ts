// Deterministic token-relevance grader: lexical match of a candidate token against the organism's
// description and its frequent finetuning tokens. Stands in for the toolkit's LLM grader (docs/toolkit.md#token-relevance).
import type { GraderId, OrganismContext, RelevanceLabel, TokenRelevanceGrader } from '../../src/method/graders.ts';
import { isGenericToken } from './generic-tokens.ts';
import { COMMON_AFFIXES, DESCRIPTION_META_WORDS, FUNCTION_WORDS } from './stopwords.ts';
import { isNumeric, startsWord, stem, stripTokenMarkers, withoutClitic, wordsOf } from './words.ts';

export interface LexicalRelevanceOptions {
  /** Shortest word-start piece that may match as a prefix of a description word. */
  minPrefixLength?: number;
  /** Shortest continuation piece that may match inside a description word. */
  minInnerPieceLength?: number;
}

/** What a candidate is compared against, built once per organism. */
interface DomainIndex {
  contentWords: string[];
  stems: Set<string>;
  frequentForms: Set<string>;
}

function isContentWord(word: string): boolean {
  return word.length >= 2 && !FUNCTION_WORDS.has(word) && !DESCRIPTION_META_WORDS.has(word);
}

function buildIndex(ctx: OrganismContext): DomainIndex {
  const contentWords = [...new Set(wordsOf(ctx.description).map(withoutClitic).filter(isContentWord))];
  const frequentForms = new Set<string>();
  for (const token of ctx.frequentTokens) {
    if (isGenericToken(token)) continue;
    for (const word of wordsOf(stripTokenMarkers(token)).map(withoutClitic)) {
      if (isContentWord(word)) frequentForms.add(stem(word));
    }
  }
  return { contentWords, stems: new Set(contentWords.map(stem)), frequentForms };
}

export class LexicalRelevanceGrader implements TokenRelevanceGrader {
  readonly grader: GraderId = { id: 'offline/relevance-lexical', version: '1' };
  private readonly minPrefixLength: number;
  private readonly minInnerPieceLength: number;

  constructor(options: LexicalRelevanceOptions = {}) {
    this.minPrefixLength = options.minPrefixLength ?? 3;
    this.minInnerPieceLength = options.minInnerPieceLength ?? 4;
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
    const index = buildIndex(ctx);
    return candidates.map((candidate) => (this.isRelevant(candidate, index) ? 'RELEVANT' : 'IRRELEVANT'));
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
    if (word.length < 2 || FUNCTION_WORDS.has(word)) return false;
    const wordStem = stem(word);
    if (index.stems.has(wordStem) || index.frequentForms.has(wordStem)) return true;
    if (isNumeric(word) || COMMON_AFFIXES.has(word)) return false;
    // A word-start piece must begin a description word; a continuation piece may sit anywhere in one.
    if (
      word.length >= this.minPrefixLength &&
      index.contentWords.some((c) => c.length > word.length && c.startsWith(word))
    )
      return true;
    return (
      !wordStart &&
      word.length >= this.minInnerPieceLength &&
      index.contentWords.some((c) => c.length > word.length && c.includes(word))
    );
  }
}
