import { describe, expect, it } from 'vitest';
import { LlmConfigError, resolveEndpoint } from '../../src/llm/config.ts';
import { buildLlmGradersFromEnv } from '../../graders/llm/index.ts';

describe('endpoint configuration', () => {
  it('throws the "no LLM endpoint configured" error when nothing is set', () => {
    expect(() => buildLlmGradersFromEnv({ env: {} })).toThrow(
      /^no LLM endpoint configured: set DIFFBENCH_LLM_BASE_URL/,
    );
    expect(() => resolveEndpoint('agent', {})).toThrow(LlmConfigError);
  });

  it('resolves role env over grader env over global env, and configuration over env', () => {
    const env = {
      DIFFBENCH_LLM_BASE_URL: 'http://127.0.0.1:9/v1/',
      DIFFBENCH_LLM_MODEL: 'global-model',
      DIFFBENCH_LLM_GRADER_MODEL: 'grader-model',
      DIFFBENCH_LLM_COHERENCE_MODEL: 'coherence-model',
      DIFFBENCH_LLM_AGENT_TEMPERATURE: '0.9',
    };
    expect(resolveEndpoint('agent', env).model).toBe('global-model');
    expect(resolveEndpoint('agent', env).temperature).toBe(0.9);
    expect(resolveEndpoint('relevance', env).model).toBe('grader-model');
    expect(resolveEndpoint('relevance', env).temperature).toBeNull();
    expect(resolveEndpoint('coherence', env).model).toBe('coherence-model');
    expect(resolveEndpoint('coherence', env).baseURL).toBe('http://127.0.0.1:9/v1');
    expect(resolveEndpoint('coherence', env, { roles: { coherence: { model: 'from-config' } } }).model).toBe(
      'from-config',
    );
    expect(resolveEndpoint('hypothesis', env, { grader: { model: 'grader-config' } }).model).toBe('grader-config');
  });

  it('names the variable and the expectation for a bad value', () => {
    const env = {
      DIFFBENCH_LLM_BASE_URL: 'http://127.0.0.1:9/v1',
      DIFFBENCH_LLM_MODEL: 'm',
      DIFFBENCH_LLM_CONCURRENCY: 'lots',
    };
    expect(() => resolveEndpoint('agent', env)).toThrow(/DIFFBENCH_LLM_CONCURRENCY="lots": expected an integer >= 1/);
    expect(() => resolveEndpoint('agent', { DIFFBENCH_LLM_BASE_URL: 'http://127.0.0.1:9/v1' })).toThrow(
      /DIFFBENCH_LLM_AGENT_MODEL/,
    );
    expect(() =>
      resolveEndpoint('agent', { DIFFBENCH_LLM_BASE_URL: 'http://u:p@host/v1', DIFFBENCH_LLM_MODEL: 'm' }),
    ).toThrow(/must not carry credentials/);
  });

  it('records where the key comes from, never the key', () => {
    const env = {
      DIFFBENCH_LLM_BASE_URL: 'http://127.0.0.1:9/v1',
      DIFFBENCH_LLM_MODEL: 'm',
      DIFFBENCH_LLM_AGENT_API_KEY: 'sk-xyz',
    };
    const cfg = resolveEndpoint('agent', env);
    expect(cfg.keySource).toEqual({ kind: 'env', name: 'DIFFBENCH_LLM_AGENT_API_KEY' });
    expect(JSON.stringify(cfg)).not.toContain('sk-xyz');
    expect(resolveEndpoint('agent', env, { default: { apiKeyEnv: 'OPENROUTER_API_KEY' } }).keySource).toEqual({
      kind: 'env',
      name: 'OPENROUTER_API_KEY',
    });
  });
});
