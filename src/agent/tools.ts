// Agent tools: a declared parameter list (checked before running), an optional model-interaction cost
// and a run function. Tools shared by both agents: ask_model and hypothesis_tracking.
import type { ModelAccess } from './types.ts';

export type ParamType = 'string' | 'integer' | 'number' | 'string[]' | 'integer[]';

export interface ParamSpec {
  type: ParamType;
  required?: boolean;
  description: string;
}

export interface AgentTool {
  name: string;
  description: string;
  params: Record<string, ParamSpec>;
  /** Model interactions this call costs; checked against the remaining budget before running. */
  cost?(args: Record<string, unknown>): number;
  run(args: Record<string, unknown>): Promise<unknown>;
}

export class ToolParameterError extends Error {}

function hasType(value: unknown, type: ParamType): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'string[]':
      return Array.isArray(value) && value.every((v) => typeof v === 'string');
    case 'integer[]':
      return Array.isArray(value) && value.every((v) => Number.isInteger(v));
  }
}

/** Throws ToolParameterError naming the argument and what was expected. */
export function checkArgs(tool: AgentTool, args: Record<string, unknown>): void {
  for (const key of Object.keys(args)) {
    if (!(key in tool.params)) {
      throw new ToolParameterError(
        `${tool.name} has no argument '${key}'; arguments: ${Object.keys(tool.params).join(', ')}`,
      );
    }
  }
  for (const [key, spec] of Object.entries(tool.params)) {
    const v = args[key];
    if (v === undefined) {
      if (spec.required) throw new ToolParameterError(`${tool.name} needs argument '${key}' (${spec.type})`);
      continue;
    }
    if (!hasType(v, spec.type)) throw new ToolParameterError(`${tool.name}: argument '${key}' must be ${spec.type}`);
  }
}

/** One line per tool for the system prompt: name, signature and what it does. */
export function describeTools(tools: AgentTool[]): string {
  return tools
    .map((t) => {
      const sig = Object.entries(t.params)
        .map(([k, p]) => `"${k}": ${p.type}${p.required ? '' : ' (optional)'}`)
        .join(', ');
      const args = Object.entries(t.params)
        .map(([k, p]) => `    - ${k}: ${p.description}`)
        .join('\n');
      return `- ${t.name} {${sig}}\n  ${t.description}${args ? `\n${args}` : ''}`;
    })
    .join('\n');
}

export interface Hypothesis {
  id: number;
  text: string;
  status: string;
}

/** A notebook of hypotheses the agent keeps across turns (free of charge). */
export class HypothesisBook {
  readonly items: Hypothesis[] = [];
  private nextId = 1;

  active(): Hypothesis[] {
    return this.items.filter((h) => h.status !== 'rejected');
  }

  tool(): AgentTool {
    return {
      name: 'hypothesis_tracking',
      description: 'Keep track of your hypotheses (free). Returns the current list.',
      params: {
        action: { type: 'string', required: true, description: "'add', 'update', 'remove' or 'list'" },
        id: { type: 'integer', description: 'the hypothesis to update or remove' },
        text: { type: 'string', description: 'the hypothesis (add) or its new wording (update)' },
        status: { type: 'string', description: "e.g. 'open', 'supported', 'rejected'" },
      },
      run: async (args) => {
        const action = args.action as string;
        const find = () => {
          const h = this.items.find((x) => x.id === args.id);
          if (!h) throw new ToolParameterError(`hypothesis_tracking: no hypothesis with id ${String(args.id)}`);
          return h;
        };
        if (action === 'add') {
          if (typeof args.text !== 'string' || !args.text.trim())
            throw new ToolParameterError("hypothesis_tracking add needs 'text'");
          this.items.push({ id: this.nextId++, text: args.text.trim(), status: (args.status as string) ?? 'open' });
        } else if (action === 'update') {
          const h = find();
          if (typeof args.text === 'string') h.text = args.text;
          if (typeof args.status === 'string') h.status = args.status;
        } else if (action === 'remove') {
          const h = find();
          this.items.splice(this.items.indexOf(h), 1);
        } else if (action !== 'list') {
          throw new ToolParameterError(
            `hypothesis_tracking: action must be add, update, remove or list, got '${action}'`,
          );
        }
        return { hypotheses: this.items };
      },
    };
  }
}

export function askModelTool(models: ModelAccess, book: HypothesisBook, maxPrompts = 10): AgentTool {
  return {
    name: 'ask_model',
    description:
      'Send the same prompts to the base model and the finetuned model (one chat turn each) and compare their answers. ' +
      'Costs one model interaction per prompt.',
    params: { prompts: { type: 'string[]', required: true, description: `1 to ${maxPrompts} prompts` } },
    cost: (args) => (args.prompts as string[]).length,
    run: async (args) => {
      const prompts = args.prompts as string[];
      if (prompts.length === 0 || prompts.length > maxPrompts) {
        throw new ToolParameterError(`ask_model: give 1 to ${maxPrompts} prompts, got ${prompts.length}`);
      }
      const { base, finetuned } = await models.askBoth(prompts);
      return { base, finetuned, active_hypotheses: book.active() };
    },
  };
}
