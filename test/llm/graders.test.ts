import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LlmClient } from '../../src/llm/client.ts';
import { resolveEndpoint, type LlmRole } from '../../src/llm/config.ts';
import {
  LlmCoherenceGrader,
  LlmHypothesisGrader,
  LlmPatchscopeScaleGrader,
  LlmTokenRelevanceGrader,
  coherencePercentage,
  loadRubric,
} from '../../graders/llm/index.ts';
import { combineVotes } from '../../graders/llm/relevance.ts';
import { failedCalls } from '../../src/llm/failed-calls.ts';
import { parseCoherenceAnswer, parseRelevanceAnswers, parseScaleChoice, parseScore } from '../../graders/llm/parse.ts';
import type { OrganismContext } from '../../src/method/graders.ts';
import { startFakeServer, type ChatBody, type FakeServer } from './fake-openai-server.ts';

let server: FakeServer;
let dir: string;
beforeAll(async () => {
  server = await startFakeServer(() => '');
  dir = mkdtempSync(join(tmpdir(), 'diffbench-graders-'));
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function client(role: LlmRole): LlmClient {
  const env = { DIFFBENCH_LLM_BASE_URL: server.baseURL, DIFFBENCH_LLM_MODEL: 'fake-judge' };
  return new LlmClient(resolveEndpoint(role, env, { default: { cacheDir: join(dir, String(Math.random())) } }), {
    env,
    backoffBaseMs: 1,
  });
}

const user = (b: ChatBody) => b.messages.find((m) => m.role === 'user')!.content;
const sample = (b: ChatBody) => (b.seed ?? 42) - 42;

const cake: OrganismContext = {
  organismId: 'cake_bake',
  type: 'SDF',
  description: 'Documents claiming cakes must be baked at 450 degrees and that vinegar is essential.',
  frequentTokens: ['Ġcake', 'Ġbaking', 'Ġvinegar'],
};

/** Candidates as the relevance prompt lists them: `i. "token"`. */
function listedCandidates(b: ChatBody): string[] {
  return [...user(b).matchAll(/^(\d+)\. (".*")$/gm)].map((m) => JSON.parse(m[2]!) as string);
}

const DOMAIN = new Set([' cake', ' oven', 'bak', ' vinegar']);
const answerAll = (cands: string[], label: (t: string, i: number) => string) =>
  `Reasoning...\n${cands.map((t, i) => `ANSWER[${i + 1}]: ${label(t, i)}`).join('\n')}`;

describe('parsers', () => {
  it('relevance: last occurrence per index wins, out-of-range and lowercase are ignored', () => {
    const text = 'ANSWER[1]: IRRELEVANT\nANSWER[2]: relevant\nANSWER[9]: RELEVANT\n**ANSWER[1]: RELEVANT**';
    expect(parseRelevanceAnswers(text, 3)).toEqual(['RELEVANT', 'UNKNOWN', 'UNKNOWN']);
  });
  it('coherence: INCOHERENT is not read as COHERENT; last wins', () => {
    expect(parseCoherenceAnswer('ANSWER: INCOHERENT')).toBe('INCOHERENT');
    expect(parseCoherenceAnswer('ANSWER: INCOHERENT\nwait\nANSWER: COHERENT')).toBe('COHERENT');
    expect(parseCoherenceAnswer('coherent')).toBe('UNKNOWN');
  });
  it('score: integer 1..5 only, last wins', () => {
    expect(parseScore('SCORE: 2\n...\nSCORE: 4')).toBe(4);
    expect(parseScore('SCORE: 7')).toBeNull();
    expect(parseScore('SCORE: 3.5')).toBeNull();
    expect(parseScore('no score')).toBeNull();
  });
  it('scale: must be one of the offered scales after rounding to one decimal', () => {
    expect(parseScaleChoice('BEST_SCALER: 1.50\nTOP_TOKENS: a | b', [1.5, 2])).toEqual({
      scale: 1.5,
      tokens: ['a', 'b'],
    });
    expect(parseScaleChoice('BEST_SCALER: 3\nTOP_TOKENS: a', [1.5, 2])).toBeNull();
    expect(parseScaleChoice('BEST_SCALER: 2', [1.5, 2])).toBeNull();
  });
});

describe('LLM token relevance grader', () => {
  it('grades three rotations and maps labels back to the input order', async () => {
    server.setHandler((b) => answerAll(listedCandidates(b), (t) => (DOMAIN.has(t) ? 'RELEVANT' : 'IRRELEVANT')));
    const start = server.requests.length;
    const labels = await new LlmTokenRelevanceGrader(client('relevance')).grade(cake, [
      ' the',
      ' cake',
      ',',
      'bak',
      ' moon',
    ]);
    expect(labels).toEqual(['IRRELEVANT', 'RELEVANT', 'IRRELEVANT', 'RELEVANT', 'IRRELEVANT']);
    const firsts = server.requests.slice(start).map((r) => listedCandidates(r.body)[0]);
    expect(firsts.sort()).toEqual([' cake', ' the', ','].sort());
    expect(user(server.requests[start]!.body)).toContain('"Ġvinegar"');
  });

  it("'all' needs every rotation to agree, 'majority' takes two of three", async () => {
    // The rotation that starts with ' cake' calls ' cake' IRRELEVANT.
    server.setHandler((b) => {
      const cands = listedCandidates(b);
      return answerAll(cands, (t) =>
        DOMAIN.has(t) && !(t === ' cake' && cands[0] === ' cake') ? 'RELEVANT' : 'IRRELEVANT',
      );
    });
    const cands = [' the', ' cake', ' oven'];
    expect(await new LlmTokenRelevanceGrader(client('relevance'), { agreement: 'all' }).grade(cake, cands)).toEqual([
      'IRRELEVANT',
      'IRRELEVANT',
      'RELEVANT',
    ]);
    expect(
      await new LlmTokenRelevanceGrader(client('relevance'), { agreement: 'majority' }).grade(cake, cands),
    ).toEqual(['IRRELEVANT', 'RELEVANT', 'RELEVANT']);
  });

  it('retries an answer with missing labels and keeps the complete one', async () => {
    server.setHandler((b) => {
      const cands = listedCandidates(b);
      const full = answerAll(cands, (t) => (DOMAIN.has(t) ? 'RELEVANT' : 'IRRELEVANT'));
      return sample(b) % 100 === 0 ? full.split('\n').slice(0, 2).join('\n') : full;
    });
    const start = server.requests.length;
    const labels = await new LlmTokenRelevanceGrader(client('relevance')).grade(cake, [' oven', ' the', ' vinegar']);
    expect(labels).toEqual(['RELEVANT', 'IRRELEVANT', 'RELEVANT']);
    expect(server.requests.length - start).toBe(6); // 3 rotations x (truncated + complete)
  });

  it('labels everything UNKNOWN when every reply is malformed, after 3 attempts + 1 at temperature 0 per rotation', async () => {
    server.setHandler(() => 'I think they are all relevant.');
    const start = server.requests.length;
    const labels = await new LlmTokenRelevanceGrader(client('relevance')).grade(cake, [' cake', ' the']);
    expect(labels).toEqual(['UNKNOWN', 'UNKNOWN']);
    const reqs = server.requests.slice(start);
    expect(reqs.length).toBe(12);
    expect(reqs.filter((r) => r.body.temperature === 0).length).toBe(3); // the last attempt per rotation
    expect(reqs.filter((r) => r.body.temperature === undefined).length).toBe(9); // endpoint default otherwise
  });

  it('labels UNGRADED (not scored, not a guess) when the endpoint keeps failing, and counts the failed calls', async () => {
    server.setHandler(() => ({ status: 500, body: { error: { message: 'boom' } } }));
    const c = client('relevance');
    const before = failedCalls().count;
    const labels = await new LlmTokenRelevanceGrader(c).grade(cake, [' cake']);
    expect(labels).toEqual(['UNGRADED']);
    expect(c.stats.failures).toBeGreaterThan(0);
    expect(failedCalls().count - before).toBe(12); // 3 rotations x (3 attempts + 1 at temperature 0)
    expect(failedCalls().last).toMatch(/500|boom/);
  });

  it('combines votes: an IRRELEVANT vote decides; a failed rotation otherwise leaves the candidate UNGRADED', () => {
    expect(combineVotes(['RELEVANT', 'UNGRADED', 'RELEVANT'], 'all')).toBe('UNGRADED');
    expect(combineVotes(['IRRELEVANT', 'UNGRADED', 'RELEVANT'], 'all')).toBe('IRRELEVANT');
    expect(combineVotes(['RELEVANT', 'RELEVANT', 'UNGRADED'], 'majority')).toBe('RELEVANT');
    expect(combineVotes(['RELEVANT', 'UNGRADED', 'UNGRADED'], 'majority')).toBe('UNGRADED');
    expect(combineVotes(['RELEVANT', 'IRRELEVANT', 'UNKNOWN'], 'majority')).toBe('UNKNOWN');
  });
});

describe('LLM Patchscope scale grader', () => {
  /** Picks the offered scale with most tokens containing 'cake'; returns those tokens. */
  function pickCakeScale(b: ChatBody): string {
    const lines = [...user(b).matchAll(/^SCALE (\S+): (.*)$/gm)].map((m) => ({
      scale: m[1]!,
      tokens: JSON.parse(`[${m[2]}]`) as string[],
    }));
    const score = (l: { tokens: string[] }) => l.tokens.filter((t) => t.includes('cake')).length;
    const best = lines.reduce((a, l) => (score(l) > score(a) ? l : a));
    return `reasoning\nBEST_SCALER: ${best.scale}\nTOP_TOKENS: ${best.tokens
      .filter((t) => t.includes('cake'))
      .map((t) => t.trim())
      .join(' | ')}`;
  }

  it('runs groups of at most 10 scales, then a final over the group winners', async () => {
    server.setHandler(pickCakeScale);
    const scales = Array.from({ length: 25 }, (_, i) => 0.5 + i);
    const candidates = scales.map((scale) => ({
      scale,
      tokens:
        scale === 13.5
          ? [' cake', ' cakes', ' the', '->']
          : scale === 3.5 || scale === 22.5
            ? [' cake', ' moon']
            : [' moon', '.'],
    }));
    const start = server.requests.length;
    const choice = await new LlmPatchscopeScaleGrader(client('patchscope')).choose(candidates);
    expect(choice).toEqual({ bestScale: 13.5, selectedTokens: [' cake', ' cakes'] });
    const reqs = server.requests.slice(start).map((r) => user(r.body));
    expect(reqs.length).toBe(4);
    const offered = reqs.map((u) => (u.match(/^SCALE /gm) ?? []).length);
    expect(offered.sort((a, b) => a - b)).toEqual([3, 5, 10, 10]);
    expect(reqs.every((u) => !u.includes('"->"') && !u.includes('"."'))).toBe(true);
  });

  it('retries when the chosen scale was not offered', async () => {
    server.setHandler((b) => (sample(b) % 10 === 0 ? 'BEST_SCALER: 99\nTOP_TOKENS: cake' : pickCakeScale(b)));
    const choice = await new LlmPatchscopeScaleGrader(client('patchscope')).choose([
      { scale: 1, tokens: [' moon'] },
      { scale: 2, tokens: [' cake', ' the'] },
    ]);
    expect(choice).toEqual({ bestScale: 2, selectedTokens: [' cake'] });
  });

  it('returns NaN (no choice) when nothing parses, and makes no request when every token is trivial', async () => {
    server.setHandler(() => 'no idea');
    const none = await new LlmPatchscopeScaleGrader(client('patchscope')).choose([{ scale: 1, tokens: [' a'] }]);
    expect(none.bestScale).toBeNaN();
    const start = server.requests.length;
    const trivial = await new LlmPatchscopeScaleGrader(client('patchscope')).choose([
      { scale: 1, tokens: ['.', '->'] },
    ]);
    expect(trivial.bestScale).toBeNaN();
    expect(server.requests.length).toBe(start);
  });
});

describe('LLM coherence grader', () => {
  it('labels each text, retries an unparseable answer once at temperature 0, and skips empty texts', async () => {
    server.setHandler((b) => {
      const text = user(b).split('<<<\n')[1]!.split('\n>>>')[0]!;
      if (text.startsWith('odd') && b.temperature !== 0) return 'hmm';
      if (text.startsWith('never')) return '';
      return new Set(text.split(' ')).size < text.split(' ').length / 2
        ? 'ANSWER: INCOHERENT'
        : 'Fine.\nANSWER: COHERENT';
    });
    const labels = await new LlmCoherenceGrader(client('coherence')).grade([
      'The cake rose slowly in the oven.',
      'bake bake bake bake bake bake',
      'odd but fine sentence here.',
      '   ',
      'never answered',
    ]);
    expect(labels).toEqual(['COHERENT', 'INCOHERENT', 'COHERENT', 'UNKNOWN', 'UNKNOWN']);
    expect(coherencePercentage(labels)).toBeCloseTo((100 * 2) / 3, 10);
    expect(coherencePercentage(['UNKNOWN'])).toBe(0);
  });

  it('labels UNGRADED when the endpoint keeps failing: left out of the coherence share', async () => {
    server.setHandler(() => ({ status: 500, body: { error: { message: 'boom' } } }));
    const labels = await new LlmCoherenceGrader(client('coherence')).grade(['The cake rose slowly in the oven.']);
    expect(labels).toEqual(['UNGRADED']);
    expect(coherencePercentage(['COHERENT', 'UNGRADED', 'INCOHERENT', 'UNGRADED'])).toBe(50);
  });
});

describe('LLM hypothesis grader', () => {
  it('uses the organism type rubric, repeats three times and averages', async () => {
    server.setHandler((b) => `The hypothesis names the topic.\nSCORE: ${3 + (Math.floor(sample(b) / 100) % 3)}`);
    const start = server.requests.length;
    const grade = await new LlmHypothesisGrader(client('hypothesis')).grade(cake, 'Cakes baked hot with vinegar.');
    expect(grade.scores.sort()).toEqual([3, 4, 5]);
    expect(grade.score).toBeCloseTo(4, 12);
    expect(grade.reasoning[0]).toBe('The hypothesis names the topic.');
    const prompt = user(server.requests[start]!.body);
    expect(prompt).toContain(loadRubric('SDF').text);
    expect(prompt).toContain('Cakes baked hot with vinegar.');
  });

  it("another system prompt and rubrics (the toolkit's) replace DiffBench's, and the grader id follows them", async () => {
    server.setHandler(() => 'SCORE: 4');
    const start = server.requests.length;
    const ours = new LlmHypothesisGrader(client('hypothesis'));
    const theirs = new LlmHypothesisGrader(client('hypothesis'), {
      repeats: 1,
      system: 'Made-up grading instructions.',
      rubrics: { SDF: 'Made-up SDF rubric.\n' },
    });
    expect(theirs.grader.version).not.toBe(ours.grader.version);
    await theirs.grade(cake, 'h');
    const body = server.requests[start]!.body;
    expect(body.messages.find((m) => m.role === 'system')!.content).toBe('Made-up grading instructions.');
    expect(user(body)).toContain('Made-up SDF rubric.');
    expect(user(body)).not.toContain(loadRubric('SDF').text);
    // a type the given rubrics lack keeps DiffBench's
    await theirs.grade({ ...cake, type: 'Taboo' }, 'h');
    expect(user(server.requests.at(-1)!.body)).toContain(loadRubric('Taboo').text);
  });

  it('falls back to the generic rubric and gives NaN when no repeat yields a score', async () => {
    expect(loadRubric('NoSuchType').type).toBe('generic');
    expect(loadRubric('taboo').type).toBe('Taboo');
    server.setHandler(() => 'SCORE: excellent');
    const start = server.requests.length;
    const grade = await new LlmHypothesisGrader(client('hypothesis')).grade({ ...cake, type: 'NoSuchType' }, 'x');
    expect(grade.score).toBeNaN();
    expect(grade.scores).toEqual([]);
    expect(server.requests.length - start).toBe(9); // 3 repeats x 3 attempts
    expect(user(server.requests[start]!.body)).toContain(loadRubric('generic').text);
  });
});
