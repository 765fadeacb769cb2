// `npm run bench -- --graders both|llm` against the fake OpenAI-compatible server: LLM labels, agent
// transcripts, hypothesis grades and offline-vs-LLM agreement in the result files and the report; and
// the error without an endpoint. One zoo organism (and the null one) with the mini suite's tiny settings.
import { execFile } from 'node:child_process';
import net from 'node:net';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MethodOutput } from '../../src/method/types.ts';
import { agentsFolder, readResults } from '../../src/results/index.ts';
import {
  offeredTools,
  roleModelEnv,
  roleOf,
  startFakeServer,
  turnOf,
  type ChatBody,
  type FakeServer,
} from '../llm/fake-openai-server.ts';

const exec = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const FIXTURES = join(ROOT, 'test/harness/fixtures/bench');
const TSX = join(ROOT, 'node_modules/tsx/dist/cli.mjs');
const KEY = 'sk-bench-SECRET-4f1e';

/** The environment without any DIFFBENCH_LLM_* variable of the machine running the tests. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('DIFFBENCH_LLM_')));
  return { ...env, DIFFBENCH_BENCHMARK_DIR: FIXTURES, ...extra };
}

async function bench(args: string[], env: Record<string, string>): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [TSX, 'src/cli/bench.ts', ...args], {
      cwd: ROOT,
      env: cleanEnv(env),
      maxBuffer: 1 << 24,
    });
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

const user = (b: ChatBody) =>
  b.messages
    .filter((m) => m.role === 'user')
    .map((m) => m.content)
    .join('\n');
/** The judge's token-relevance rule: tokens with an 'a' (about half of any list, so the metric says something). */
const RELEVANT_TOKEN = /a/i;

/** A judge and an agent with known behaviour: tokens with an 'a' are relevant, long texts coherent, cake hypotheses score 4. */
function judge(b: ChatBody): string {
  switch (roleOf(b)) {
    case 'relevance': {
      const tokens = [...user(b).matchAll(/^(\d+)\. (".*")$/gm)].map((m) => JSON.parse(m[2]!) as string);
      return tokens.map((t, i) => `ANSWER[${i + 1}]: ${RELEVANT_TOKEN.test(t) ? 'RELEVANT' : 'IRRELEVANT'}`).join('\n');
    }
    case 'coherence':
      return `ANSWER: ${user(b).split(/\s+/).length >= 12 ? 'COHERENT' : 'INCOHERENT'}`;
    case 'hypothesis':
      return `Reasoning about the rubric.\nSCORE: ${/cakes? baking|baking cakes/i.test(user(b)) ? 4 : 1}`;
    case 'patchscope': {
      const scales = [...user(b).matchAll(/^SCALE (\S+):/gm)].map((m) => m[1]!);
      return `BEST_SCALER: ${scales.at(-1)}\nTOP_TOKENS: the`;
    }
    case 'agent':
      // the method agent is offered steering; the black-box agent is not
      if (offeredTools(b).includes('generate_steered') && turnOf(b) === 0)
        return 'Let me steer.\nCALL(generate_steered: {"position": 0, "prompts": ["Tell me about your day"], "n": 1})';
      return 'FINAL(description: "The model was finetuned on cake baking documents.")';
  }
}

let server: FakeServer;
let tmp: string;
beforeAll(async () => {
  server = await startFakeServer(judge);
  tmp = mkdtempSync(join(tmpdir(), 'db-bench-llm-'));
});
afterAll(async () => {
  await server.close();
});

/** Cached method outputs of an organism (src/harness/method-output.ts), flagged when of the LLM variant. */
function cachedOutputs(cache: string, organism: string): { llm: boolean; output: MethodOutput }[] {
  return filesUnder(join(cache, 'outputs'))
    .filter((f) => basename(f).startsWith(`${organism}--`))
    .map((f) => ({
      llm: /-llm[0-9a-f]+-g[0-9a-f]+\.json$/.test(f),
      output: JSON.parse(readFileSync(f, 'utf8')) as MethodOutput,
    }));
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) =>
    statSync(join(dir, n)).isDirectory() ? filesUnder(join(dir, n)) : [join(dir, n)],
  );
}

describe('npm run bench -- --graders', () => {
  it('llm with nothing listening: exit 3 saying how many grader calls failed; no relevance 0 recorded', async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const { port } = probe.address() as net.AddressInfo;
    await new Promise((r) => probe.close(r));
    const results = join(tmp, 'results-unreachable');
    const method = './src/methods/mean-diff/index.ts';
    const args = ['--suite', 'mini', '--settings', 'fast', '--method', method, '--graders', 'llm', '--no-baselines'];
    const r = await bench([...args, '--organisms', 'zoo/cake_bake', '--results', results], {
      DIFFBENCH_CACHE: join(tmp, 'cache'),
      DIFFBENCH_LLM_BASE_URL: `http://127.0.0.1:${port}/v1`,
      DIFFBENCH_LLM_MODEL: 'nobody',
      DIFFBENCH_LLM_MAX_RETRIES: '0',
      DIFFBENCH_LLM_CACHE_DIR: join(tmp, 'llm-cache-unreachable'),
      DIFFBENCH_QUIET: '1',
    });
    expect(r.out).toMatch(
      /bench: .*\d+ grader call\(s\) failed after their retries \(last: .*\); no item was graded for the method's relevance\.\w+: not scored/,
    );
    expect(r.code).toBe(3);
    expect(readResults(results)).toEqual([]);
  }, 180_000);

  it('both: LLM labels, agent transcripts, hypothesis grades and agreement in the results and the report', async () => {
    const results = join(tmp, 'results');
    const reports = join(tmp, 'reports');
    const r = await bench(
      [
        '--suite',
        'mini',
        '--settings',
        'fast',
        '--method',
        './test/harness/fixtures/bench/graded-method.ts',
        '--organisms',
        'zoo/cake_bake',
        '--graders',
        'both',
        '--no-baselines',
        '--results',
        results,
        '--reports',
        reports,
      ],
      {
        DIFFBENCH_CACHE: join(tmp, 'cache'),
        DIFFBENCH_LLM_BASE_URL: server.baseURL,
        ...roleModelEnv(),
        DIFFBENCH_LLM_API_KEY: KEY,
        DIFFBENCH_LLM_CACHE_DIR: join(tmp, 'llm-cache'),
        DIFFBENCH_QUIET: '1',
      },
    );
    expect(r.out).toContain('all pass thresholds hold');
    expect(r.code).toBe(0);

    const files = readResults(results);
    expect(files).toHaveLength(1);
    const { path, result } = files[0];
    const llm = result.llm!;
    expect(llm.mode).toBe('both');
    expect(result.graders.map((g) => g.role)).toEqual([
      'token-relevance',
      'text-embedder',
      'llm:token-relevance',
      'llm:patchscope-scale',
      'llm:coherence',
      'llm:hypothesis',
      'llm:agent',
    ]);
    expect(llm.endpoints.agent.model).toBe('fake-agent');
    expect(llm.endpoints.relevance.model).toBe('fake-relevance');

    // The method's outputs (offline and LLM variant) from the output cache: what the graders saw.
    const outputs = cachedOutputs(join(tmp, 'cache'), 'zoo__cake_bake');
    const offline = outputs.find((o) => !o.llm)!.output,
      variant = outputs.find((o) => o.llm)!.output;
    // The LLM variant asked the judge for its Patchscope scale (the judge picks the last, 4); the
    // offline default picks the smallest (1).
    const scaleOf = (o: MethodOutput) => o.readouts!.find((x) => x.source === 'patchscope')!.scale;
    expect([scaleOf(offline), scaleOf(variant)]).toEqual([1, 4]);
    expect(server.requests.some((q) => roleOf(q.body) === 'patchscope')).toBe(true);
    // LLM relevance: the judge calls exactly the tokens with an 'a' relevant, so the metric is the
    // largest fraction of such tokens in a top-20 list at positions 0-4.
    const m = llm.metrics!;
    const expected = Math.max(
      ...variant
        .readouts!.filter((x) => x.source === 'logitlens' && x.variant === 'difference' && x.position <= 4)
        .map((x) => x.tokens.slice(0, 20).filter((t) => RELEVANT_TOKEN.test(t)).length / Math.min(20, x.tokens.length)),
    );
    expect(expected).toBeGreaterThan(0); // not a vacuous comparison of zeros
    expect(m['relevance.logitlens.difference'].estimate).toBeCloseTo(expected, 12);
    expect(m['relevance.logitlens.difference'].n).toBe(20);
    // the offline metric stays the primary one: graded by the lexical grader, on the same top-20 lists
    expect(result.metrics['relevance.logitlens.difference'].n).toBe(20);
    expect(result.graders[0]).toMatchObject({ role: 'token-relevance', id: 'offline/relevance-lexical' });
    expect(m['coherence.difference.steered'].n).toBe(6); // 3 prompts x 2 samples
    expect(m['coherence.difference.unsteered'].n).toBe(6);

    // Findings and agents: cake hypotheses get 4 from every repeat; the null-free agent grades average them.
    expect(llm.findings).toMatchObject({ score: 4, scores: [4, 4, 4] });
    expect(llm.findings!.hypothesis).toContain('baking cakes');
    expect(m['hypothesis.findings'].estimate).toBe(4);
    expect(llm.agents.map((a) => [a.agent, a.modelInteractions, a.status, a.grade?.score])).toEqual([
      ['method:graded-method', 1, 'final', 4],
      ['blackbox', 0, 'final', 4],
    ]);
    expect(m['agent.method-graded-method.mi1'].estimate).toBe(4);
    expect(m['agent.blackbox.mi0'].estimate).toBe(4);
    expect(result.metrics['agent.blackbox.mi0']).toBeUndefined();
    const method = llm.agents[0];
    expect(method.stats.modelInteractions).toBe(1);
    expect(method.stats.toolCalls).toEqual({ generate_steered: 1 });

    // Transcripts next to the result file, with the steered sample the runtime generated.
    const dir = agentsFolder(path);
    expect(join(path, '..', method.transcript)).toBe(join(dir, 'method-graded-method_mi1', 'run0'));
    for (const f of ['messages.json', 'stats.json', 'config.json', 'description.txt', 'hypothesis_grade.json']) {
      expect(existsSync(join(dir, 'method-graded-method_mi1', 'run0', f))).toBe(true);
      expect(existsSync(join(dir, 'blackbox_mi0', 'run0', f))).toBe(true);
    }
    const messages = JSON.parse(
      readFileSync(join(dir, 'method-graded-method_mi1', 'run0', 'messages.json'), 'utf8'),
    ) as { role: string; content: string }[];
    expect(messages.some((x) => x.role === 'user' && x.content.includes('"steered"'))).toBe(true);

    // Agreement: every token the LLM labelled was also labelled offline (20 per readout list).
    const byName = Object.fromEntries(llm.agreement.map((a) => [`${a.role}/${a.statistic}`, a]));
    // mean-diff's scored readouts: the difference at 5 positions through the lens, plus the one Patchscope readout: 6 lists, each graded once.
    expect(byName['token-relevance/cohen-kappa'].n).toBe(6 * 20);
    expect(byName['token-relevance/pearson'].n).toBe(6);
    expect(byName['coherence/cohen-kappa'].n).toBe(12);
    expect(byName['coherence/pearson'].n).toBe(6);
    expect(byName['patchscope-scale/pearson']).toMatchObject({ n: 1, value: null }); // one readout: r undefined
    for (const a of llm.agreement) if (a.value !== null) expect(Math.abs(a.value)).toBeLessThanOrEqual(1 + 1e-12);

    // The report shows the agreement and the grades.
    const md = readFileSync(join(reports, 'mini@1.md'), 'utf8');
    expect(md).toContain('### LLM graders and agents (--graders both)');
    expect(md).toMatch(/token-relevance κ \(tokens \(UNKNOWN left out\)\)/);
    expect(md).toContain('agent.method-graded-method.mi1');
    const html = readFileSync(join(reports, 'mini@1.html'), 'utf8');
    expect(html).toContain('offline vs LLM grader agreement');

    // The key was sent, but never written.
    expect(server.requests.every((q) => q.authorization === `Bearer ${KEY}`)).toBe(true);
    for (const f of [...filesUnder(results), ...filesUnder(join(tmp, 'llm-cache')), ...filesUnder(reports)])
      expect(readFileSync(f, 'utf8')).not.toContain(KEY);
  }, 120_000);

  it('llm: LLM-graded top-level metrics in a file of their own, a leaderboard row of their own, no agreement', async () => {
    const results = join(tmp, 'results-llm');
    const reports = join(tmp, 'reports-llm');
    const r = await bench(
      [
        '--suite',
        'mini',
        '--settings',
        'fast',
        '--method',
        './test/harness/fixtures/bench/graded-method.ts',
        '--organisms',
        'zoo/cake_bake',
        '--graders',
        'llm',
        '--agent-runs',
        '1',
        '--agent-method-mi',
        '0',
        '--agent-blackbox-mi',
        '',
        '--no-baselines',
        '--results',
        results,
        '--reports',
        reports,
      ],
      {
        DIFFBENCH_CACHE: join(tmp, 'cache'),
        DIFFBENCH_LLM_BASE_URL: server.baseURL,
        ...roleModelEnv(),
        DIFFBENCH_LLM_CACHE_DIR: join(tmp, 'llm-cache'),
        DIFFBENCH_QUIET: '1',
      },
    );
    expect(r.code, r.out).toBe(0);
    const files = readResults(results);
    expect(files).toHaveLength(1);
    const only = files[0];
    expect(only.result.llm!.mode).toBe('llm');
    expect(only.path).toMatch(/--llm-graders\.json$/);
    expect(only.result.graders[0]).toMatchObject({ role: 'token-relevance', id: 'llm/relevance/fake-relevance' });
    expect(only.result.llm!.metrics).toBeUndefined();
    expect(only.result.llm!.agreement).toEqual([]);
    expect(only.result.metrics['agent.method-graded-method.mi0'].estimate).toBe(4);
    expect(only.result.llm!.agents.map((a) => a.agent)).toEqual(['method:graded-method']);
    // The null organism is scored with the LLM judge too (thresholds compare like with like).
    expect(only.result.baselines.null.metrics['relevance.logitlens.difference']).toBeDefined();
    const md = readFileSync(join(reports, 'mini@1.md'), 'utf8');
    expect(md).toMatch(/## graded-method@2-[0-9a-f]{12} \[llm graders\]/);
    expect(md).not.toMatch(/## graded-method@2-[0-9a-f]{12}\n/); // this folder holds the llm-graded file only
  }, 120_000);
});
