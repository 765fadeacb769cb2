// Bad input gets a clear error naming the file and what was wrong, never a crash inside ONNX Runtime.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/runtime/index.ts';
import { tempDir, testCacheDir } from '../helpers.ts';

const LLAMA = path.join('test', 'fixtures', 'hf-reference', 'llama');
const LORA = path.join('test', 'fixtures', 'hf-reference', 'llama_lora');

/** A copy of a fixture folder that a test may damage. */
function copyOf(src: string): string {
  const dir = tempDir('diffbench-bad-');
  for (const f of fs.readdirSync(src)) fs.copyFileSync(path.join(src, f), path.join(dir, f));
  for (const f of fs.readdirSync(dir)) fs.chmodSync(path.join(dir, f), 0o644);
  return dir;
}

function safetensorsBytes(header: object, data: Uint8Array): Buffer {
  const h = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(h.length));
  return Buffer.concat([len, h, data]);
}

const load = (dir: string, adapter?: string) => loadModel(dir, { adapter, cacheDir: testCacheDir() });

describe('bad checkpoints', () => {
  it('unknown model_type lists the supported ones', async () => {
    const dir = copyOf(LLAMA);
    const cfg = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'));
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ ...cfg, model_type: 'mamba' }));
    await expect(load(dir)).rejects.toThrow(
      /config\.json: model_type 'mamba' is not supported \(supported: llama, .*qwen3.*gpt2\)/,
    );
  });

  it('missing config.json names the file', async () => {
    const dir = copyOf(LLAMA);
    fs.rmSync(path.join(dir, 'config.json'));
    await expect(load(dir)).rejects.toThrow(/config\.json: file not found/);
  });

  it('header length beyond the end of the file', async () => {
    const dir = copyOf(LLAMA);
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(10_000_000n);
    fs.writeFileSync(path.join(dir, 'model.safetensors'), Buffer.concat([len, Buffer.from('{}')]));
    await expect(load(dir)).rejects.toThrow(/model\.safetensors: header length 10000000 goes beyond the file/);
  });

  it('tensor bytes beyond the end of the file (truncated download)', async () => {
    const dir = copyOf(LLAMA);
    const file = path.join(dir, 'model.safetensors');
    const full = fs.readFileSync(file);
    fs.writeFileSync(file, full.subarray(0, full.length - 1000));
    await expect(load(dir)).rejects.toThrow(
      /model\.safetensors: tensor '.*' data ends at byte \d+, beyond the end of the file .*truncated/,
    );
  });

  it('unknown dtype', async () => {
    const dir = copyOf(LLAMA);
    fs.writeFileSync(
      path.join(dir, 'model.safetensors'),
      safetensorsBytes(
        { 'model.embed_tokens.weight': { dtype: 'Q4', shape: [2], data_offsets: [0, 2] } },
        new Uint8Array(2),
      ),
    );
    await expect(load(dir)).rejects.toThrow(/tensor 'model\.embed_tokens\.weight' has unknown dtype 'Q4'/);
  });

  it('shape and byte count disagree', async () => {
    const dir = copyOf(LLAMA);
    fs.writeFileSync(
      path.join(dir, 'model.safetensors'),
      safetensorsBytes({ w: { dtype: 'F32', shape: [4, 4], data_offsets: [0, 32] } }, new Uint8Array(32)),
    );
    await expect(load(dir)).rejects.toThrow(
      /tensor 'w' has shape \[4,4\] F32 = 64 bytes but its data_offsets span 32 bytes/,
    );
  });

  it('a missing tensor is named', async () => {
    const dir = copyOf(LLAMA);
    fs.writeFileSync(
      path.join(dir, 'model.safetensors'),
      safetensorsBytes(
        { 'model.embed_tokens.weight': { dtype: 'F32', shape: [512, 64], data_offsets: [0, 512 * 64 * 4] } },
        new Uint8Array(512 * 64 * 4),
      ),
    );
    await expect(load(dir)).rejects.toThrow(
      /tensor 'model\.layers\.0\.input_layernorm\.weight' is missing from the checkpoint/,
    );
  });

  it('a folder with only pickle weights is refused, never executed', async () => {
    const dir = tempDir('diffbench-pickle-');
    fs.copyFileSync(path.join(LLAMA, 'config.json'), path.join(dir, 'config.json'));
    fs.writeFileSync(path.join(dir, 'pytorch_model.bin'), 'not executed');
    await expect(load(dir)).rejects.toThrow(
      /only pickle weights \(pytorch_model\.bin\).*never executes pickled checkpoints/,
    );
  });
});

describe('bad adapters', () => {
  it('an adapter whose target module the model does not have', async () => {
    const dir = copyOf(LORA);
    fs.rmSync(path.join(dir, 'golden.safetensors'));
    const file = path.join(dir, 'adapter_model.safetensors');
    fs.writeFileSync(
      file,
      safetensorsBytes(
        {
          'base_model.model.model.layers.0.mlp.switch_proj.lora_A.weight': {
            dtype: 'F32',
            shape: [4, 64],
            data_offsets: [0, 1024],
          },
          'base_model.model.model.layers.0.mlp.switch_proj.lora_B.weight': {
            dtype: 'F32',
            shape: [64, 4],
            data_offsets: [1024, 2048],
          },
        },
        new Uint8Array(2048),
      ),
    );
    // not in target_modules: PEFT would not apply it, so neither does DiffBench, and nothing is left
    await expect(load(LLAMA, dir)).rejects.toThrow(
      /none of its LoRA modules \(model\.layers\.0\.mlp\.switch_proj, \.\.\.\) is in target_modules/,
    );
    const cfgFile = path.join(dir, 'adapter_config.json');
    fs.writeFileSync(
      cfgFile,
      JSON.stringify({ ...JSON.parse(fs.readFileSync(cfgFile, 'utf8')), target_modules: ['q_proj', 'switch_proj'] }),
    );
    await expect(load(LLAMA, dir)).rejects.toThrow(
      /adapter targets module\(s\) the model does not have: model\.layers\.0\.mlp\.switch_proj/,
    );
  });

  it('an adapter whose shapes do not fit the model', async () => {
    const dir = copyOf(LORA);
    const file = path.join(dir, 'adapter_model.safetensors');
    fs.writeFileSync(
      file,
      safetensorsBytes(
        {
          'base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight': {
            dtype: 'F32',
            shape: [4, 32],
            data_offsets: [0, 512],
          },
          'base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight': {
            dtype: 'F32',
            shape: [64, 4],
            data_offsets: [512, 1536],
          },
        },
        new Uint8Array(1536),
      ),
    );
    await expect(load(LLAMA, dir)).rejects.toThrow(
      /tensor 'base_model\.model\.model\.layers\.0\.self_attn\.q_proj\.lora_A\.weight' has shape \[4,32\], expected \[4,64\]/,
    );
  });

  it('pickled adapter weights are refused', async () => {
    const dir = tempDir('diffbench-pickle-adapter-');
    fs.copyFileSync(path.join(LORA, 'adapter_config.json'), path.join(dir, 'adapter_config.json'));
    fs.writeFileSync(path.join(dir, 'adapter_model.bin'), 'not executed');
    await expect(load(LLAMA, dir)).rejects.toThrow(/adapter weights are pickled \(adapter_model\.bin\)/);
  });
});

describe('bad calls', () => {
  it('out-of-range layers, wrong vector sizes and unknown hooks are named', async () => {
    const m = await load(LLAMA);
    await expect(
      m.forward({ inputIds: [[1, 2, 3]], steer: [{ layer: 9, vector: new Float32Array(64) }] }),
    ).rejects.toThrow(/steer: layer 9 is out of range \(model has layers 0\.\.3\)/);
    await expect(
      m.forward({ inputIds: [[1, 2, 3]], steer: [{ layer: 1, vector: new Float32Array(10) }] }),
    ).rejects.toThrow(/expected 64 \(hidden size\)/);
    await expect(m.forward({ inputIds: [[1, 2, 3]], capture: ['resid_post.7' as 'resid_post.0'] })).rejects.toThrow(
      /unknown hook 'resid_post\.7'/,
    );
    await expect(
      m.forward({ inputIds: [[1, 2, 3]], patch: [{ layer: 1, position: 5, vector: new Float32Array(64) }] }),
    ).rejects.toThrow(/patch: position 5 is outside row 0/);
    // also when the forward stops at the default early exit (layer 1 of 4) before the patched layer
    await expect(
      m.forward({
        inputIds: [[1, 2, 3]],
        capture: ['resid_post.0'],
        logits: 'none',
        patch: [{ layer: 9, position: 0, vector: new Float32Array(64) }],
      }),
    ).rejects.toThrow(/patch: layer 9 is out of range/);
    await m.dispose();
  });
});

describe('bad token ids', () => {
  it('an id outside the vocabulary is named before ONNX Runtime sees it', async () => {
    const m = await load(LLAMA);
    await expect(m.forward({ inputIds: [[1, 2, 512]] })).rejects.toThrow(
      /forward: token id 512 at row 0, position 2 is outside the vocabulary \(0\.\.511\)/,
    );
    await expect(m.generate({ prompts: [[-1]], maxNewTokens: 1 })).rejects.toThrow(/generate: token id -1/);
    await m.dispose();
  });
});
