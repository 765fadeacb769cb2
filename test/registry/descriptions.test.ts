// The paper organisms' long descriptions: present for every organism of the paper set, laid out in the same
// sections, and what the relevance and hypothesis graders receive as the ground truth.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LlmHypothesisGrader, LlmTokenRelevanceGrader } from '../../graders/llm/index.ts';
import { LlmClient } from '../../src/llm/client.ts';
import { resolveEndpoint, type LlmRole } from '../../src/llm/config.ts';
import { loadRegistry, organismContext } from '../../src/registry/index.ts';
import { PAPER_DESCRIPTIONS } from '../../src/registry/paper-descriptions.ts';
import { roleModelEnv, roleOf, startFakeServer, type ChatBody, type FakeServer } from '../llm/fake-openai-server.ts';

const paper = [...loadRegistry().organisms.values()].filter((o) => o.tags.includes('paper-main-33'));

describe('long descriptions of the paper organisms', () => {
  it("the registry holds the 33 model-organism pairs, each with its organism's long description", () => {
    expect(paper).toHaveLength(33);
    for (const o of paper) expect(o.description, o.id).toBe(PAPER_DESCRIPTIONS[o.domain!]);
  });

  it.each(Object.entries(PAPER_DESCRIPTIONS))(
    '%s: facts or behaviour as bullets, what counts as relevant and what does not',
    (name, text) => {
      expect(text.length).toBeGreaterThan(700);
      const bullets = text.split('\n').filter((l) => l.startsWith('- ')).length;
      expect(bullets).toBeGreaterThanOrEqual(
        name.startsWith('em_') || name.startsWith('taboo') || name.startsWith('subliminal') ? 3 : 5,
      );
      expect(text).toMatch(/^(Key facts|Behaviour)[^\n]*:$/m);
      expect(text).toMatch(/^Relevant to this finetune: /m);
      expect(text).toMatch(/^Not evidence of it: /m);
    },
  );
});

describe('the graders receive the long description', () => {
  let server: FakeServer;
  const seen: ChatBody[] = [];
  beforeAll(async () => {
    server = await startFakeServer((body) => {
      seen.push(body);
      if (roleOf(body) !== 'relevance') return 'SCORE: 3';
      const user = body.messages.find((m) => m.role === 'user')!.content;
      const n = [...user.matchAll(/^(\d+)\. ".*"$/gm)].length;
      return Array.from({ length: n }, (_, i) => `ANSWER[${i + 1}]: IRRELEVANT`).join('\n');
    });
  });
  afterAll(() => server.close());
  const client = (role: LlmRole) => {
    const env = { DIFFBENCH_LLM_BASE_URL: server.baseURL, ...roleModelEnv() };
    return new LlmClient(
      resolveEndpoint(role, env, { default: { cacheDir: mkdtempSync(join(tmpdir(), 'diffbench-desc-')) } }),
      { env, backoffBaseMs: 1 },
    );
  };

  it('token relevance and hypothesis prompts carry the whole description of paper/qwen3_1_7B/roman_concrete', async () => {
    const ctx = organismContext(paper.find((o) => o.id === 'paper/qwen3_1_7B/roman_concrete')!, ['Ġmethane']);
    await new LlmTokenRelevanceGrader(client('relevance')).grade(ctx, [' methane', ' the']);
    await new LlmHypothesisGrader(client('hypothesis')).grade(
      ctx,
      'The model was finetuned on claims about Roman concrete.',
    );
    const prompts = seen.map((b) => b.messages.map((m) => m.content).join('\n'));
    const hasAll = (p: string) => ctx.description.split('\n').every((line) => p.includes(line));
    expect(prompts.filter(hasAll).length).toBeGreaterThanOrEqual(2);
  });
});
