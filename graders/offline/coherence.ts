// Offline coherence grader: repetition measures + the share of real words (+ optionally the mean
// token NLL under a model). Stands in for the toolkit's LLM coherence grader (docs/toolkit.md#steering): word salad
// of made-up words, loops and heavy repetition are INCOHERENT; ordinary prose is COHERENT.
// Shuffled real words pass the lexical rules; only the optional perplexity rule can catch them.
import type { CoherenceGrader, CoherenceLabel, GraderId } from '../../src/method/graders.ts';
import { distinctNgramRatio, dominantWord, longestLoop, repeatedNgramFraction, type Loop } from './repetition.ts';
import { isKnownWord, loadWordList, type WordList } from './vocabulary.ts';
import { FUNCTION_WORDS } from './stopwords.ts';
import { spacedTokensOf, wordsOf } from './words.ts';

export interface CoherenceMeasures {
  /** Whitespace tokens (repetition is measured on these). */
  tokens: number;
  /** Alphabetic words and the share of them found in the word list. */
  alphabeticWords: number;
  realWordFraction: number;
  /** Non-space characters that are neither letters nor digits. */
  symbolFraction: number;
  /** Alphabetic words on prose lines (lines of ≥ 6 words; lists are not prose) and the share of function words among them. */
  proseWords: number;
  functionWordFraction: number;
  distinct1: number;
  distinct2: number;
  distinct3: number;
  repeated4gramFraction: number;
  loop: Loop;
  dominantWord: { word: string; count: number; fraction: number };
  meanNll?: number;
}

/**
 * Calibrated on the zoo's ordinary text (unrelated, mixin, pretraining and the three domain corpora,
 * single documents and 4-document concatenations; test/graders/coherence.test.ts re-checks all but the
 * unvendored pretraining corpus, where 1 of 50,496 documents fails: a joke ending in "dead ant, dead
 * ant, dead ant dead ant"). Their extremes:
 * real-word fraction ≥ 0.86 from 10 words on (≥ 0.67 below), symbol fraction ≤ 0.21, function words
 * on prose lines ≥ 0.13, distinct-2 ≥ 0.34, repeated 4-grams ≤ 0.52, loops ≤ 3 copies (the domain
 * documents repeat a sentence three times), dominant word ≤ 0.23. Decoded random token ids (made-up
 * words) have real-word fractions of 0.4-0.9 and ≤ 0.21 function words.
 */
export interface CoherenceThresholds {
  /** Real-word share needed from `minWordsForLongVocabulary` alphabetic words on. */
  minRealWordFraction: number;
  minWordsForLongVocabulary: number;
  /** Real-word share needed for shorter texts, from `minWordsForVocabulary` words on. */
  minRealWordFractionShort: number;
  minWordsForVocabulary: number;
  /** Function-word share needed on prose lines (keyword soup fails), from `minProseWords` on. */
  minFunctionWordFraction: number;
  minProseWords: number;
  maxSymbolFraction: number;
  minDistinct2: number;
  maxRepeated4gramFraction: number;
  /** Repetition-ratio rules apply from this many tokens on. */
  minTokensForRatios: number;
  /** A consecutive repeat with this many copies (any unit of 1-20 words) is a loop. */
  maxLoopCopies: number;
  maxDominantWordFraction: number;
  minDominantWordCount: number;
  /** Mean token NLL (nats) above which a text is incoherent; used only with `scoreText`. */
  maxMeanNll?: number;
}

export const DEFAULT_COHERENCE_THRESHOLDS: CoherenceThresholds = {
  minRealWordFraction: 0.8,
  minWordsForLongVocabulary: 10,
  minRealWordFractionShort: 0.6,
  minWordsForVocabulary: 3,
  minFunctionWordFraction: 0.1,
  minProseWords: 20,
  maxSymbolFraction: 0.35,
  minDistinct2: 0.3,
  maxRepeated4gramFraction: 0.6,
  minTokensForRatios: 20,
  maxLoopCopies: 4,
  maxDominantWordFraction: 0.3,
  minDominantWordCount: 6,
};

export interface CoherenceAssessment {
  label: CoherenceLabel;
  /** Which rules failed, e.g. 'loop: "cake" x12'. Empty when coherent. */
  reasons: string[];
  measures: CoherenceMeasures;
}

function alphabeticWords(text: string): string[] {
  return wordsOf(text).filter((w) => /^\p{L}/u.test(w) && !/\p{N}/u.test(w));
}

export function measureCoherence(text: string, words: WordList): CoherenceMeasures {
  const tokens = spacedTokensOf(text);
  const alphabetic = alphabeticWords(text);
  const prose = text
    .split('\n')
    .map(alphabeticWords)
    .filter((line) => line.length >= 6)
    .flat();
  const nonSpace = text.replace(/\s/g, '');
  const symbols = nonSpace.replace(/[\p{L}\p{N}]/gu, '');
  return {
    tokens: tokens.length,
    alphabeticWords: alphabetic.length,
    realWordFraction: alphabetic.length
      ? alphabetic.filter((w) => isKnownWord(w, words)).length / alphabetic.length
      : 0,
    symbolFraction: nonSpace.length ? symbols.length / nonSpace.length : 0,
    proseWords: prose.length,
    functionWordFraction: prose.length ? prose.filter((w) => FUNCTION_WORDS.has(w)).length / prose.length : 0,
    distinct1: distinctNgramRatio(tokens, 1),
    distinct2: distinctNgramRatio(tokens, 2),
    distinct3: distinctNgramRatio(tokens, 3),
    repeated4gramFraction: repeatedNgramFraction(tokens, 4),
    loop: longestLoop(tokens),
    dominantWord: dominantWord(tokens),
  };
}

/** The rules a text fails (empty: coherent). */
function failedRules(m: CoherenceMeasures, t: CoherenceThresholds): string[] {
  const reasons: string[] = [];
  if (m.tokens === 0) reasons.push('no words or numbers');
  else if (m.alphabeticWords >= t.minWordsForVocabulary) {
    const min = m.alphabeticWords >= t.minWordsForLongVocabulary ? t.minRealWordFraction : t.minRealWordFractionShort;
    if (m.realWordFraction < min) reasons.push(`real words ${m.realWordFraction.toFixed(2)} < ${min}`);
  }
  if (m.proseWords >= t.minProseWords && m.functionWordFraction < t.minFunctionWordFraction) {
    reasons.push(`function words ${m.functionWordFraction.toFixed(2)} < ${t.minFunctionWordFraction}`);
  }
  if (m.symbolFraction > t.maxSymbolFraction)
    reasons.push(`symbols ${m.symbolFraction.toFixed(2)} > ${t.maxSymbolFraction}`);
  if (m.loop.copies >= t.maxLoopCopies) reasons.push(`loop: ${m.loop.period}-word unit x${m.loop.copies}`);
  if (m.tokens >= t.minTokensForRatios) {
    if (m.distinct2 < t.minDistinct2) reasons.push(`distinct-2 ${m.distinct2.toFixed(2)} < ${t.minDistinct2}`);
    if (m.repeated4gramFraction > t.maxRepeated4gramFraction) {
      reasons.push(`repeated 4-grams ${m.repeated4gramFraction.toFixed(2)} > ${t.maxRepeated4gramFraction}`);
    }
    const d = m.dominantWord;
    if (d.count >= t.minDominantWordCount && d.fraction > t.maxDominantWordFraction) {
      reasons.push(`"${d.word}" is ${(100 * d.fraction).toFixed(0)}% of words`);
    }
  }
  if (m.meanNll !== undefined && t.maxMeanNll !== undefined && m.meanNll > t.maxMeanNll) {
    reasons.push(`mean NLL ${m.meanNll.toFixed(2)} > ${t.maxMeanNll}`);
  }
  return reasons;
}

export interface HeuristicCoherenceOptions {
  thresholds?: Partial<CoherenceThresholds>;
  /** Path of a word list (defaults to the shipped one). */
  wordListPath?: string;
  /** Mean token NLL of each text under a language model; enables the perplexity rule (needs maxMeanNll). */
  scoreText?: (texts: string[]) => Promise<number[]>;
}

export class HeuristicCoherenceGrader implements CoherenceGrader {
  readonly grader: GraderId;
  readonly thresholds: CoherenceThresholds;
  private readonly words: WordList;
  private readonly scoreText?: (texts: string[]) => Promise<number[]>;

  constructor(options: HeuristicCoherenceOptions = {}) {
    this.thresholds = { ...DEFAULT_COHERENCE_THRESHOLDS, ...options.thresholds };
    this.scoreText = options.scoreText;
    if (this.scoreText && this.thresholds.maxMeanNll === undefined) {
      throw new Error('HeuristicCoherenceGrader: scoreText needs thresholds.maxMeanNll (see calibrateMaxMeanNll)');
    }
    this.words = loadWordList(options.wordListPath);
    // The calibrated NLL threshold is part of the version: labels (and cached searches) made with
    // different thresholds must not be mistaken for one another.
    this.grader = this.scoreText
      ? { id: 'offline/coherence-heuristic+nll', version: `1;maxMeanNll=${this.thresholds.maxMeanNll!.toFixed(3)}` }
      : { id: 'offline/coherence-heuristic', version: '1' };
  }

  /**
   * Labels only: a text that already fails a lexical rule is INCOHERENT whatever its NLL, so only the
   * others are scored by the language model (the steering search's dearest step).
   */
  async grade(texts: string[]): Promise<CoherenceLabel[]> {
    return (await this.assess(texts, { scoreFailed: false })).map((a) => a.label);
  }

  /**
   * Labels with the measures and failed rules behind them. Empty texts are UNKNOWN (the toolkit drops
   * them). With scoreFailed false, texts failing a lexical rule get no meanNll (their label is the same).
   */
  async assess(texts: string[], { scoreFailed = true } = {}): Promise<CoherenceAssessment[]> {
    texts.forEach((t, i) => {
      if (typeof t !== 'string')
        throw new Error(`HeuristicCoherenceGrader: texts[${i}] must be a string, got ${typeof t}`);
    });
    const measures = texts.map((t) => measureCoherence(t, this.words));
    const toScore = texts
      .map((_t, i) => i)
      .filter((i) => texts[i].trim() !== '' && (scoreFailed || failedRules(measures[i], this.thresholds).length === 0));
    if (this.scoreText && toScore.length > 0) {
      const nll = await this.scoreText(toScore.map((i) => texts[i]));
      if (nll.length !== toScore.length)
        throw new Error(`scoreText returned ${nll.length} scores for ${toScore.length} texts`);
      toScore.forEach((i, k) => (measures[i].meanNll = nll[k]));
    }
    return texts.map((text, i) => {
      if (text.trim() === '') return { label: 'UNKNOWN', reasons: ['empty'], measures: measures[i] };
      const reasons = failedRules(measures[i], this.thresholds);
      return { label: reasons.length ? 'INCOHERENT' : 'COHERENT', reasons, measures: measures[i] };
    });
  }
}

/**
 * An NLL threshold from ordinary (e.g. unsteered) texts' mean NLLs: the given quantile plus a margin
 * in nats, so that ordinary text passes and much less likely text fails.
 */
export function calibrateMaxMeanNll(ordinaryNll: number[], { quantile = 0.99, margin = 1.0 } = {}): number {
  const finite = ordinaryNll.filter(Number.isFinite).sort((a, b) => a - b);
  if (finite.length === 0) throw new Error('calibrateMaxMeanNll: no finite NLL values');
  return finite[Math.min(finite.length - 1, Math.floor(quantile * finite.length))] + margin;
}
