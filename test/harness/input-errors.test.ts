// Bad adapters, configs, tokenizers and method outputs are input errors (exit 2 through exitCodeOf) whose
// message names the file and field; test/cli/input-errors.test.ts spawns the commands on such inputs.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCodeOf } from '../../src/cli/main.ts';
import { describeThrown } from '../../src/errors.ts';
import { builtinMethod, resolveConfig } from '../../src/harness/load-method.ts';
import { resolveModel } from '../../src/hub/resolve.ts';
import { validateMethodOutput } from '../../src/method/validate.ts';
import adl from '../../src/adl/method.ts';
import { openAdapter } from '../../src/runtime/lora.ts';
import { openModel } from '../../src/runtime/open-model.ts';
import { loadTokenizer } from '../../src/tokenizer/index.ts';
import { tempDir, testCacheDir, ZOO_BASE, zooAdapter } from '../helpers.ts';
import { copyFolder } from '../runtime/safetensors-edit.ts';

/** The error `work` throws, with the exit status a command would give it. */
async function failure(work: () => unknown): Promise<{ code: number; message: string }> {
  try {
    await work();
  } catch (err) {
    return { code: exitCodeOf(err), message: describeThrown(err) };
  }
  throw new Error('expected an error');
}

const patchJson = (file: string, patch: Record<string, unknown>) =>
  fs.writeFileSync(file, JSON.stringify({ ...JSON.parse(fs.readFileSync(file, 'utf8')), ...patch }));

function adapter(patch: Record<string, unknown>): string {
  const dir = copyFolder(zooAdapter('cake_bake'), 'diffbench-adapter-');
  patchJson(path.join(dir, 'adapter_config.json'), patch);
  return dir;
}

describe('adapter configs', () => {
  it.each([
    [{ r: 0 }, /adapter_config\.json: field 'r' must be a positive integer, got 0/],
    [{ r: 2.5 }, /adapter_config\.json: field 'r' must be a positive integer, got 2\.5/],
    [{ target_modules: [] }, /adapter_config\.json: field 'target_modules' is empty/],
    [
      { target_modules: ['foo_proj'] },
      /none of its LoRA modules \(.*\) is in target_modules of .*adapter_config\.json \(\["foo_proj"\]\)/,
    ],
    [{ use_dora: true }, /adapter_config\.json: field 'use_dora' is true; DoRA adapters are not supported/],
    [{ peft_type: 'IA3' }, /adapter_config\.json: field 'peft_type' is 'IA3'; only LORA adapters are supported/],
    [
      { layers_to_transform: [99] },
      /adapter_config\.json: field 'layers_to_transform' \(\[99\]\) selects none of the layers of its LoRA modules \(layers 0\.\.5\)/,
    ],
  ])('%j', async (patch, message) => {
    const r = await failure(() => openAdapter(adapter(patch)));
    expect(r.message).toMatch(message);
    expect(r.code).toBe(2);
  });

  it('layers_to_transform that selects some layers is accepted', () => {
    expect(openAdapter(adapter({ layers_to_transform: [1, 99] })).modules.size).toBe(7);
  });
});

describe('model folders', () => {
  const model = (edit: (dir: string) => void) => {
    const dir = copyFolder(ZOO_BASE, 'diffbench-model-');
    edit(dir);
    return dir;
  };
  it.each([
    [
      'rms_norm_eps -1',
      (d: string) => patchJson(path.join(d, 'config.json'), { rms_norm_eps: -1 }),
      /config\.json: rms_norm_eps must be a positive number, got -1/,
    ],
    [
      'rms_norm_eps "x"',
      (d: string) => patchJson(path.join(d, 'config.json'), { rms_norm_eps: 'x' }),
      /config\.json: rms_norm_eps must be a positive number, got "x"/,
    ],
    [
      'generation_config.json that is not JSON',
      (d: string) => fs.writeFileSync(path.join(d, 'generation_config.json'), '{"eos_token_id": '),
      /generation_config\.json: not valid JSON/,
    ],
    [
      'generation_config.json with a temperature that is not a number',
      (d: string) => patchJson(path.join(d, 'generation_config.json'), { temperature: 'hot' }),
      /generation_config\.json: field 'temperature' must be a number, got "hot"/,
    ],
    [
      'generation_config.json with top_k -3',
      (d: string) => patchJson(path.join(d, 'generation_config.json'), { top_k: -3 }),
      /generation_config\.json: field 'top_k': expected an integer >= 0 \(0 = off\), got -3/,
    ],
  ])('%s', async (_what, edit, message) => {
    const r = await failure(() => openModel(model(edit), undefined, testCacheDir()));
    expect(r.message).toMatch(message);
    expect(r.code).toBe(2);
  });

  it('a model "folder" that is a file', async () => {
    const file = path.join(tempDir(), 'model');
    fs.writeFileSync(file, 'x');
    const r = await failure(() => resolveModel(file));
    expect(r.message).toBe(`${file} is a file, not a model folder`);
    expect(r.code).toBe(2);
  });

  it.each([
    ['not JSON', '{"model": ', /cannot parse .*tokenizer\.json: /],
    [
      'JSON the library cannot read',
      '{"model": {"type": "Nope"}}',
      /tokenizer\.json: not a tokenizer the tokenizers library can read/,
    ],
  ])('a tokenizer.json that is %s', async (_what, text, message) => {
    const dir = model((d) => fs.writeFileSync(path.join(d, 'tokenizer.json'), text));
    const r = await failure(() => loadTokenizer(dir));
    expect(r.message).toMatch(message);
    expect(r.code).toBe(2);
  });
});

describe('method configs checked before anything runs', () => {
  it.each([
    [
      { tokens: 5 },
      /method 'adl': config rejected by its checkConfig: ADL config: tokens \(5\) must be > skipTokens \(5\)/,
    ],
    [{ samples: 0 }, /method 'adl': config does not match its configSchema: \/samples must be >= 1/],
    [{ steering: { positions: [7] } }, /ADL config: steering\.positions 7 must be < positions/],
  ])('adl %j', async (overrides, message) => {
    const r = await failure(() => resolveConfig(adl, overrides));
    expect(r.message).toMatch(message);
    expect(r.code).toBe(2);
  });
});

describe("built-in methods' relations between config fields are checked up front", () => {
  it.each([
    ['pca', { skip: 10, tokens: 5 }, /pca: skip \(10\) must be below tokens \(5\)/],
    ['amplification', { layers: [0.8, 0.2] }, /amplification: layers \[0\.8,0\.2\] must be a range/],
    ['causal-kl', { positions: 9, tokens: 5 }, /causal-kl: positions \(9\) must be below tokens \(5\)/],
    ['causal', { positions: 9, tokens: 8 }, /causal: positions \(9\) must be at most tokens \(8\)/],
  ])('%s %j', async (id, overrides, message) => {
    const r = await failure(() => resolveConfig(builtinMethod(id)!.method, overrides));
    expect(r.message).toMatch(new RegExp(`method '${id}': config rejected by its checkConfig: ${message.source}`));
    expect(r.code).toBe(2);
  });
});

describe('method outputs that JSON cannot hold', () => {
  const ctx = {
    methodId: 'm',
    hiddenSize: 4,
    numLayers: 2,
    budget: { readoutsPerSource: 5, tokensPerReadout: 20 },
    vocabulary: { size: 10, display: (id: number) => `t${id}` },
  };
  it('a BigInt in details names method and field', async () => {
    const r = await failure(() =>
      validateMethodOutput({ scalars: { a: 1 }, details: { stats: [1, { n: 10n }] } }, ctx),
    );
    expect(r.message).toMatch(/method 'm' returned an invalid output: details\.stats\[1\]\.n: is a BigInt \(10n\)/);
    expect(r.code).toBe(2);
  });
  it('a cycle in details names method and field', async () => {
    const loop: Record<string, unknown> = { x: 1 };
    loop.inner = { back: loop };
    const r = await failure(() => validateMethodOutput({ scalars: { a: 1 }, details: { loop } }, ctx));
    expect(r.message).toMatch(
      /method 'm' returned an invalid output: details\.loop\.inner\.back: refers back to details\.loop \(a cycle\)/,
    );
    expect(r.code).toBe(2);
  });
  it('shared (acyclic) references and typed arrays are fine', () => {
    const shared = { v: 1 };
    expect(() =>
      validateMethodOutput({ scalars: { a: 1 }, details: { a: shared, b: [shared], f: new Float32Array(3) } }, ctx),
    ).not.toThrow();
  });
});

it('throw Symbol() is described by the symbol', () => {
  expect(describeThrown(Symbol('gone'))).toBe('threw a symbol instead of an Error: Symbol(gone)');
  expect(describeThrown(Symbol())).toBe('threw a symbol instead of an Error: Symbol()');
});
