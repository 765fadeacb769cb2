// The method agent's drill-down tools over a MethodOutput, and live steering through ModelAccess.
import type { MethodOutput } from '../method/types.ts';
import { cut, lensEntry, patchscopeEntry, readoutsOf, steeringOf } from './overview.ts';
import { ToolParameterError, type AgentTool } from './tools.ts';
import type { ModelAccess } from './types.ts';

export interface MethodToolOptions {
  /** Characters kept of each sample in get_steering_samples. */
  maxDetailChars: number;
  /** Upper bound on n in generate_steered. */
  maxSteeredPerPrompt: number;
  maxSteeredPrompts: number;
}

export const DEFAULT_METHOD_TOOLS: MethodToolOptions = {
  maxDetailChars: 1000,
  maxSteeredPerPrompt: 5,
  maxSteeredPrompts: 10,
};

function checkPosition(position: unknown, available: number[], tool: string): number {
  const p = position as number;
  if (!available.includes(p)) {
    throw new ToolParameterError(
      `${tool}: position ${p} has no results; available positions: ${available.join(', ') || 'none'}`,
    );
  }
  return p;
}

export function methodTools(
  output: MethodOutput,
  models: ModelAccess,
  opts: MethodToolOptions = DEFAULT_METHOD_TOOLS,
): AgentTool[] {
  const lens = readoutsOf(output, 'logitlens');
  const patchscope = readoutsOf(output, 'patchscope');
  const steering = steeringOf(output);
  const tools: AgentTool[] = [];
  const position = { type: 'integer' as const, required: true, description: 'token position' };
  const layer = { type: 'integer' as const, description: 'layer (default: all layers with results)' };

  if (lens.length) {
    const available = [...new Set(lens.map((r) => r.position))].sort((a, b) => a - b);
    tools.push({
      name: 'get_logitlens_details',
      description: 'Logit-lens tokens of the activation difference at one position, with probabilities (free).',
      params: { position, layer, k: { type: 'integer', description: 'how many tokens (default 20)' } },
      run: async (a) => {
        const p = checkPosition(a.position, available, 'get_logitlens_details');
        const k = (a.k as number | undefined) ?? 20;
        if (k < 1) throw new ToolParameterError('get_logitlens_details: k must be >= 1');
        const rs = lens.filter((r) => r.position === p && (a.layer === undefined || r.layer === a.layer));
        return {
          position: p,
          readouts: rs.map((r) => lensEntry(r, k)),
          available_tokens: Math.max(0, ...rs.map((r) => r.tokens.length)),
        };
      },
    });
  }
  if (patchscope.length) {
    const available = [...new Set(patchscope.map((r) => r.position))].sort((a, b) => a - b);
    tools.push({
      name: 'get_patchscope_details',
      description:
        'Patchscope tokens of the difference at one position: chosen scale, all tokens and the coherent subset (free).',
      params: { position, layer },
      run: async (a) => {
        const p = checkPosition(a.position, available, 'get_patchscope_details');
        const rs = patchscope.filter((r) => r.position === p && (a.layer === undefined || r.layer === a.layer));
        return { position: p, readouts: rs.map((r) => patchscopeEntry(r, r.tokens.length)) };
      },
    });
  }
  if (steering.length) {
    const available = [...new Set(steering.map((s) => s.position))].sort((a, b) => a - b);
    tools.push({
      name: 'get_steering_samples',
      description: 'Stored steered and unsteered samples of the finetuned model at one position (free).',
      params: {
        position,
        prompt_indices: { type: 'integer[]', description: 'which prompts (0-based; default all)' },
        n: { type: 'integer', description: 'samples per prompt (default 1)' },
      },
      run: async (a) => {
        const p = checkPosition(a.position, available, 'get_steering_samples');
        const n = (a.n as number | undefined) ?? 1;
        if (n < 1) throw new ToolParameterError('get_steering_samples: n must be >= 1');
        return steering
          .filter((s) => s.position === p)
          .map((s) => {
            const idx = (a.prompt_indices as number[] | undefined) ?? s.prompts.map((_, i) => i);
            const bad = idx.filter((i) => i < 0 || i >= s.prompts.length);
            if (bad.length)
              throw new ToolParameterError(
                `get_steering_samples: prompt indices ${bad.join(', ')} out of range 0..${s.prompts.length - 1}`,
              );
            return {
              layer: s.layer,
              strength: s.strength,
              samples: idx.map((i) => ({
                index: i,
                prompt: s.prompts[i],
                steered: (s.steered[i] ?? []).slice(0, n).map((t) => cut(t, opts.maxDetailChars)),
                unsteered: (s.unsteered[i] ?? []).slice(0, n).map((t) => cut(t, opts.maxDetailChars)),
              })),
            };
          });
      },
    });
  }
  const generateSteered = models.generateSteered?.bind(models);
  const steerable = [
    ...new Set([...steering.map((s) => s.position), ...(output.vectors ?? []).map((v) => v.position)]),
  ];
  if (generateSteered && steerable.length) {
    tools.push({
      name: 'generate_steered',
      description:
        'Generate new samples from the finetuned model steered with the difference vector at one position, for your own prompts. ' +
        'Costs n model interactions per prompt.',
      params: {
        position,
        prompts: { type: 'string[]', required: true, description: `1 to ${opts.maxSteeredPrompts} prompts` },
        n: { type: 'integer', description: `samples per prompt, 1 to ${opts.maxSteeredPerPrompt} (default 1)` },
      },
      cost: (a) => (a.prompts as string[]).length * ((a.n as number | undefined) ?? 1),
      run: async (a) => {
        const p = checkPosition(
          a.position,
          steerable.sort((x, y) => x - y),
          'generate_steered',
        );
        const prompts = a.prompts as string[];
        const n = (a.n as number | undefined) ?? 1;
        if (prompts.length < 1 || prompts.length > opts.maxSteeredPrompts) {
          throw new ToolParameterError(
            `generate_steered: give 1 to ${opts.maxSteeredPrompts} prompts, got ${prompts.length}`,
          );
        }
        if (n < 1 || n > opts.maxSteeredPerPrompt)
          throw new ToolParameterError(`generate_steered: n must be 1..${opts.maxSteeredPerPrompt}`);
        const samples = await generateSteered(p, prompts, n);
        return { position: p, samples: prompts.map((prompt, i) => ({ prompt, steered: samples[i] ?? [] })) };
      },
    });
  }
  return tools;
}
