// A LoRA adapter is applied as PEFT applies it: only to the modules its adapter_config.json targets
// (target_modules as a list of name suffixes or a full-match regex, exclude_modules, layers_to_transform);
// tensors for other modules are ignored with a warning. A base model other than the adapter's
// base_model_name_or_path gives a warning naming both.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/runtime/index.ts';
import { baseModelNames, isTargeted } from '../../src/runtime/lora-targets.ts';
import { tempDir, testCacheDir } from '../helpers.ts';
import { copyFolder, readHeader, writeSafetensors } from './safetensors-edit.ts';

const LLAMA = path.join('test', 'fixtures', 'hf-reference', 'llama');
const LLAMA_LORA = path.join('test', 'fixtures', 'hf-reference', 'llama_lora');

/** A copy of the llama LoRA with config fields replaced and only the tensors whose name passes `keep`. */
function adapterVariant(cfg: Record<string, unknown>, keep: (tensor: string) => boolean = () => true): string {
  const dir = copyFolder(LLAMA_LORA, 'diffbench-lora-targets-');
  fs.rmSync(path.join(dir, 'golden.safetensors'));
  const cfgFile = path.join(dir, 'adapter_config.json');
  fs.writeFileSync(cfgFile, JSON.stringify({ ...JSON.parse(fs.readFileSync(cfgFile, 'utf8')), ...cfg }));
  const file = path.join(dir, 'adapter_model.safetensors');
  const { header, data } = readHeader(file);
  const out: Record<string, any> = {};
  const parts: Buffer[] = [];
  let offset = 0;
  for (const [k, v] of Object.entries(header) as [string, any][]) {
    if (k === '__metadata__' || !keep(k)) continue;
    const bytes = data.subarray(v.data_offsets[0], v.data_offsets[1]);
    out[k] = { ...v, data_offsets: [offset, offset + bytes.length] };
    parts.push(bytes);
    offset += bytes.length;
  }
  writeSafetensors(file, out, Buffer.concat(parts));
  return dir;
}

/** Final-norm output of the finetuned model on a fixed prompt, and the warnings of the load. */
async function finetuned(adapter: string): Promise<{ out: Float32Array; warnings: string[] }> {
  const warnings: string[] = [];
  const m = await loadModel(LLAMA, { adapter, cacheDir: testCacheDir(), onWarning: (w) => warnings.push(w) });
  const r = await m.forward({ inputIds: [[1, 5, 9, 33, 2]], capture: ['final_norm'], loraScale: 1, logits: 'none' });
  await m.dispose();
  return { out: r.hooks.final_norm!.data, warnings };
}

const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);

describe('target_modules honoured (llama fixture, adapter trained on all 7 projections)', () => {
  it('target_modules [q_proj, v_proj]: the other tensors are ignored (with a warning), not applied', async () => {
    const narrowConfig = await finetuned(adapterVariant({ target_modules: ['q_proj', 'v_proj'] }));
    const onlyQV = await finetuned(adapterVariant({}, (t) => /\.(q|v)_proj\./.test(t)));
    const all = await finetuned(adapterVariant({}));
    // the full adapter moves the output visibly, so equality with the q/v-only adapter is meaningful
    expect(maxDiff(all.out, onlyQV.out)).toBeGreaterThan(1e-3);
    expect(maxDiff(narrowConfig.out, onlyQV.out)).toBeLessThan(1e-6);
    expect(narrowConfig.warnings.join('\n')).toMatch(
      /adapter_model\.safetensors: 20 module\(s\) have LoRA tensors but are not in target_modules of .*adapter_config\.json; ignored as PEFT does: model\.layers\.0\.mlp\.down_proj/,
    );
    expect(all.warnings).toEqual([]);
  });

  it('targeted modules without tensors are reported', async () => {
    const r = await finetuned(adapterVariant({}, (t) => !t.includes('layers.3.mlp')));
    expect(r.warnings.join('\n')).toMatch(
      /3 targeted module\(s\) have no LoRA tensors .*: model\.layers\.3\.mlp\.down_proj/,
    );
  });
});

describe('PEFT target matching rules', () => {
  const key = 'model.layers.2.self_attn.q_proj';
  it('a list matches the full name or a dot-separated suffix', () => {
    expect(isTargeted({ target_modules: ['q_proj'] }, key)).toBe(true);
    expect(isTargeted({ target_modules: ['self_attn.q_proj'] }, key)).toBe(true);
    expect(isTargeted({ target_modules: ['_proj'] }, key)).toBe(false);
    expect(isTargeted({ target_modules: [key] }, key)).toBe(true);
  });
  it('a string is a regex that must match the whole name', () => {
    expect(isTargeted({ target_modules: '.*\\.q_proj' }, key)).toBe(true);
    expect(isTargeted({ target_modules: 'q_proj' }, key)).toBe(false);
    expect(isTargeted({ target_modules: '.*layers\\.[01]\\..*' }, key)).toBe(false);
  });
  it("'all-linear' targets every decoder linear", () => {
    expect(isTargeted({ target_modules: 'all-linear' }, key)).toBe(true);
  });
  it('exclude_modules wins over target_modules', () => {
    expect(isTargeted({ target_modules: ['q_proj'], exclude_modules: ['q_proj'] }, key)).toBe(false);
    expect(isTargeted({ target_modules: ['q_proj'], exclude_modules: '.*layers\\.2\\..*' }, key)).toBe(false);
    expect(isTargeted({ target_modules: ['q_proj'], exclude_modules: ['k_proj'] }, key)).toBe(true);
  });
  it('layers_to_transform (int or list) with or without layers_pattern', () => {
    expect(isTargeted({ target_modules: ['q_proj'], layers_to_transform: [0, 2] }, key)).toBe(true);
    expect(isTargeted({ target_modules: ['q_proj'], layers_to_transform: 1 }, key)).toBe(false);
    expect(isTargeted({ target_modules: ['q_proj'], layers_to_transform: [2], layers_pattern: 'layers' }, key)).toBe(
      true,
    );
    expect(isTargeted({ target_modules: ['q_proj'], layers_to_transform: [2], layers_pattern: ['h'] }, key)).toBe(
      false,
    );
  });
  it('no target_modules field: every tensor present is applied', () => {
    expect(isTargeted({}, key)).toBe(true);
  });
});

describe('base_model_name_or_path is compared with the base loaded', () => {
  it('another base gives a warning naming both; the same name (Hub id vs folder) does not', async () => {
    const other = await finetuned(adapterVariant({ base_model_name_or_path: 'meta-llama/Llama-3.2-1B' }));
    expect(other.warnings.join('\n')).toMatch(
      /adapter_config\.json: base_model_name_or_path is 'meta-llama\/Llama-3\.2-1B', but the base loaded is .*llama/,
    );
    const same = await finetuned(adapterVariant({ base_model_name_or_path: 'someone/llama' }));
    expect(same.warnings).toEqual([]);
  });

  it('names of a base: folder name, Hub id of a Hugging Face cache snapshot, config _name_or_path', () => {
    const hf = path.join(tempDir(), 'hub', 'models--Qwen--Qwen3-1.7B', 'snapshots', 'abc123');
    expect(baseModelNames(hf, {})).toContain('qwen3-1.7b');
    expect(baseModelNames('organisms/zoo/base', { _name_or_path: 'tiny-zoo/base' })).toEqual(
      expect.arrayContaining(['base']),
    );
    expect(baseModelNames('/models/llama-ft', { _name_or_path: 'meta-llama/Llama-3.2-1B' })).toEqual(
      expect.arrayContaining(['llama-ft', 'llama-3.2-1b']),
    );
  });
});
