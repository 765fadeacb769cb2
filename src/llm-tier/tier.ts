// `--graders llm|both`: the LLM graders and the agent tier, built from the environment (src/llm/README.md),
// and the agent budgets of a suite. The LLM graders themselves (graders/llm/) are passed in by the
// composition layer (src/cli/compose.ts: llmTier).
import { agentClientFromEnv } from '../agent/index.ts';
import type { LlmClient, LlmClientOptions } from '../llm/client.ts';
import type { LlmGraderSet } from '../method/graders.ts';
import { hasEndpoint, LlmConfigError, NO_ENDPOINT_MESSAGE } from '../llm/config.ts';
import type { GraderInstructions, ToolkitAgentPrompt } from '../toolkit/index.ts';

export interface ToolkitAgentPrompts {
  method: ToolkitAgentPrompt;
  blackbox: ToolkitAgentPrompt;
}

/** The parts of a suite its agent budgets depend on. */
interface SuiteAgentSettings {
  id: string;
  organisms: string[];
  settings: Record<string, unknown>;
}

export type GraderMode = 'offline' | 'llm' | 'both' | 'paper';
export const GRADER_MODES: GraderMode[] = ['offline', 'llm', 'both', 'paper'];

export function parseGraderMode(value: string): GraderMode {
  if (!(GRADER_MODES as string[]).includes(value))
    throw new Error(`--graders ${value}: expected one of ${GRADER_MODES.join(', ')}`);
  return value as GraderMode;
}

/** Agent runs per organism: `runs` independent runs of each agent at each model-interaction budget. */
export interface AgentTierConfig {
  runs: number;
  /** Model-interaction budgets of the method agent. */
  method: number[];
  /** Model-interaction budgets of the black-box agent. */
  blackbox: number[];
  /** Agent LLM calls per run. */
  llmCalls: number;
  /** Agent completion tokens per run; -1 disables the limit. */
  generatedTokens: number;
  /** New tokens per ask_model answer and per generate_steered sample (the runtime generates them). */
  askMaxNewTokens: number;
  steeredMaxNewTokens: number;
}

/** docs/toolkit.md#agents: 5 runs, ADL at 0 and 5 model interactions, black-box at 0 / 5 / 50, ask_model 1024 tokens, steering 512. */
const SPEC_AGENT_TIER: AgentTierConfig = {
  runs: 5,
  method: [0, 5],
  blackbox: [0, 5, 50],
  llmCalls: 100,
  generatedTokens: 100_000,
  askMaxNewTokens: 1024,
  steeredMaxNewTokens: 512,
};

/**
 * Smaller default for suites of zoo organisms only: their models are tiny (answers past ~100 tokens are
 * noise) and run on a CPU, and 50 questions to them add cost, not evidence. 2 runs, black-box at most 20
 * interactions, 30 agent calls, 96 / 64 new tokens.
 */
const ZOO_AGENT_TIER: AgentTierConfig = {
  runs: 2,
  method: [0, 5],
  blackbox: [0, 5, 20],
  llmCalls: 30,
  generatedTokens: 100_000,
  askMaxNewTokens: 96,
  steeredMaxNewTokens: 64,
};

/** The suite's settings' `agents` (partial) over the default: ZOO_AGENT_TIER for all-zoo suites, else SPEC_AGENT_TIER. */
export function agentTierFor(
  suite: SuiteAgentSettings,
  settings: string,
  overrides: Partial<AgentTierConfig> = {},
): AgentTierConfig {
  const zoo = suite.organisms.every((o) => o.startsWith('zoo/'));
  const fromSuite = (suite.settings[settings] as { agents?: Partial<AgentTierConfig> } | undefined)?.agents ?? {};
  const tier = { ...(zoo ? ZOO_AGENT_TIER : SPEC_AGENT_TIER), ...fromSuite, ...overrides };
  const where = `agent tier of suite ${suite.id} (settings '${settings}'.agents or the --agent-* flags)`;
  const int = (v: number, min: number) => Number.isInteger(v) && v >= min;
  if (!int(tier.runs, 0)) throw new Error(`${where}: runs must be an integer >= 0, got ${tier.runs}`);
  for (const k of ['method', 'blackbox'] as const) {
    if (!Array.isArray(tier[k]) || tier[k].some((b) => !int(b, 0)))
      throw new Error(`${where}: ${k} must be a list of integers >= 0, got ${JSON.stringify(tier[k])}`);
  }
  if (!int(tier.llmCalls, 1)) throw new Error(`${where}: llmCalls must be an integer >= 1`);
  if (!(tier.generatedTokens === -1 || int(tier.generatedTokens, 1)))
    throw new Error(`${where}: generatedTokens must be -1 or an integer >= 1`);
  if (!int(tier.askMaxNewTokens, 1) || !int(tier.steeredMaxNewTokens, 1))
    throw new Error(`${where}: askMaxNewTokens and steeredMaxNewTokens must be integers >= 1`);
  return tier;
}

export interface LlmTier {
  graders: LlmGraderSet;
  /** null when the agent tier is off (no runs or no budgets). */
  agentClient: LlmClient | null;
  agents: AgentTierConfig;
  /** The toolkit's agent prompts (--graders paper / --prompts toolkit); absent: DiffBench's. */
  agentPrompts?: ToolkitAgentPrompts;
  /** Endpoint settings per role, safe to write into results (no keys). */
  endpoints(): Record<string, Record<string, unknown>>;
}

export interface LlmTierOptions {
  env?: Record<string, string | undefined>;
  agents: AgentTierConfig;
  client?: LlmClientOptions;
  /** System prompts and rubrics replacing DiffBench's (the toolkit's under --graders paper / --prompts toolkit). */
  instructions?: GraderInstructions;
  /** The agents' prompts replacing DiffBench's (the toolkit's). */
  agentPrompts?: ToolkitAgentPrompts;
  /** Builds the graders from the environment; throws LlmConfigError naming the variables when none is set. */
  buildGraders(opts: {
    env: Record<string, string | undefined>;
    client?: LlmClientOptions;
    instructions?: GraderInstructions;
  }): LlmGraderSet;
}

/** Throws LlmConfigError naming the env vars when no endpoint is configured (for the graders or, when agents run, the agent). */
export function llmTierFromEnv(opts: LlmTierOptions): LlmTier {
  const env = opts.env ?? process.env;
  const graders = opts.buildGraders({ env, client: opts.client, instructions: opts.instructions });
  const agentsOn = opts.agents.runs > 0 && opts.agents.method.length + opts.agents.blackbox.length > 0;
  if (agentsOn && !hasEndpoint('agent', env)) throw new LlmConfigError(`${NO_ENDPOINT_MESSAGE} (missing for: agent)`);
  const agentClient = agentsOn ? agentClientFromEnv(env, undefined, opts.client) : null;
  return {
    graders,
    agentClient,
    agents: opts.agents,
    ...(opts.agentPrompts ? { agentPrompts: opts.agentPrompts } : {}),
    endpoints: () => ({ ...graders.describe(), ...(agentClient ? { agent: agentClient.describe() } : {}) }),
  };
}
