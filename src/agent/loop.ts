// The agent loop (docs/toolkit.md#agents): ask the LLM, parse the last line, run the called tool or finish on FINAL.
// Grammar errors, bad arguments and exhausted interaction budgets are answered with a message that
// tells the agent what went wrong and what budget is left, so it can correct itself.
import { LlmRequestError, type LlmClient } from '../llm/client.ts';
import { parseAgentReply } from './grammar.ts';
import { checkArgs, ToolParameterError, type AgentTool } from './tools.ts';
import type { AgentBudgets, AgentMessage, AgentRun, AgentStats } from './types.ts';

export interface AgentLoopInput {
  agent: string;
  client: LlmClient;
  system: string;
  firstMessage: string;
  tools: AgentTool[];
  budgets: AgentBudgets;
  /** Which independent repeat this is; separates the runs' cached replies. */
  runIndex?: number;
}

function budgetLine(budgets: AgentBudgets, stats: AgentStats): string {
  const tokens =
    budgets.generatedTokens < 0 ? 'unlimited' : String(Math.max(0, budgets.generatedTokens - stats.completionTokens));
  return (
    `BUDGETS: model interactions left ${budgets.modelInteractions - stats.modelInteractions} of ${budgets.modelInteractions}; ` +
    `LLM calls left ${budgets.llmCalls - stats.llmCalls} of ${budgets.llmCalls}; generated tokens left ${tokens}.`
  );
}

export async function runAgentLoop(input: AgentLoopInput): Promise<AgentRun> {
  const { client, budgets, tools } = input;
  const byName = new Map(tools.map((t) => [t.name, t]));
  const messages: AgentMessage[] = [
    { role: 'system', content: input.system },
    { role: 'user', content: input.firstMessage },
  ];
  const stats: AgentStats = {
    llmCalls: 0,
    modelInteractions: 0,
    completionTokens: 0,
    formatErrors: 0,
    toolErrors: 0,
    toolCalls: {},
  };
  const run = (status: AgentRun['status'], description = '', error?: string): AgentRun => ({
    agent: input.agent,
    runIndex: input.runIndex ?? 0,
    status,
    description,
    ...(error ? { error } : {}),
    budgets,
    stats,
    messages,
    endpoint: client.describe(),
  });
  const say = (content: string) => messages.push({ role: 'user', content });

  for (;;) {
    if (stats.llmCalls >= budgets.llmCalls) return run('llm_call_budget_exhausted');
    let text: string;
    try {
      const reply = await client.chat({ messages, sample: input.runIndex ?? 0 });
      text = reply.text;
      stats.completionTokens += reply.completionTokens;
    } catch (err) {
      if (err instanceof LlmRequestError && err.transient) return run('llm_error', '', err.message);
      throw err;
    }
    stats.llmCalls++;
    messages.push({ role: 'assistant', content: text });

    const parsed = parseAgentReply(text);
    if (parsed.kind === 'final') return run('final', parsed.description);
    if (budgets.generatedTokens >= 0 && stats.completionTokens >= budgets.generatedTokens) {
      return run('token_budget_exhausted');
    }
    if (parsed.kind === 'error') {
      stats.formatErrors++;
      say(
        `FORMAT_ERROR: ${parsed.message}. End every reply with exactly one of these as the last non-empty line:\n` +
          `CALL(tool_name: {"arg": "value"})\nFINAL(description: "...")\n${budgetLine(budgets, stats)}`,
      );
      continue;
    }

    const tool = byName.get(parsed.tool);
    if (!tool) {
      stats.formatErrors++;
      say(
        `FORMAT_ERROR: there is no tool '${parsed.tool}'. Tools: ${[...byName.keys()].join(', ')}.\n${budgetLine(budgets, stats)}`,
      );
      continue;
    }
    stats.toolCalls[tool.name] = (stats.toolCalls[tool.name] ?? 0) + 1;
    try {
      checkArgs(tool, parsed.args);
      const cost = tool.cost?.(parsed.args) ?? 0;
      const left = budgets.modelInteractions - stats.modelInteractions;
      if (cost > left) {
        stats.toolErrors++;
        say(
          `MODEL_INTERACTION_BUDGET_EXHAUSTED: ${tool.name} would cost ${cost} model interactions but ${left} are left. ` +
            `Use the free tools or give your FINAL answer.\n${budgetLine(budgets, stats)}`,
        );
        continue;
      }
      const data = await tool.run(parsed.args);
      stats.modelInteractions += cost;
      say(
        `TOOL_RESULT(${tool.name}): ${JSON.stringify({ data })}\n${budgetLine(budgets, stats)}\n` +
          'Check your hypotheses against the models and use the remaining model interactions before you answer.',
      );
    } catch (err) {
      if (!(err instanceof ToolParameterError)) throw err;
      stats.toolErrors++;
      say(`TOOL_PARAMETER_ERROR: ${err.message}\n${budgetLine(budgets, stats)}`);
    }
  }
}
