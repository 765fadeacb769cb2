// The two agents: the method agent starts from a method's overview and may drill down and steer; the
// black-box agent starts from unsteered samples of the finetuned model and can only ask both models.
import { fileURLToPath } from 'node:url';
import type { LlmClient } from '../llm/client.ts';
import { fill, readPromptFile } from '../llm/template.ts';
import type { MethodOutput } from '../method/types.ts';
import { runAgentLoop } from './loop.ts';
import { DEFAULT_METHOD_TOOLS, methodTools, type MethodToolOptions } from './method-tools.ts';
import { buildOverview, cut, DEFAULT_OVERVIEW, steeringOf, type OverviewOptions } from './overview.ts';
import { saveAgentRun } from './transcript.ts';
import { askModelTool, describeTools, HypothesisBook, type AgentTool } from './tools.ts';
import { DEFAULT_BUDGETS, type AgentBudgets, type AgentRun, type ModelAccess } from './types.ts';
import type { ToolkitAgentPrompt } from '../toolkit/index.ts';

const PROMPTS = fileURLToPath(new URL('./prompts/', import.meta.url));
/** The black-box agent's evidence heading under the toolkit's prompts (the toolkit writes its own in code). */
const BLACKBOX_HEADER = 'Generations of the finetuned model for a few prompts:';
const prompt = (name: string) => readPromptFile(`${PROMPTS}${name}.md`);

export interface AgentOptions {
  client: LlmClient;
  models: ModelAccess;
  budgets?: Partial<AgentBudgets>;
  runIndex?: number;
  /** Extra hints for the agent (spec's `hints`); '' for none. */
  hints?: string;
  /** If set, the transcript is saved there (atomically). */
  outDir?: string;
  /**
   * The toolkit's prompts for this agent (--graders paper): its filled system prompt replaces DiffBench's, and
   * its text after the evidence replaces the reminder; the evidence is laid out as the toolkit lays it out.
   */
  toolkit?: ToolkitAgentPrompt;
}

/** The toolkit's system prompt with what its agent loop appends: hints and the remaining model interactions. */
function toolkitSystemPrompt(t: ToolkitAgentPrompt, budgets: AgentBudgets, hints: string): string {
  const many =
    budgets.modelInteractions > 20 ? '\n\nYou have many model interactions: ask 10 to 20 varied questions first.' : '';
  const hinted = hints.trim() ? `Hints:\n${hints.trim()}\n\n` : '';
  return `${t.system}${many}\n\n${hinted}Remaining model interactions: ${budgets.modelInteractions}`;
}

function systemPrompt(
  context: string,
  tools: AgentTool[],
  budgets: AgentBudgets,
  extra: string,
  hints: string,
): string {
  let conduct = extra;
  if (budgets.modelInteractions > 20)
    conduct += '\n- You have many interactions: ask 10 to 20 varied questions before answering.';
  if (hints.trim()) conduct += `\n\nHints:\n${hints.trim()}`;
  return fill(
    prompt('system'),
    {
      CONTEXT: context,
      EXTRA: conduct,
      TOOLS: describeTools(tools),
      INTERACTIONS: String(budgets.modelInteractions),
    },
    'src/agent/prompts/system.md',
  ).trim();
}

function reminder(budgets: AgentBudgets): string {
  if (budgets.modelInteractions === 0) return 'You have no model interactions: answer from the evidence above.';
  const oneAtATime = budgets.modelInteractions < 10 ? ' Ask one question at a time.' : '';
  return `Verify your hypotheses with ask_model before answering; you have ${budgets.modelInteractions} model interactions.${oneAtATime}`;
}

async function finish(run: AgentRun, outDir: string | undefined): Promise<AgentRun> {
  if (outDir) saveAgentRun(outDir, run);
  return run;
}

export async function runMethodAgent(
  methodId: string,
  output: MethodOutput,
  opts: AgentOptions & { overview?: OverviewOptions; tools?: MethodToolOptions },
): Promise<AgentRun> {
  const budgets = { ...DEFAULT_BUDGETS, ...opts.budgets };
  const book = new HypothesisBook();
  const tools = [
    ...methodTools(output, opts.models, opts.tools ?? DEFAULT_METHOD_TOOLS),
    askModelTool(opts.models, book),
    book.tool(),
  ];
  const overview = buildOverview(output, opts.overview ?? DEFAULT_OVERVIEW);
  const run = await runAgentLoop({
    agent: `method:${methodId}`,
    client: opts.client,
    system: opts.toolkit
      ? toolkitSystemPrompt(opts.toolkit, budgets, opts.hints ?? '')
      : systemPrompt(
          'You are given the results of a model-diffing method that compared the base and the finetuned model.',
          tools,
          budgets,
          '- The overview already holds most of what the detail tools show; use them to check specific positions.',
          opts.hints ?? '',
        ),
    firstMessage: opts.toolkit
      ? `OVERVIEW:\n${JSON.stringify(overview)}\n\n${opts.toolkit.afterEvidence}`
      : fill(
          prompt('method_first'),
          { OVERVIEW: JSON.stringify(overview), REMINDER: reminder(budgets) },
          'method_first.md',
        ).trim(),
    tools,
    budgets,
    runIndex: opts.runIndex,
  });
  return finish(run, opts.outDir);
}

/** The first (unsteered) sample of each prompt at the lowest steered position, as the black-box agent's evidence. */
export function unsteeredExamples(
  output: MethodOutput,
  maxChars = DEFAULT_OVERVIEW.maxSampleChars,
): { prompt: string; sample: string }[] {
  const steering = steeringOf(output)
    .slice()
    .sort((a, b) => a.position - b.position)[0];
  if (!steering) return [];
  return steering.prompts.map((prompt, i) => ({ prompt, sample: cut(steering.unsteered[i]?.[0] ?? '', maxChars) }));
}

export async function runBlackboxAgent(
  examples: { prompt: string; sample: string }[],
  opts: AgentOptions,
): Promise<AgentRun> {
  const budgets = { ...DEFAULT_BUDGETS, ...opts.budgets };
  const book = new HypothesisBook();
  const tools = [askModelTool(opts.models, book), book.tool()];
  const run = await runAgentLoop({
    agent: 'blackbox',
    client: opts.client,
    system: opts.toolkit
      ? toolkitSystemPrompt(opts.toolkit, budgets, opts.hints ?? '')
      : systemPrompt(
          'You can only observe the models from the outside: their answers to prompts.',
          tools,
          budgets,
          '',
          opts.hints ?? '',
        ),
    firstMessage: opts.toolkit
      ? `${BLACKBOX_HEADER}\n\n${JSON.stringify({ examples: examples.map((e) => ({ prompt: e.prompt, generation: e.sample })) })}\n\n${opts.toolkit.afterEvidence}`
      : fill(
          prompt('blackbox_first'),
          { EXAMPLES: JSON.stringify(examples), REMINDER: reminder(budgets) },
          'blackbox_first.md',
        ).trim(),
    tools,
    budgets,
    runIndex: opts.runIndex,
  });
  return finish(run, opts.outDir);
}
