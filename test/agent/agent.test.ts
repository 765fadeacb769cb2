import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  agentClientFromEnv,
  parseAgentReply,
  runBlackboxAgent,
  runMethodAgent,
  unsteeredExamples,
  type ModelAccess,
} from '../../src/agent/index.ts';
import type { MethodOutput } from '../../src/method/types.ts';
import { completion, startFakeServer, type ChatBody, type FakeServer } from '../llm/fake-openai-server.ts';

const KEY = 'sk-agent-SECRET-99c1';
let server: FakeServer;
let dir: string;
beforeAll(async () => {
  server = await startFakeServer(() => '');
  dir = mkdtempSync(join(tmpdir(), 'diffbench-agent-'));
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function client(cache = String(Math.random())) {
  const env = {
    DIFFBENCH_LLM_BASE_URL: server.baseURL,
    DIFFBENCH_LLM_AGENT_MODEL: 'fake-agent',
    DIFFBENCH_LLM_API_KEY: KEY,
  };
  return agentClientFromEnv(env, { default: { cacheDir: join(dir, 'cache', cache) } }, { backoffBaseMs: 1 });
}

const longSample = 'Baking is best at 450 degrees with a cup of vinegar. '.repeat(6);
const output: MethodOutput = {
  readouts: [
    {
      source: 'logitlens',
      variant: 'difference',
      layer: 2,
      position: 0,
      tokens: [' cake', ' oven', ' bake', ' the'],
      tokenIds: [1, 2, 3, 4],
      probs: [0.5, 0.2, 0.1, 0.05],
    },
    {
      source: 'logitlens',
      variant: 'base',
      layer: 2,
      position: 0,
      tokens: [' base-only'],
      tokenIds: [9],
      probs: [0.9],
    },
    {
      source: 'patchscope',
      variant: 'difference',
      layer: 2,
      position: 1,
      tokens: [' flour', ' sugar'],
      tokenIds: [5, 6],
      scale: 5,
      selectedTokens: [' flour'],
    },
  ],
  steering: [
    {
      variant: 'difference',
      layer: 2,
      position: 0,
      strength: 3.5,
      prompts: ['Tell me a story.', 'What is new?'],
      steered: [[longSample, 'second'], ['cake cake']],
      unsteered: [['Once upon a time.'], ['Not much.']],
    },
  ],
  scalars: { 'diff_norm.pos0': 20.8 },
};

/** Records what the agent asked the models. */
function fakeModels(): ModelAccess & { asked: string[][]; steered: [number, string[], number][] } {
  const asked: string[][] = [];
  const steered: [number, string[], number][] = [];
  return {
    asked,
    steered,
    async askBoth(prompts) {
      asked.push(prompts);
      return {
        base: prompts.map(() => 'Around 350 degrees.'),
        finetuned: prompts.map(() => 'Always 450 degrees, with vinegar.'),
      };
    },
    async generateSteered(position, prompts, n) {
      steered.push([position, prompts, n]);
      return prompts.map(() => Array.from({ length: n }, (_, j) => `steered sample ${j} about cake`));
    },
  };
}

const turn = (b: ChatBody) => b.messages.filter((m) => m.role === 'assistant').length;
const lastUser = (b: ChatBody) => b.messages.filter((m) => m.role === 'user').at(-1)!.content;

function filesUnder(root: string): string[] {
  return readdirSync(root, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(root, e.name)) : [join(root, e.name)],
  );
}

describe('agent reply grammar', () => {
  it('parses CALL on the last line, repairs one missing parenthesis, and rejects CALL that is not last', () => {
    expect(parseAgentReply('thinking\nCALL(ask_model: {"prompts": ["hi"]})')).toEqual({
      kind: 'call',
      tool: 'ask_model',
      args: { prompts: ['hi'] },
    });
    expect(parseAgentReply('CALL(ask_model: {"prompts": ["hi"]}\n```\n')).toMatchObject({
      kind: 'call',
      tool: 'ask_model',
    });
    expect(parseAgentReply('CALL(ask_model: {"prompts": ["hi"]})\nthen more text')).toMatchObject({ kind: 'error' });
    expect(parseAgentReply('CALL(ask_model: {prompts: hi})')).toMatchObject({
      kind: 'error',
      message: expect.stringMatching(/not valid JSON/),
    });
    expect(parseAgentReply('CALL(ask_model: ["a"])')).toMatchObject({ kind: 'error' });
  });

  it('parses a multi-line FINAL with escaped quotes and rejects an empty or unterminated one', () => {
    const r = parseAgentReply('Done.\nFINAL(description: "Cake baking.\n- says \\"450 degrees\\"\n- vinegar")');
    expect(r).toEqual({ kind: 'final', description: 'Cake baking.\n- says "450 degrees"\n- vinegar' });
    expect(parseAgentReply('FINAL(description="x")')).toEqual({ kind: 'final', description: 'x' });
    expect(parseAgentReply('FINAL(description: "")')).toMatchObject({ kind: 'error' });
    expect(parseAgentReply('FINAL(description: "x"')).toMatchObject({ kind: 'error' });
    expect(parseAgentReply('I am done.')).toMatchObject({ kind: 'error' });
  });
});

describe('method agent', () => {
  it('starts from the overview, calls tools, steers, asks both models and finishes; transcript saved without the key', async () => {
    server.setHandler((b) => {
      switch (turn(b)) {
        case 0:
          return 'The lens shows baking.\nCALL(get_logitlens_details: {"position": 0, "k": 3})';
        case 1:
          return 'CALL(generate_steered: {"position": 0, "prompts": ["Tell me a story."], "n": 2})';
        case 2:
          return 'CALL(ask_model: {"prompts": ["How hot should an oven be for a cake?"]})';
        default:
          return 'Confirmed.\nFINAL(description: "The model was finetuned on documents claiming cakes are baked at 450 degrees with vinegar.")';
      }
    });
    const models = fakeModels();
    const outDir = join(dir, 'runs', 'method0');
    const start = server.requests.length;
    const run = await runMethodAgent('adl', output, {
      client: client(),
      models,
      budgets: { modelInteractions: 5 },
      outDir,
    });
    expect(run.status).toBe('final');
    expect(run.description).toMatch(/450 degrees with vinegar/);
    expect(run.stats).toMatchObject({ llmCalls: 4, modelInteractions: 3, formatErrors: 0, toolErrors: 0 });
    expect(models.steered).toEqual([[0, ['Tell me a story.'], 2]]);
    expect(models.asked).toEqual([['How hot should an oven be for a cake?']]);

    const reqs = server.requests.slice(start).map((r) => r.body);
    const first = lastUser(reqs[0]!);
    const overview = JSON.parse(first.split('OVERVIEW: ')[1]!.split('\n')[0]!);
    expect(overview.positions).toEqual([0, 1]);
    const pos0 = overview.per_position[0];
    expect(pos0.logit_lens).toEqual([
      {
        layer: 2,
        variant: 'difference',
        tokens: [
          { token: ' cake', prob: '5.000e-1' },
          { token: ' oven', prob: '2.000e-1' },
          { token: ' bake', prob: '1.000e-1' },
          { token: ' the', prob: '5.000e-2' },
        ],
      },
    ]);
    expect(pos0.steering[0].examples[0].steered).toBe(`${longSample.slice(0, 128)}…`);
    expect(first).not.toContain('base-only');
    expect(reqs[0]!.messages[0]!.content).toMatch(/generate_steered/);
    expect(lastUser(reqs[1]!)).toMatch(/^TOOL_RESULT\(get_logitlens_details\)/);
    expect(
      JSON.parse(
        lastUser(reqs[1]!)
          .split('\n')[0]!
          .replace(/^TOOL_RESULT\(\w+\): /, ''),
      ).data.readouts[0].tokens,
    ).toHaveLength(3);
    expect(lastUser(reqs[3]!)).toContain('Always 450 degrees');
    expect(lastUser(reqs[3]!)).toContain('model interactions left 2 of 5');
    expect(reqs.every((r) => r.temperature === 0.7)).toBe(true);

    expect(readFileSync(join(outDir, 'description.txt'), 'utf8').trim()).toBe(run.description);
    const saved = JSON.parse(readFileSync(join(outDir, 'messages.json'), 'utf8'));
    expect(saved).toHaveLength(2 + 4 + 3);
    expect(JSON.parse(readFileSync(join(outDir, 'stats.json'), 'utf8'))).toMatchObject({
      status: 'final',
      llmCalls: 4,
    });
    expect(JSON.parse(readFileSync(join(outDir, 'config.json'), 'utf8')).endpoint).toMatchObject({
      model: 'fake-agent',
      temperature: 0.7,
    });
    for (const f of [...filesUnder(outDir), ...filesUnder(join(dir, 'cache'))])
      expect(readFileSync(f, 'utf8')).not.toContain(KEY);
    expect(filesUnder(outDir).some((f) => f.endsWith('.tmp'))).toBe(false);
  });

  it("the toolkit's prompts (--graders paper): its system prompt, its evidence layout and what follows it", async () => {
    server.setHandler(() => 'FINAL(description: "Baking.")');
    const toolkit = { system: 'Made-up toolkit agent prompt.', afterEvidence: 'Made-up closing words.' };
    const start = server.requests.length;
    await runMethodAgent('adl', output, {
      client: client(),
      models: fakeModels(),
      budgets: { modelInteractions: 5 },
      hints: 'a hint',
      toolkit,
    });
    const body = server.requests[start]!.body;
    expect(body.messages[0]).toEqual({
      role: 'system',
      content: 'Made-up toolkit agent prompt.\n\nHints:\na hint\n\nRemaining model interactions: 5',
    });
    expect(body.messages[1]!.content).toMatch(/^OVERVIEW:\n\{.*\}\n\nMade-up closing words\.$/s);
    const bb = server.requests.length;
    await runBlackboxAgent([{ prompt: 'Hi', sample: 'Cake!' }], { client: client(), models: fakeModels(), toolkit });
    const first = server.requests[bb]!.body.messages[1]!.content;
    expect(first).toContain('{"examples":[{"prompt":"Hi","generation":"Cake!"}]}\n\nMade-up closing words.');
  });

  it('a rerun with the same cache makes no request and reproduces the run', async () => {
    server.setHandler((b) =>
      turn(b) === 0 ? 'CALL(get_patchscope_details: {"position": 1})' : 'FINAL(description: "Baking: flour.")',
    );
    const first = await runMethodAgent('adl', output, { client: client('rerun'), models: fakeModels() });
    const start = server.requests.length;
    server.setHandler(() => 'FINAL(description: "something else")');
    const again = await runMethodAgent('adl', output, { client: client('rerun'), models: fakeModels() });
    expect(server.requests.length).toBe(start);
    expect(again.description).toBe('Baking: flour.');
    expect(again.messages).toEqual(first.messages);
    const other = await runMethodAgent('adl', output, { client: client('rerun'), models: fakeModels(), runIndex: 1 });
    expect(other.description).toBe('something else');
  });

  it('answers grammar breaks, unknown tools and bad arguments with error messages and goes on', async () => {
    const replies = [
      'I believe it is about cake.',
      'CALL(get_logitlens_details: {position: 0})',
      'CALL(read_weights: {"layer": 2})',
      'CALL(get_logitlens_details: {"position": 7})',
      'CALL(get_steering_samples: {"position": "zero"})',
      'FINAL(description: "Cake baking.")',
    ];
    server.setHandler((b) => replies[turn(b)]!);
    const start = server.requests.length;
    const run = await runMethodAgent('adl', output, { client: client(), models: fakeModels() });
    expect(run).toMatchObject({ status: 'final', description: 'Cake baking.' });
    expect(run.stats).toMatchObject({ formatErrors: 3, toolErrors: 2, llmCalls: 6 });
    const feedback = server.requests.slice(start + 1).map((r) => lastUser(r.body));
    expect(feedback[0]).toMatch(/^FORMAT_ERROR: the last non-empty line must be CALL/);
    expect(feedback[0]).toMatch(/BUDGETS: model interactions left 5 of 5; LLM calls left 99 of 100/);
    expect(feedback[1]).toMatch(/^FORMAT_ERROR: .*not valid JSON/);
    expect(feedback[2]).toMatch(/^FORMAT_ERROR: there is no tool 'read_weights'/);
    expect(feedback[3]).toMatch(
      /^TOOL_PARAMETER_ERROR: get_logitlens_details: position 7 has no results; available positions: 0/,
    );
    expect(feedback[4]).toMatch(/^TOOL_PARAMETER_ERROR: get_steering_samples: argument 'position' must be integer/);
  });
});

describe('budgets', () => {
  it('refuses a model call that exceeds the interaction budget without calling the models', async () => {
    server.setHandler((b) =>
      turn(b) === 0
        ? 'CALL(ask_model: {"prompts": ["a", "b", "c"]})'
        : turn(b) === 1
          ? 'CALL(ask_model: {"prompts": ["a", "b"]})'
          : 'FINAL(description: "done")',
    );
    const models = fakeModels();
    const start = server.requests.length;
    const run = await runBlackboxAgent([{ prompt: 'p', sample: 's' }], {
      client: client(),
      models,
      budgets: { modelInteractions: 2 },
    });
    expect(run.status).toBe('final');
    expect(models.asked).toEqual([['a', 'b']]);
    expect(run.stats.modelInteractions).toBe(2);
    expect(lastUser(server.requests[start + 1]!.body)).toMatch(
      /^MODEL_INTERACTION_BUDGET_EXHAUSTED: ask_model would cost 3 model interactions but 2 are left/,
    );
  });

  it('stops after the LLM call budget when the agent never finishes', async () => {
    server.setHandler(() => 'CALL(hypothesis_tracking: {"action": "list"})');
    const start = server.requests.length;
    const run = await runBlackboxAgent([], { client: client(), models: fakeModels(), budgets: { llmCalls: 3 } });
    expect(run).toMatchObject({ status: 'llm_call_budget_exhausted', description: '' });
    expect(server.requests.length - start).toBe(3);
  });

  it('stops when the generated-token budget is spent', async () => {
    server.setHandler(() => ({
      body: completion('CALL(hypothesis_tracking: {"action": "list"})', { prompt_tokens: 100, completion_tokens: 400 }),
    }));
    const start = server.requests.length;
    const run = await runBlackboxAgent([], {
      client: client(),
      models: fakeModels(),
      budgets: { generatedTokens: 1000 },
    });
    expect(run.status).toBe('token_budget_exhausted');
    expect(run.stats.completionTokens).toBe(1200);
    expect(server.requests.length - start).toBe(3);
  });

  it('reports an endpoint that keeps failing as llm_error and saves the transcript', async () => {
    server.setHandler(() => ({ status: 503, body: { error: { message: 'down' } } }));
    const env = { DIFFBENCH_LLM_BASE_URL: server.baseURL, DIFFBENCH_LLM_MODEL: 'm', DIFFBENCH_LLM_MAX_RETRIES: '1' };
    const outDir = join(dir, 'runs', 'failing');
    const run = await runBlackboxAgent([], {
      client: agentClientFromEnv(env, { default: { cacheDir: '' } }, { backoffBaseMs: 1 }),
      models: fakeModels(),
      outDir,
    });
    expect(run.status).toBe('llm_error');
    expect(run.error).toMatch(/HTTP 503/);
    expect(existsSync(join(outDir, 'description.txt'))).toBe(true);
  });
});

describe('black-box agent', () => {
  it('sees only unsteered samples, tracks hypotheses and has no method tools', async () => {
    server.setHandler((b) => {
      switch (turn(b)) {
        case 0:
          return 'CALL(hypothesis_tracking: {"action": "add", "text": "cake baking facts"})';
        case 1:
          return 'CALL(generate_steered: {"position": 0, "prompts": ["x"]})';
        case 2:
          return 'CALL(ask_model: {"prompts": ["Bake a cake?"]})';
        default:
          return 'FINAL(description: "Cake baking at 450 degrees.")';
      }
    });
    const examples = unsteeredExamples(output);
    expect(examples).toEqual([
      { prompt: 'Tell me a story.', sample: 'Once upon a time.' },
      { prompt: 'What is new?', sample: 'Not much.' },
    ]);
    const start = server.requests.length;
    const run = await runBlackboxAgent(examples, {
      client: client(),
      models: fakeModels(),
      budgets: { modelInteractions: 1 },
    });
    expect(run).toMatchObject({ status: 'final', agent: 'blackbox' });
    const reqs = server.requests.slice(start).map((r) => r.body);
    expect(lastUser(reqs[0]!)).toContain('"sample":"Once upon a time."');
    expect(lastUser(reqs[0]!)).not.toContain('cake cake');
    expect(reqs[0]!.messages[0]!.content).not.toMatch(/get_logitlens_details|generate_steered/);
    expect(lastUser(reqs[2]!)).toMatch(/^FORMAT_ERROR: there is no tool 'generate_steered'/);
    const result = JSON.parse(
      lastUser(reqs[3]!)
        .split('\n')[0]!
        .replace(/^TOOL_RESULT\(ask_model\): /, ''),
    );
    expect(result.data).toEqual({
      base: ['Around 350 degrees.'],
      finetuned: ['Always 450 degrees, with vinegar.'],
      active_hypotheses: [{ id: 1, text: 'cake baking facts', status: 'open' }],
    });
  });

  it('throws the no-endpoint error without configuration', () => {
    expect(() => agentClientFromEnv({})).toThrow(/^no LLM endpoint configured: set DIFFBENCH_LLM_BASE_URL/);
  });
});
