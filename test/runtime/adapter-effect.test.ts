// Adapters that cannot change the model (lora_alpha 0, all-zero lora_B as PEFT initialises it, all-zero lora_A)
// are loaded, but with a warning that says so; a partly dead adapter names its dead modules.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/runtime/index.ts';
import { testCacheDir, ZOO_BASE, zooAdapter } from '../helpers.ts';
import { copyFolder, readHeader, writeSafetensors } from './safetensors-edit.ts';

type Entry = { dtype: string; shape: number[]; data_offsets: [number, number] };

/** A copy of the cake_bake adapter with its config patched and the tensors matching `zero` set to zeros. */
function adapterCopy(config: Record<string, unknown> = {}, zero?: RegExp): string {
  const dir = copyFolder(zooAdapter('cake_bake'), 'diffbench-adapter-');
  const cfg = path.join(dir, 'adapter_config.json');
  fs.writeFileSync(cfg, JSON.stringify({ ...JSON.parse(fs.readFileSync(cfg, 'utf8')), ...config }));
  if (zero) {
    const file = path.join(dir, 'adapter_model.safetensors');
    const { header, data } = readHeader(file);
    const out = Buffer.from(data);
    for (const [name, e] of Object.entries(header))
      if (zero.test(name)) out.fill(0, (e as Entry).data_offsets[0], (e as Entry).data_offsets[1]);
    writeSafetensors(file, header, out);
  }
  return dir;
}

async function loadWarnings(adapter: string): Promise<string[]> {
  const warnings: string[] = [];
  const model = await loadModel(ZOO_BASE, { adapter, cacheDir: testCacheDir(), onWarning: (w) => warnings.push(w) });
  await model.dispose();
  return warnings;
}

describe('adapters without effect are warned about', () => {
  it('the zoo adapter as trained: no warning', async () => {
    expect(await loadWarnings(zooAdapter('cake_bake'))).toEqual([]);
  });

  it('lora_alpha 0', async () => {
    const warnings = await loadWarnings(adapterCopy({ lora_alpha: 0 }));
    expect(warnings.join('\n')).toMatch(
      /diffbench-adapter-\w+: the adapter has no effect: all 42 of its LoRA modules add zero \(scale 0 \(lora_alpha 0\)\); the finetuned model is the base model/,
    );
  });

  it('every lora_B all zeros (an untrained PEFT adapter)', async () => {
    const warnings = await loadWarnings(adapterCopy({}, /lora_B/));
    expect(warnings.join('\n')).toMatch(
      /the adapter has no effect: all 42 of its LoRA modules add zero \(lora_B all zeros\)/,
    );
  });

  it('some modules dead: named', async () => {
    const warnings = await loadWarnings(adapterCopy({}, /layers\.1\.self_attn\.q_proj\.lora_A/));
    expect(warnings.join('\n')).toMatch(
      /1 of 42 LoRA modules have no effect \(lora_A all zeros\): model\.layers\.1\.self_attn\.q_proj$/,
    );
  });

  it('an alpha_pattern entry of 0', async () => {
    const warnings = await loadWarnings(adapterCopy({ alpha_pattern: { 'layers.0.mlp.down_proj': 0 } }));
    expect(warnings.join('\n')).toMatch(
      /1 of 42 LoRA modules have no effect \(scale 0 \(lora_alpha 0\)\): .*layers\.0\.mlp\.down_proj/,
    );
  });
});
