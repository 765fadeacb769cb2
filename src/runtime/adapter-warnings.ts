// What is worth a warning (not an error) when a LoRA adapter is loaded on a base: tensors PEFT would not
// apply, targeted modules without tensors, modules that add nothing, and a base other than the one the adapter names.
import type { ModelSpec } from './config.ts';
import type { Adapter } from './lora.ts';
import { zeroEffectWarnings } from './adapter-effect.ts';
import { baseModelNames, isTargeted, modelName } from './lora-targets.ts';
import { expectedLinears } from './tensor-shapes.ts';

const byName = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });
const list = (names: string[]) => `${names.sort(byName).slice(0, 5).join(', ')}${names.length > 5 ? ', ...' : ''}`;

export function adapterWarnings(
  spec: ModelSpec,
  adapter: Adapter,
  modelDir: string,
  baseConfig: Record<string, unknown>,
): string[] {
  const warnings: string[] = [];
  if (adapter.ignored.length)
    warnings.push(
      `${adapter.weightsFile}: ${adapter.ignored.length} module(s) have LoRA tensors but are not in target_modules of ${adapter.configFile}; ignored as PEFT does: ${list(adapter.ignored)}`,
    );
  if (adapter.config.target_modules != null) {
    const keys = [...adapter.modules.keys()];
    const missing = [...expectedLinears(spec).keys()].filter(
      (m) => isTargeted(adapter.config, m) && !keys.some((k) => k === m || k.endsWith(`.${m}`) || m.endsWith(`.${k}`)),
    );
    if (missing.length)
      warnings.push(
        `${adapter.weightsFile}: ${missing.length} targeted module(s) have no LoRA tensors (left unchanged, as PEFT does after its "missing adapter keys" warning): ${list(missing)}`,
      );
  }
  warnings.push(...zeroEffectWarnings(adapter));
  const named = adapter.config.base_model_name_or_path;
  if (typeof named === 'string' && named) {
    const names = baseModelNames(modelDir, baseConfig);
    if (!names.includes(modelName(named)))
      warnings.push(
        `${adapter.configFile}: base_model_name_or_path is '${named}', but the base loaded is ${modelDir} (known as ${names.join(', ')}); the finetune may not fit this base`,
      );
  }
  return warnings;
}
