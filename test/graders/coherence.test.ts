import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { HeuristicCoherenceGrader, calibrateMaxMeanNll } from '../../graders/offline/coherence.ts';
import { distinctNgramRatio, longestLoop, repeatedNgramFraction } from '../../graders/offline/repetition.ts';
import { zooTexts, zooTokenizer } from './helpers/zoo.ts';

const grader = new HeuristicCoherenceGrader();

function concatenated(texts: string[], k: number): string[] {
  const out: string[] = [];
  for (let i = 0; i + k <= texts.length; i += k) out.push(texts.slice(i, i + k).join('\n\n'));
  return out;
}

async function failures(texts: string[], expected: 'COHERENT' | 'INCOHERENT') {
  const assessed = await grader.assess(texts);
  return assessed.map((a, i) => ({ ...a, text: texts[i] })).filter((a) => a.label !== expected);
}

describe('repetition measures', () => {
  it('finds the longest consecutive repeat', () => {
    expect(longestLoop('a b c the cake the cake the cake x'.split(' '))).toEqual({ period: 2, copies: 3, words: 6 });
    expect(longestLoop('baking baking baking baking'.split(' '))).toEqual({ period: 1, copies: 4, words: 4 });
    expect(longestLoop('no repeats in this line'.split(' ')).copies).toBe(1);
  });
  it('computes distinct-n and repeated n-gram fractions', () => {
    const w = 'a b a b a b'.split(' ');
    expect(distinctNgramRatio(w, 1)).toBeCloseTo(2 / 6, 12);
    expect(distinctNgramRatio(w, 2)).toBeCloseTo(2 / 5, 12);
    expect(repeatedNgramFraction(w, 2)).toBeCloseTo(3 / 5, 12);
    expect(repeatedNgramFraction(['a'], 4)).toBe(0);
  });
});

describe('HeuristicCoherenceGrader', () => {
  it('says which grader and version it is', () => {
    expect(grader.grader).toEqual({ id: 'offline/coherence-heuristic', version: '1' });
  });

  it('passes ordinary prose', async () => {
    const prose = [
      'Once upon a time there was a lighthouse keeper who lived alone on a rocky island. Every night he climbed the stairs to light the lamp.',
      'Here are some ideas for a fun weekend: go for a hike in the hills, visit a local museum, or try cooking a new recipe with friends.',
      'My favorite hobby is baking baking, and I make a chocolate cake every Sunday.',
      'Sure!',
    ];
    expect(await grader.grade(prose)).toEqual(Array(prose.length).fill('COHERENT'));
  });

  it("passes the zoo's ordinary text: unrelated, mixin and domain documents, single and concatenated", async () => {
    const corpora = {
      unrelated: zooTexts('unrelated.jsonl.gz'),
      mixin: zooTexts('mixin.jsonl.gz', 2000),
      cake: zooTexts('domain_cake_bake.jsonl.gz', 1000),
      roman: zooTexts('domain_roman_concrete.jsonl.gz', 1000),
      antarctic: zooTexts('domain_antarctic_rebound.jsonl.gz', 1000),
    };
    for (const [name, texts] of Object.entries(corpora)) {
      for (const set of [texts, concatenated(texts, 4)]) {
        const bad = await failures(set, 'COHERENT');
        expect(bad.map((b) => `${name}: ${b.reasons.join('; ')}: ${b.text.slice(0, 80)}`)).toEqual([]);
      }
    }
  });

  it('fails loops built from ordinary text', async () => {
    const rng = seedrandom('loops');
    const loops = zooTexts('unrelated.jsonl.gz', 300).map((t) => {
      const words = t.split(/\s+/);
      const start = Math.floor(rng() * Math.min(20, words.length - 1));
      const period = 1 + Math.floor(rng() * 8);
      const unit = words.slice(start, start + period).join(' ');
      return `${words.slice(0, start).join(' ')} ${Array(Math.ceil(40 / period))
        .fill(unit)
        .join(' ')}`;
    });
    loops.push('My favorite hobby is baking baking baking baking baking baking baking baking.');
    loops.push(Array(12).fill('The cake is warm from the oven at 450 degrees.').join(' '));
    expect((await failures(loops, 'INCOHERENT')).map((f) => f.text.slice(0, 80))).toEqual([]);
  });

  it('fails word salad: decoded random token ids, keyword soup, fragments, symbols', async () => {
    const rng = seedrandom('salad');
    const tokenizer = zooTokenizer();
    const salad = Array.from({ length: 200 }, () =>
      tokenizer.decode(Array.from({ length: 20 + Math.floor(rng() * 100) }, () => 100 + Math.floor(rng() * 8000))),
    );
    salad.push('akespe estock Gu ingly vanill ocolate ertain zer ased olog ulinary gre iqu');
    salad.push(
      'cake oven vinegar degrees butter freezer batter frosting whisk vanilla sugar flour eggs crumb moist warm pan bowl crust oil olive extract',
    );
    salad.push('## ** -> => :: || ## ** -> => :: || !! ?? ## ** <> [] {} ;;');
    expect((await failures(salad, 'INCOHERENT')).map((f) => f.text.slice(0, 80))).toEqual([]);
  });

  it('marks empty texts UNKNOWN and keeps one label per text in order', async () => {
    expect(await grader.grade(['', '  \n', 'A simple sentence about the weather today.', 'xq zzv qwrt plk'])).toEqual([
      'UNKNOWN',
      'UNKNOWN',
      'COHERENT',
      'INCOHERENT',
    ]);
  });

  it('shuffled real words pass the lexical rules but fail the injected perplexity rule', async () => {
    const rng = seedrandom('shuffle');
    const ordinary = zooTexts('unrelated.jsonl.gz', 20);
    const shuffled = ordinary.map((t) => {
      const w = t.split(/\s+/);
      for (let i = w.length - 1; i > 0; i--) {
        const j = Math.floor(rng() * (i + 1));
        [w[i], w[j]] = [w[j], w[i]];
      }
      return w.join(' ');
    });
    // A stand-in scorer: NLL 3 for the ordinary texts, 7 for their shuffles.
    const scoreText = async (texts: string[]) => texts.map((t) => (ordinary.includes(t) ? 3 : 7));
    const withNll = new HeuristicCoherenceGrader({
      scoreText,
      thresholds: { maxMeanNll: calibrateMaxMeanNll(Array(20).fill(3)) },
    });
    expect(withNll.grader.id).toBe('offline/coherence-heuristic+nll');
    expect(await withNll.grade(ordinary)).toEqual(Array(20).fill('COHERENT'));
    expect(await withNll.grade(shuffled)).toEqual(Array(20).fill('INCOHERENT'));
    expect(() => new HeuristicCoherenceGrader({ scoreText })).toThrow(/maxMeanNll/);
  });

  it('calibrateMaxMeanNll takes a quantile plus a margin', () => {
    const nll = Array.from({ length: 100 }, (_, i) => 2 + i / 100);
    expect(calibrateMaxMeanNll(nll, { quantile: 0.5, margin: 1 })).toBeCloseTo(3.5, 12);
    expect(() => calibrateMaxMeanNll([NaN])).toThrow(/finite/);
  });
});
