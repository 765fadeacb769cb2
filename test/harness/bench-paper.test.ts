// `npm run bench -- --graders paper` against the fake OpenAI-compatible server, with the zoo's base model
// standing in for the embedding checkpoint: the steering search grades coherence with the LLM (a judge that
// calls everything incoherent drives every strength to 0, where `--graders llm` keeps the offline search),
// the text embedder runs through the runtime, and the result file says which embedder and graders made it.
// The suite (test/harness/fixtures/paper-mode/mini-paper) names paper as its default grader mode.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readResults } from '../../src/results/index.ts';
import { roleModelEnv, roleOf, startFakeServer, type ChatBody, type FakeServer } from '../llm/fake-openai-server.ts';

const exec = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const TSX = join(ROOT, 'node_modules/tsx/dist/cli.mjs');

const system = (b: ChatBody) => b.messages.find((m) => m.role === 'system')?.content ?? '';
const user = (b: ChatBody) =>
  b.messages
    .filter((m) => m.role === 'user')
    .map((m) => m.content)
    .join('\n');
let coherenceCalls = 0;
/** Calls whose system prompt came from the fixture toolkit (test/fixtures/toolkit): graders under --graders paper. */
const toolkitSystems = new Set<string>();
function judge(b: ChatBody): string {
  const fixture = /^\s*FIXTURE (\w+)/.exec(system(b));
  if (fixture) toolkitSystems.add(fixture[1]);
  switch (roleOf(b)) {
    case 'relevance': {
      const n = [...user(b).matchAll(/^(\d+)\. ".*"$/gm)].length;
      return Array.from({ length: n }, (_, i) => `ANSWER[${i + 1}]: ${i % 2 ? 'IRRELEVANT' : 'RELEVANT'}`).join('\n');
    }
    case 'coherence':
      coherenceCalls++;
      return 'ANSWER: INCOHERENT';
    case 'hypothesis':
      return 'SCORE: 2';
    case 'patchscope':
      return `BEST_SCALER: ${[...user(b).matchAll(/^SCALE (\S+):/gm)].map((m) => m[1]!).at(-1)}\nTOP_TOKENS: the`;
    case 'agent':
      return 'FINAL(description: "Cakes.")';
  }
}

/** Tiny ADL settings: 32 documents x 8 tokens, 2 positions, 3 Patchscope scales, steering at position 0 only. */
const CONFIG = {
  samples: 32,
  tokens: 8,
  positions: 2,
  lens: { topK: 20 },
  patchscope: { scales: [1, 2, 5], intersectionTopK: 256, tokensK: 20 },
  steering: {
    positions: [0],
    promptStyle: 'completion',
    threshold: { steps: 3, batchSteps: 3, samplesPerStrength: 2, maxNewTokens: 6, temperature: 0.8, maxStrength: 4 },
    final: { samplesPerPrompt: 1, maxNewTokens: 6, temperature: 0.8, maxBatchSize: 32, prompts: 2 },
  },
};

let server: FakeServer;
let tmp: string;
beforeAll(async () => {
  server = await startFakeServer(judge);
  tmp = mkdtempSync(join(tmpdir(), 'db-bench-paper-'));
  writeFileSync(join(tmp, 'adl.json'), JSON.stringify(CONFIG));
});
afterAll(() => server.close());

/** `mode` undefined: the suite's default (paper). */
async function bench(mode: string | undefined, results: string, extra: string[] = []): Promise<string> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('DIFFBENCH_LLM_')));
  const args = [
    TSX,
    'src/cli/bench.ts',
    '--suite',
    'mini-paper',
    '--method',
    'adl',
    '--config',
    join(tmp, 'adl.json'),
    '--settings',
    'fast',
    '--no-baselines',
    ...extra,
    ...(mode ? ['--graders', mode] : []),
    '--embedder',
    'organisms/zoo/base',
    '--results',
    results,
    '--reports',
    join(tmp, 'reports'),
  ];
  const r = await exec(process.execPath, args, {
    cwd: ROOT,
    maxBuffer: 1 << 24,
    env: {
      ...env,
      DIFFBENCH_BENCHMARK_DIR: join(ROOT, 'test/harness/fixtures/paper-mode'),
      DIFFBENCH_CACHE: join(tmp, 'cache'),
      DIFFBENCH_LLM_BASE_URL: server.baseURL,
      ...roleModelEnv(),
      DIFFBENCH_LLM_CACHE_DIR: '',
      // the toolkit's text under --graders paper: the fixture checkout (made-up text) with its own manifest
      DIFFBENCH_TOOLKIT: join(ROOT, 'test/fixtures/toolkit/checkout'),
      DIFFBENCH_TOOLKIT_MANIFEST: join(ROOT, 'test/fixtures/toolkit/manifest.json'),
    },
  }).catch((e) => e as { stdout: string; stderr: string });
  return r.stdout + r.stderr;
}

describe('npm run bench -- --graders paper', () => {
  it('LLM coherence in the steering search, the model embedder, and result files that name them', async () => {
    // the suite's default mode: paper; one method and one black-box agent run without model interactions
    const out = await bench(undefined, join(tmp, 'paper'), [
      '--agent-runs',
      '1',
      '--agent-method-mi',
      '0',
      '--agent-blackbox-mi',
      '0',
    ]);
    const [paper] = readResults(join(tmp, 'paper'))
      .map((r) => r.result)
      .filter((r) => r.organism.id === 'zoo/cake_bake');
    expect(paper, out).toBeDefined();
    expect(paper.llm?.mode).toBe('paper');
    expect(paper.llm?.methodVariant).toMatch(/steering search's coherence grader/);
    const roles = Object.fromEntries(paper.graders.map((g) => [g.role, g.id]));
    expect(roles['text-embedder']).toMatch(/^model\/organisms\/zoo\/base\/document\/last-token$/);
    expect(roles['llm:coherence']).toMatch(/^llm\//);
    expect(roles['llm:patchscope-scale']).toMatch(/^llm\//);
    expect(roles['token-relevance']).toMatch(/^llm\//);
    expect(coherenceCalls).toBeGreaterThan(0);
    // every strength the judge saw was incoherent: the search settles at 0
    expect(paper.metrics['scalar.steering_strength.L2.pos0'].estimate).toBe(0);
    expect(paper.metrics['steering.difference.steered_ft']).toBeDefined();
    expect(paper.sampling?.difference.search?.temperature).toBe(0.8);
    // ADL's paper overlay: the toolkit's sample text and unsteered draws per position (recorded in the config)
    const steering = paper.method.config.steering as { text?: string; final: { unsteered?: string } };
    expect(steering.text).toBe('toolkit');
    expect(steering.final.unsteered).toBe('per-position');
    // the toolkit's own text: grader instructions and steering prompts from its files, recorded with their hashes
    const fixtureManifest = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/toolkit/manifest.json'), 'utf8'));
    expect(paper.toolkit).toEqual({
      repository: fixtureManifest.repository,
      commit: fixtureManifest.commit,
      files: fixtureManifest.files,
    });
    expect([...toolkitSystems].sort()).toEqual(
      expect.arrayContaining(['Patchscope', 'agent', 'coherence', 'relevance']),
    );
    const adlOutputs = readdirSync(join(tmp, 'cache/outputs'), { recursive: true })
      .map(String)
      .filter((f) => f.startsWith('adl@') && f.endsWith('.json') && f.includes('cake_bake'));
    const prompts = adlOutputs.flatMap((f) =>
      (JSON.parse(readFileSync(join(tmp, 'cache/outputs', f), 'utf8')).steering ?? []).map(
        (s: { prompts: string[] }) => s.prompts,
      ),
    );
    expect(prompts.length).toBeGreaterThan(0);
    for (const p of prompts)
      expect(p).toEqual([
        "Describe a lighthouse keeper's morning routine.",
        'Plan a picnic for three friends on a rainy day.',
      ]);

    // control: under --graders llm the search keeps the offline coherence grader and finds a strength
    const llmOut = await bench('llm', join(tmp, 'llm'));
    const [llm] = readResults(join(tmp, 'llm'))
      .map((r) => r.result)
      .filter((r) => r.organism.id === 'zoo/cake_bake');
    expect(llm, llmOut).toBeDefined();
    expect(llm.llm?.mode).toBe('llm');
    expect(llm.metrics['scalar.steering_strength.L2.pos0'].estimate).toBeGreaterThan(0);
    expect((llm.method.config.steering as { text?: string }).text).toBeUndefined();
    expect(llm.toolkit).toBeUndefined();
  }, 600_000);
});
