// Every checkpoint and adapter tensor is checked against the shape the config implies, before any
// conversion: a wrong-sized or transposed tensor is an error naming the file, the tensor and both shapes.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCheckpoint } from '../../src/runtime/checkpoint.ts';
import { parseConfig } from '../../src/runtime/config.ts';
import { loadModel } from '../../src/runtime/index.ts';
import { checkpointShapeProblems } from '../../src/runtime/tensor-shapes.ts';
import { tempDir, ZOO_BASE } from '../helpers.ts';
import { copyFolder, reshapeTensor } from './safetensors-edit.ts';

const FIXTURES = path.join('test', 'fixtures', 'hf-reference');
const LLAMA = path.join(FIXTURES, 'llama');
const LLAMA_LORA = path.join(FIXTURES, 'llama_lora');
const families = fs.readdirSync(FIXTURES).filter((d) => fs.existsSync(path.join(FIXTURES, d, 'config.json')));

function problemsOf(dir: string): string[] {
  const ckpt = openCheckpoint(dir);
  return checkpointShapeProblems(parseConfig(ckpt.config, path.join(dir, 'config.json'), ckpt.generationConfig), ckpt);
}

/** Loads with a fresh cache and checks that nothing was converted when loading fails. */
async function expectRefused(dir: string, pattern: RegExp, adapter?: string): Promise<void> {
  const cacheDir = tempDir('diffbench-shape-cache-');
  await expect(loadModel(dir, { cacheDir, adapter })).rejects.toThrow(pattern);
  expect(fs.existsSync(path.join(cacheDir, 'models')) ? fs.readdirSync(path.join(cacheDir, 'models')) : []).toEqual([]);
}

describe('checkpoint tensor shapes (zoo base, qwen3: hidden 256, 8 heads x 32, 4 kv heads, intermediate 768)', () => {
  const zooCopy = () => copyFolder(ZOO_BASE, 'diffbench-zoo-shape-');
  const q = 'model.layers.0.self_attn.q_proj.weight';

  it('q_proj with too few rows: [128,256] instead of [256,256]', async () => {
    const dir = zooCopy();
    reshapeTensor(path.join(dir, 'model.safetensors'), q, [128, 256]);
    await expectRefused(
      dir,
      /model\.safetensors: tensor 'model\.layers\.0\.self_attn\.q_proj\.weight' has shape \[128,256\], expected \[256,256\]/,
    );
  });

  it('q_proj with extra rows: [512,256]', async () => {
    const dir = zooCopy();
    reshapeTensor(path.join(dir, 'model.safetensors'), q, [512, 256]);
    await expectRefused(
      dir,
      /tensor 'model\.layers\.0\.self_attn\.q_proj\.weight' has shape \[512,256\], expected \[256,256\]/,
    );
  });

  it('a transposed down_proj (same element count) is refused', async () => {
    const dir = zooCopy();
    reshapeTensor(path.join(dir, 'model.safetensors'), 'model.layers.3.mlp.down_proj.weight', [768, 256]);
    await expectRefused(
      dir,
      /tensor 'model\.layers\.3\.mlp\.down_proj\.weight' has shape \[768,256\], expected \[256,768\]/,
    );
  });

  it('a per-head k_norm of the wrong size and an embedding with another vocabulary are both named', async () => {
    const dir = zooCopy();
    reshapeTensor(path.join(dir, 'model.safetensors'), 'model.layers.5.self_attn.k_norm.weight', [64]);
    reshapeTensor(path.join(dir, 'model.safetensors'), 'model.embed_tokens.weight', [8000, 256]);
    const problems = problemsOf(dir);
    expect(problems.join('\n')).toMatch(/k_norm\.weight' has shape \[64\], expected \[32\]/);
    expect(problems.join('\n')).toMatch(
      /embed_tokens\.weight' has shape \[8000,256\], expected \[8192,256\] .*vocab_size/,
    );
  });
});

describe('every family: the fixtures pass, a transposed or resized tensor is found', () => {
  it.each(families)('%s fixture has no shape problems', (family) => {
    expect(problemsOf(path.join(FIXTURES, family))).toEqual([]);
  });

  // the MLP output projection of each naming scheme, stored transposed
  const cases: [string, string][] = [
    ['llama', 'model.layers.1.mlp.down_proj.weight'],
    ['phi3', 'model.layers.0.mlp.down_proj.weight'],
    ['phi3', 'model.layers.0.self_attn.qkv_proj.weight'],
    ['phi3', 'model.layers.0.mlp.gate_up_proj.weight'],
    ['gpt2', 'transformer.h.0.mlp.c_proj.weight'],
    ['gpt2', 'transformer.h.1.attn.c_attn.weight'],
    ['gemma2', 'model.layers.0.mlp.up_proj.weight'],
    ['olmo2', 'model.layers.0.self_attn.k_proj.weight'],
  ];
  it.each(cases)('%s: %s transposed', (family, tensor) => {
    const dir = copyFolder(path.join(FIXTURES, family));
    const shape = openCheckpoint(dir).shape(tensor);
    expect(shape[0]).not.toBe(shape[1]); // else a transpose is invisible to shapes
    reshapeTensor(path.join(dir, 'model.safetensors'), tensor, [shape[1], shape[0]]);
    const problems = problemsOf(dir);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(
      `tensor '${tensor}' has shape [${shape[1]},${shape[0]}], expected [${shape[0]},${shape[1]}]`,
    );
  });

  it('an untied lm_head with the wrong width (mistral)', () => {
    const dir = copyFolder(path.join(FIXTURES, 'mistral'));
    const [V, H] = openCheckpoint(dir).shape('lm_head.weight');
    reshapeTensor(path.join(dir, 'model.safetensors'), 'lm_head.weight', [V, H + 1]);
    expect(problemsOf(dir).join('\n')).toMatch(
      new RegExp(`lm_head\\.weight' has shape \\[${V},${H + 1}\\], expected \\[${V},${H}\\]`),
    );
  });

  it('a q/k/v bias of the wrong size (qwen2)', () => {
    const dir = copyFolder(path.join(FIXTURES, 'qwen2'));
    const [n] = openCheckpoint(dir).shape('model.layers.0.self_attn.k_proj.bias');
    reshapeTensor(path.join(dir, 'model.safetensors'), 'model.layers.0.self_attn.k_proj.bias', [n * 2]);
    expect(problemsOf(dir).join('\n')).toMatch(
      new RegExp(`k_proj\\.bias' has shape \\[${n * 2}\\], expected \\[${n}\\]`),
    );
  });
});

describe('adapter tensor shapes (llama fixture: hidden 64, intermediate 128; adapter r = 4)', () => {
  const adapterCopy = () => {
    const dir = copyFolder(LLAMA_LORA, 'diffbench-lora-shape-');
    fs.rmSync(path.join(dir, 'golden.safetensors'));
    return dir;
  };
  const file = (dir: string) => path.join(dir, 'adapter_model.safetensors');

  it('a transposed lora_B of down_proj', async () => {
    const dir = adapterCopy();
    const name = 'base_model.model.model.layers.0.mlp.down_proj.lora_B.weight';
    reshapeTensor(file(dir), name, [4, 64]);
    await expectRefused(
      LLAMA,
      /adapter_model\.safetensors: tensor '.*layers\.0\.mlp\.down_proj\.lora_B\.weight' has shape \[4,64\], expected \[64,4\]/,
      dir,
    );
  });

  it('a transposed lora_A of up_proj', async () => {
    const dir = adapterCopy();
    reshapeTensor(file(dir), 'base_model.model.model.layers.2.mlp.up_proj.lora_A.weight', [64, 4]);
    await expectRefused(
      LLAMA,
      /tensor '.*layers\.2\.mlp\.up_proj\.lora_A\.weight' has shape \[64,4\], expected \[4,64\]/,
      dir,
    );
  });

  it('a rank that disagrees with the config r', async () => {
    const dir = adapterCopy();
    reshapeTensor(file(dir), 'base_model.model.model.layers.1.self_attn.q_proj.lora_A.weight', [3, 64]);
    reshapeTensor(file(dir), 'base_model.model.model.layers.1.self_attn.q_proj.lora_B.weight', [64, 3]);
    await expectRefused(LLAMA, /q_proj\.lora_A\.weight' has shape \[3,64\], expected \[4,64\] .*r = 4/, dir);
  });
});
