// Weight files are checked once, fully, before any conversion: the safetensors layout as the reference library
// checks it (offsets contiguous from 0, no overlaps, holes, aliasing or trailing bytes, a header that starts
// with '{'), shard index paths confined to the model folder, and every floating-point weight finite (memoised by
// the file's content hash).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertFiniteWeights, firstNonFinite } from '../../src/runtime/finite-check.ts';
import { loadModel } from '../../src/runtime/index.ts';
import { readSafetensorsHeader } from '../../src/runtime/safetensors.ts';
import { tempDir, ZOO_BASE, zooAdapter } from '../helpers.ts';
import { copyFolder, readHeader, writeSafetensors } from './safetensors-edit.ts';

const LLAMA = path.join('test', 'fixtures', 'hf-reference', 'llama');
const LLAMA_BF16 = path.join('test', 'fixtures', 'hf-reference', 'llama_bf16');
const load = (dir: string, cacheDir = tempDir('diffbench-files-cache-')) => loadModel(dir, { cacheDir });
type Entry = { dtype: string; shape: number[]; data_offsets: [number, number] };

/** A copy of LLAMA whose model.safetensors header is edited by `edit` (the data bytes are kept, or replaced). */
function edited(edit: (header: Record<string, Entry>, data: Buffer) => Buffer | undefined, src = LLAMA): string {
  const dir = copyFolder(src);
  const file = path.join(dir, 'model.safetensors');
  const { header, data } = readHeader(file);
  const newData = edit(header as Record<string, Entry>, data) ?? data;
  writeSafetensors(file, header, newData);
  return dir;
}

const UP = 'model.layers.0.mlp.up_proj.weight';
const GATE = 'model.layers.0.mlp.gate_proj.weight';

describe('safetensors layout, as the reference library checks it', () => {
  it('two tensors aliasing the same bytes', async () => {
    const dir = edited((h) => {
      h[UP].data_offsets = [...h[GATE].data_offsets];
      return undefined;
    });
    await expect(load(dir)).rejects.toThrow(
      /model\.safetensors: tensor 'model\.layers\.0\.mlp\.(up|gate)_proj\.weight' \(data_offsets \[\d+, \d+\]\) overlaps tensor 'model\.layers\.0\.mlp\.(gate|up)_proj\.weight'/,
    );
  });

  it('overlapping tensors (one starts inside another)', async () => {
    const dir = edited((h) => {
      const [b, e] = h[UP].data_offsets;
      h[UP].data_offsets = [b - 4, e - 4];
      return undefined;
    });
    await expect(load(dir)).rejects.toThrow(
      /tensor '.*' .* overlaps tensor '.*', which ends at \d+; tensors must not share bytes/,
    );
  });

  it('a hole between tensors', async () => {
    const dir = edited((h, data) => {
      // move every tensor from UP on 4 bytes further, leaving 4 unused bytes before UP
      const from = h[UP].data_offsets[0];
      for (const e of Object.values(h))
        if (Array.isArray(e.data_offsets) && e.data_offsets[0] >= from)
          e.data_offsets = [e.data_offsets[0] + 4, e.data_offsets[1] + 4];
      return Buffer.concat([data.subarray(0, from), Buffer.alloc(4), data.subarray(from)]);
    });
    await expect(load(dir)).rejects.toThrow(
      /tensor 'model\.layers\.0\.mlp\.up_proj\.weight' starts at data offset \d+, but tensor '.*' ends at \d+: a hole of 4 bytes/,
    );
  });

  it('bytes after the last tensor', async () => {
    const dir = edited((_h, data) => Buffer.concat([data, Buffer.alloc(16)]));
    await expect(load(dir)).rejects.toThrow(
      /model\.safetensors: the tensors' data ends at offset \d+, but the file has \d+ data bytes after the header \(16 bytes unaccounted for\)/,
    );
  });

  it("a header that does not start with '{'", () => {
    const dir = copyFolder(LLAMA);
    const file = path.join(dir, 'model.safetensors');
    const { header, data } = readHeader(file);
    const h = Buffer.from(` ${JSON.stringify(header)}`);
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(h.length));
    fs.writeFileSync(file, Buffer.concat([len, h, data]));
    expect(() => readSafetensorsHeader(file)).toThrow(/model\.safetensors: header does not start with '\{'/);
  });

  it('a header that is not UTF-8', () => {
    const dir = copyFolder(LLAMA);
    const file = path.join(dir, 'model.safetensors');
    const { header, data } = readHeader(file);
    const h = Buffer.from(JSON.stringify({ ...header, __metadata__: { note: 'xx' } }));
    h[h.indexOf('"xx"') + 1] = 0xff; // a byte that is never UTF-8, inside a string
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(h.length));
    fs.writeFileSync(file, Buffer.concat([len, h, data]));
    expect(() => readSafetensorsHeader(file)).toThrow(/model\.safetensors: header is not valid UTF-8/);
  });

  it('__metadata__ that is not a map of strings', () => {
    const dir = edited((h) => {
      (h as Record<string, unknown>).__metadata__ = { format: 1 };
      return undefined;
    });
    expect(() => readSafetensorsHeader(path.join(dir, 'model.safetensors'))).toThrow(
      /header field '__metadata__' must be an object of strings/,
    );
  });

  it('the fixtures pass (the checks accept what the reference library writes)', () => {
    for (const f of [path.join(LLAMA, 'model.safetensors'), path.join(LLAMA_BF16, 'model.safetensors')])
      expect(readSafetensorsHeader(f).size).toBeGreaterThan(10);
  });
});

describe('a shard index names files in the model folder only', () => {
  /** LLAMA as a one-shard checkpoint whose index names the shard `shard`. */
  function sharded(shard: (dir: string) => string): string {
    const dir = copyFolder(LLAMA);
    const names = Object.keys(readHeader(path.join(dir, 'model.safetensors')).header).filter(
      (k) => k !== '__metadata__',
    );
    const file = shard(dir);
    fs.writeFileSync(
      path.join(dir, 'model.safetensors.index.json'),
      JSON.stringify({ metadata: {}, weight_map: Object.fromEntries(names.map((n) => [n, file])) }),
    );
    return dir;
  }

  it('a shard inside the folder loads', async () => {
    const model = await load(sharded(() => 'model.safetensors'));
    expect(model.info.numLayers).toBeGreaterThan(0);
    await model.dispose();
  });

  it("a shard reached through '..'", async () => {
    const dir = sharded((d) => {
      const outside = tempDir('diffbench-outside-');
      fs.copyFileSync(path.join(d, 'model.safetensors'), path.join(outside, 'model.safetensors'));
      return path.join('..', path.basename(outside), 'model.safetensors');
    });
    await expect(load(dir)).rejects.toThrow(
      /model\.safetensors\.index\.json: weight_map names shard '\.\.\/diffbench-outside-\w+\/model\.safetensors', which is outside the model folder/,
    );
  });

  it('a shard given as an absolute path', async () => {
    const dir = sharded((d) => path.resolve(d, 'model.safetensors'));
    await expect(load(dir)).rejects.toThrow(
      /weight_map names shard '\/.*model\.safetensors', which is outside the model folder/,
    );
  });
});

describe('non-finite weights are rejected at load, naming file and tensor', () => {
  /** A copy of `src` with element `at` of tensor `name` overwritten by `bytes`. */
  function poisoned(src: string, name: string, at: number, bytes: number[]): string {
    return edited((h, data) => {
      const out = Buffer.from(data);
      const size = h[name].dtype === 'F32' ? 4 : 2;
      out.set(bytes, h[name].data_offsets[0] + at * size);
      return out;
    }, src);
  }

  it('one NaN in an F32 checkpoint', async () => {
    const dir = poisoned(LLAMA, UP, 7, [0x00, 0x00, 0xc0, 0x7f]);
    await expect(load(dir)).rejects.toThrow(
      /model\.safetensors: tensor 'model\.layers\.0\.mlp\.up_proj\.weight' holds a non-finite weight \(NaN at element 7 of shape \[128,64\]\)/,
    );
  });

  it('-Infinity in an F32 checkpoint', async () => {
    const dir = poisoned(LLAMA, 'model.norm.weight', 0, [0x00, 0x00, 0x80, 0xff]);
    await expect(load(dir)).rejects.toThrow(
      /tensor 'model\.norm\.weight' holds a non-finite weight \(-Infinity at element 0/,
    );
  });

  it('an infinity in a BF16 checkpoint', async () => {
    const dir = poisoned(LLAMA_BF16, GATE, 3, [0x80, 0x7f]);
    await expect(load(dir)).rejects.toThrow(
      /tensor 'model\.layers\.0\.mlp\.gate_proj\.weight' holds a non-finite weight \(an infinity at element 3/,
    );
  });

  it('a NaN in an adapter names the adapter file and its tensor', async () => {
    const adapter = copyFolder(zooAdapter('cake_bake'));
    const file = path.join(adapter, 'adapter_model.safetensors');
    const { header, data } = readHeader(file);
    const name = 'base_model.model.model.layers.2.self_attn.v_proj.lora_B.weight';
    const out = Buffer.from(data);
    out.writeFloatLE(Number.NaN, (header[name] as Entry).data_offsets[0] + 4 * 5);
    writeSafetensors(file, header, out);
    await expect(loadModel(ZOO_BASE, { adapter, cacheDir: tempDir('diffbench-files-cache-') })).rejects.toThrow(
      /adapter_model\.safetensors: tensor 'base_model\.model\.model\.layers\.2\.self_attn\.v_proj\.lora_B\.weight' holds a non-finite weight \(NaN at element 5/,
    );
  });

  it('the verdict is memoised by content: a second check scans nothing, an edited file is scanned again', () => {
    const cache = tempDir('diffbench-files-cache-');
    const dir = copyFolder(LLAMA);
    const file = path.join(dir, 'model.safetensors');
    expect(assertFiniteWeights([file], cache)).toBe(1);
    expect(assertFiniteWeights([file], cache)).toBe(0);
    const { header, data } = readHeader(file);
    const out = Buffer.from(data);
    out.writeFloatLE(Number.NaN, (header[UP] as Entry).data_offsets[0]);
    writeSafetensors(file, header, out);
    expect(() => assertFiniteWeights([file], cache)).toThrow(
      /tensor 'model\.layers\.0\.mlp\.up_proj\.weight' holds a non-finite weight/,
    );
  });

  it('firstNonFinite on each float dtype (known bit patterns)', () => {
    const bytes = (values: number[], size: 2 | 4 | 8) => {
      const b = Buffer.alloc(values.length * size);
      values.forEach((v, i) =>
        size === 2 ? b.writeUInt16LE(v, i * 2) : size === 4 ? b.writeFloatLE(v, i * 4) : b.writeDoubleLE(v, i * 8),
      );
      return new Uint8Array(b);
    };
    expect(firstNonFinite(bytes([1, -2, 3.4e38, Number.POSITIVE_INFINITY], 4), 'F32')).toBe(3);
    expect(firstNonFinite(bytes([1, -2, 3.4e38], 4), 'F32')).toBe(-1);
    expect(firstNonFinite(bytes([1, 1e308, Number.NaN], 8), 'F64')).toBe(2);
    // F16: 0x7bff is the largest finite value (65504), 0x7c00 +Inf, 0xfe00 NaN
    expect(firstNonFinite(bytes([0x3c00, 0x7bff, 0xfe00], 2), 'F16')).toBe(2);
    expect(firstNonFinite(bytes([0x3c00, 0x7bff], 2), 'F16')).toBe(-1);
    // BF16: 0x7f7f is the largest finite value, 0xff80 -Inf
    expect(firstNonFinite(bytes([0x7f7f, 0xff80], 2), 'BF16')).toBe(1);
    expect(firstNonFinite(bytes([0x7f7f, 0x0001], 2), 'BF16')).toBe(-1);
    expect(firstNonFinite(new Uint8Array([0xff, 0xff]), 'I16')).toBe(-1);
    // an unaligned view takes the DataView path and must agree
    const unaligned = new Uint8Array(9).subarray(1);
    unaligned.set(bytes([2.5, Number.NaN], 4));
    expect(firstNonFinite(unaligned, 'F32')).toBe(1);
    const unaligned64 = new Uint8Array(17).subarray(1);
    unaligned64.set(bytes([Number.NEGATIVE_INFINITY, 1], 8));
    expect(firstNonFinite(unaligned64, 'F64')).toBe(0);
  });
});
