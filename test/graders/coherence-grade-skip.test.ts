// grade() scores only lexically passing texts with the language model; its labels must equal those of
// assess(), which scores every text. The scorer here is a stand-in with a known answer per text (NLL =
// a number written in the text), so each rule's outcome is known.
import { describe, expect, it } from 'vitest';
import { HeuristicCoherenceGrader } from '../../graders/offline/coherence.ts';

const texts = [
  'The baker mixed the flour with the butter and left the dough to rest for an hour nll=2',
  'The baker mixed the flour with the butter and left the dough to rest for an hour nll=9',
  'cake cake cake cake cake cake cake cake cake cake cake cake cake cake nll=1',
  '%% ## @@ !! ** && ^^ nll=1',
  '',
  'We walked to the station in the morning and caught the early train to the coast nll=3',
];

describe('HeuristicCoherenceGrader with a perplexity rule', () => {
  it('grade() labels equal assess() labels while the scorer sees only lexically passing texts', async () => {
    const scored: string[][] = [];
    const scoreText = async (ts: string[]) => {
      scored.push(ts);
      return ts.map((t) => Number(/nll=(\d+)/.exec(t)?.[1] ?? NaN));
    };
    const grader = new HeuristicCoherenceGrader({ scoreText, thresholds: { maxMeanNll: 5 } });
    const full = await grader.assess(texts);
    expect(scored[0]).toHaveLength(5); // every non-empty text
    const labels = await grader.grade(texts);
    expect(labels).toEqual(full.map((a) => a.label));
    expect(labels).toEqual(['COHERENT', 'INCOHERENT', 'INCOHERENT', 'INCOHERENT', 'UNKNOWN', 'COHERENT']);
    // the loop and the symbols fail lexical rules: not scored by grade()
    expect(scored[1]).toEqual([texts[0], texts[1], texts[5]]);
  });
});
