// LoRA modules that cannot change the model: a scale of 0 (lora_alpha 0, or an alpha_pattern entry of 0) or an
// all-zero lora_A or lora_B (PEFT initialises B to zeros, so an adapter saved before training has no effect).
// An adapter whose every module is like that makes the "finetuned" model the base model.
import type { Adapter, LoraModule } from './lora.ts';

/** Why one module adds nothing to the model's output, or undefined when it can. */
function noEffectReason(module: LoraModule): string | undefined {
  if (module.scale === 0) return 'scale 0 (lora_alpha 0)';
  if (module.readB().every((x) => x === 0)) return 'lora_B all zeros';
  if (module.readA().every((x) => x === 0)) return 'lora_A all zeros';
  return undefined;
}

/** Warnings about modules without effect (none when every module can change the model). */
export function zeroEffectWarnings(adapter: Adapter): string[] {
  const dead = new Map<string, string>();
  for (const [name, module] of adapter.modules) {
    const reason = noEffectReason(module);
    if (reason) dead.set(name, reason);
  }
  if (dead.size === 0) return [];
  const reasons = [...new Set(dead.values())].join(', ');
  if (dead.size === adapter.modules.size)
    return [
      `${adapter.dir}: the adapter has no effect: all ${dead.size} of its LoRA modules add zero (${reasons}); the finetuned model is the base model`,
    ];
  const names = [...dead.keys()].sort();
  return [
    `${adapter.dir}: ${dead.size} of ${adapter.modules.size} LoRA modules have no effect (${reasons}): ${names.slice(0, 5).join(', ')}${names.length > 5 ? ', ...' : ''}`,
  ];
}
