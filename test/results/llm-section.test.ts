// The optional `llm` section of result files: old (offline) files stay valid, bad sections are named,
// agent transcripts next to a result are not read as results, and --graders llm files are keyed apart.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  agentsFolder,
  readResults,
  resultErrors,
  resultPath,
  writeResult,
  type LlmSection,
} from '../../src/results/index.ts';
import { sampleResult } from './sample.ts';

const section = (over: Partial<LlmSection> = {}): LlmSection => ({
  mode: 'both',
  endpoints: {
    relevance: { baseURL: 'http://127.0.0.1:1/v1', model: 'judge', keySource: 'env:DIFFBENCH_LLM_API_KEY' },
  },
  methodVariant: 'unchanged',
  metrics: { 'agent.blackbox.mi0': { estimate: 3, lower: 2, upper: 4, n: 2, alpha: 0.05, ci: 'bootstrap' } },
  findings: { hypothesis: '- cakes', score: 4, scores: [4, 4, 4] },
  agents: [
    {
      agent: 'blackbox',
      modelInteractions: 0,
      runIndex: 0,
      status: 'final',
      description: 'cakes',
      grade: { score: 4, scores: [4] },
      stats: { llmCalls: 1 },
      transcript: 'x.agents/blackbox_mi0/run0',
    },
  ],
  agreement: [
    { role: 'token-relevance', statistic: 'cohen-kappa', over: 'tokens', value: 0.5, n: 40 },
    { role: 'patchscope-scale', statistic: 'pearson', over: 'readouts', value: null, n: 1 },
  ],
  ...over,
});

describe('result files with an llm section', () => {
  it('a file without it (offline, or written before it existed) is valid; one with it too', () => {
    expect(resultErrors(sampleResult())).toEqual([]);
    expect(resultErrors(sampleResult({ llm: section() }))).toEqual([]);
    expect(resultErrors(sampleResult({ llm: section({ findings: null, metrics: undefined, mode: 'llm' }) }))).toEqual(
      [],
    );
  });

  it('names what is wrong inside it', () => {
    const bad = section();
    (bad.agreement[0] as { statistic: string }).statistic = 'spearman';
    expect(resultErrors(sampleResult({ llm: bad })).join('\n')).toMatch(
      /\/llm\/agreement\/0\/statistic must be one of cohen-kappa, pearson/,
    );
    expect(resultErrors(sampleResult({ llm: { ...section(), mode: 'offline' as 'llm' } })).join('\n')).toMatch(
      /\/llm\/mode must be one of llm, both/,
    );
    expect(resultErrors(sampleResult({ llm: section({ findings: { score: 9, scores: [9] } }) })).join('\n')).toMatch(
      /\/llm\/findings/,
    );
  });

  it('--graders llm results get their own file; transcripts beside a result are not read as results', () => {
    const dir = mkdtempSync(join(tmpdir(), 'db-llm-res-'));
    const offline = writeResult(dir, sampleResult());
    const llmOnly = writeResult(dir, sampleResult({ llm: section({ mode: 'llm', metrics: undefined }) }));
    expect(llmOnly).not.toBe(offline);
    expect(llmOnly).toBe(offline.replace(/\.json$/, '--llm-graders.json'));
    expect(resultPath(dir, sampleResult({ llm: section() }))).toBe(offline); // 'both' extends the offline file
    const transcript = join(agentsFolder(offline), 'blackbox_mi0', 'run0');
    mkdirSync(transcript, { recursive: true });
    writeFileSync(join(transcript, 'messages.json'), '[]');
    expect(
      readResults(dir)
        .map((f) => f.path)
        .sort(),
    ).toEqual([offline, llmOnly].sort());
  });
});
