// Types shared by the method agent and the black-box agent.

/** How an agent reaches the two models; the harness wires it to the DiffBench runtime. */
export interface ModelAccess {
  /** The same prompts to the base and the finetuned model (one chat turn each); one answer per prompt. */
  askBoth(prompts: string[]): Promise<{ base: string[]; finetuned: string[] }>;
  /** n samples per prompt from the finetuned model steered with the method's vector at `position`. */
  generateSteered?(position: number, prompts: string[], n: number): Promise<string[][]>;
}

export interface AgentBudgets {
  /** Agent LLM calls (docs/toolkit.md#agents default 100). */
  llmCalls: number;
  /** Prompts sent to the models: ask_model costs one per prompt, generate_steered n per prompt. */
  modelInteractions: number;
  /** Completion tokens the agent LLM may generate in total; -1 disables the limit. */
  generatedTokens: number;
}

export const DEFAULT_BUDGETS: AgentBudgets = { llmCalls: 100, modelInteractions: 5, generatedTokens: 100_000 };

export type AgentStatus = 'final' | 'llm_call_budget_exhausted' | 'token_budget_exhausted' | 'llm_error';

export interface AgentMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface AgentStats {
  llmCalls: number;
  modelInteractions: number;
  completionTokens: number;
  formatErrors: number;
  toolErrors: number;
  toolCalls: Record<string, number>;
}

export interface AgentRun {
  /** 'method:<method id>' or 'blackbox'. */
  agent: string;
  runIndex: number;
  status: AgentStatus;
  /** The FINAL description; '' when the agent never gave one. */
  description: string;
  error?: string;
  budgets: AgentBudgets;
  stats: AgentStats;
  messages: AgentMessage[];
  /** The agent LLM's endpoint settings (no key). */
  endpoint: Record<string, unknown>;
}
