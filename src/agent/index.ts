// The interpretability agents. Build the LLM client with `agentClientFromEnv` (role 'agent').
import { LlmClient, type LlmClientOptions } from '../llm/client.ts';
import { resolveEndpoint, type LlmSettings } from '../llm/config.ts';

export { runBlackboxAgent, runMethodAgent, unsteeredExamples, type AgentOptions } from './agents.ts';
export { buildOverview } from './overview.ts';
export { runtimeModelAccess, type RuntimeAccessOptions } from './runtime-access.ts';
export { parseAgentReply } from './grammar.ts';
export { saveAgentRun } from './transcript.ts';
export * from './types.ts';

/** The agent's LLM client; throws the "no LLM endpoint configured" error when none is set. */
export function agentClientFromEnv(
  env: Record<string, string | undefined> = process.env,
  settings?: LlmSettings,
  opts: LlmClientOptions = {},
): LlmClient {
  return new LlmClient(resolveEndpoint('agent', env, settings), { env, ...opts });
}
