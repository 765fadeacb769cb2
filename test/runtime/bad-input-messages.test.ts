// Malformed safetensors headers and impossible config values get a message naming the file and field,
// never "Cannot read properties of null" or a complaint about exitLayers / layer_types.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/runtime/index.ts';
import { tempDir } from '../helpers.ts';
import { copyFolder, readHeader, writeSafetensors } from './safetensors-edit.ts';

const LLAMA = path.join('test', 'fixtures', 'hf-reference', 'llama');
const load = (dir: string) => loadModel(dir, { cacheDir: tempDir('diffbench-msg-cache-') });

describe('safetensors header entries', () => {
  const withEntry = (entry: unknown) => {
    const dir = copyFolder(LLAMA);
    const file = path.join(dir, 'model.safetensors');
    const { header, data } = readHeader(file);
    writeSafetensors(file, { ...header, 'model.layers.0.mlp.up_proj.weight': entry as never }, data);
    return dir;
  };

  it('an entry that is null', async () => {
    await expect(load(withEntry(null))).rejects.toThrow(
      /model\.safetensors: header entry of tensor 'model\.layers\.0\.mlp\.up_proj\.weight' is null; expected \{dtype, shape, data_offsets\}/,
    );
  });
  it('an entry without a shape', async () => {
    await expect(load(withEntry({ dtype: 'F32', data_offsets: [0, 4] }))).rejects.toThrow(
      /tensor 'model\.layers\.0\.mlp\.up_proj\.weight' has shape undefined; expected an array of non-negative integers/,
    );
  });
  it('an entry whose data_offsets are not two ordered integers', async () => {
    await expect(load(withEntry({ dtype: 'F32', shape: [1], data_offsets: [8, 4] }))).rejects.toThrow(
      /tensor 'model\.layers\.0\.mlp\.up_proj\.weight' has data_offsets \[8,4\]; expected \[begin, end\] with 0 <= begin <= end/,
    );
  });
  it('a header that is not an object', async () => {
    const dir = copyFolder(LLAMA);
    writeSafetensors(path.join(dir, 'model.safetensors'), [] as never, new Uint8Array(0));
    await expect(load(dir)).rejects.toThrow(/model\.safetensors: header is not a JSON object/);
  });
});

describe('config values that cannot describe a model', () => {
  const withConfig = (patch: Record<string, unknown>) => {
    const dir = copyFolder(LLAMA);
    const file = path.join(dir, 'config.json');
    fs.writeFileSync(file, JSON.stringify({ ...JSON.parse(fs.readFileSync(file, 'utf8')), ...patch }));
    return dir;
  };
  it.each([0, -3, 2.5])('num_hidden_layers %s', async (n) => {
    await expect(load(withConfig({ num_hidden_layers: n }))).rejects.toThrow(
      new RegExp(`config\\.json: num_hidden_layers must be a positive integer, got ${n}`),
    );
  });
  it.each(['hidden_size', 'num_attention_heads', 'vocab_size', 'intermediate_size', 'head_dim', 'num_key_value_heads'])(
    '%s 0',
    async (field) => {
      await expect(load(withConfig({ [field]: 0 }))).rejects.toThrow(
        new RegExp(`config\\.json: ${field} must be a positive integer, got 0`),
      );
    },
  );
  it('num_key_value_heads that does not divide num_attention_heads', async () => {
    await expect(load(withConfig({ num_key_value_heads: 3 }))).rejects.toThrow(
      /config\.json: num_attention_heads \(4\) must be a multiple of num_key_value_heads \(3\)/,
    );
  });
});
